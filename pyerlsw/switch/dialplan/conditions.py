"""One hunt through XML dialplan extensions: conditions, break modes, actions.

The semantics follow FreeSWITCH's ``mod_dialplan_xml`` (``parse_exten``):

* conditions of an extension are evaluated in order; a condition is true when its
  ``field`` value matches its ``expression`` (``field`` is a caller-profile name such as
  ``destination_number`` or, when it contains ``$``, an expanded string such as
  ``${sip_from_user}``), when it has neither field nor time attributes ("absolute"),
  or per ``regex="all|any|xor"`` over its ``<regex field expression>`` children;
  time attributes (see :mod:`~pyerlsw.switch.dialplan.timematch`) must match too;
* a true condition adds its ``<action>``s (``$1``... replaced by the captures), a false
  one its ``<anti-action>``s; ``inline="true"`` runs the application at once instead,
  ``loop="N"`` repeats it;
* ``break`` decides whether the next condition is evaluated: ``on-false`` (default)
  stops after a false condition, ``on-true`` after a true one, ``always`` after any,
  ``never`` never;
* nested ``<condition>``s of a condition that went on (true, or false with
  anti-actions) are evaluated like an extension of their own; when they fail, the
  enclosing extension fails too unless the parent condition says ``break="never"``
  (then the next sibling condition is evaluated) or ``require-nested="false"``;
* an extension "went on" when its last evaluated condition did; the hunt stops at the
  first extension that went on unless it says ``continue="true"``. Actions accumulate
  across every extension evaluated.

Deliberate differences from FreeSWITCH's code, which has accidental behaviour here: a
condition with both a field and time attributes needs both to match (FreeSWITCH runs the
actions when either does); a false condition "goes on" only when it has anti-actions
(FreeSWITCH may also go on after a false ``regex="xor"``); with ``regex`` children, the
captures are those of the last child that matched with groups.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from xml.etree.ElementTree import Element

from pyerlsw.switch.dialplan.base import Action, HuntTarget, InlineExecutor
from pyerlsw.switch.dialplan.captures import RegexCache, capture_array, substitute_captures
from pyerlsw.switch.dialplan.inline_apps import InlineApp
from pyerlsw.switch.dialplan.limits import DialplanLimits
from pyerlsw.switch.dialplan.params import profile_field
from pyerlsw.switch.dialplan.pcre import RegexError
from pyerlsw.switch.dialplan.strings import atoi, is_true
from pyerlsw.switch.dialplan.timematch import Clock, has_time_attributes, time_matches

__all__ = ["BreakMode", "DialplanContentError", "HuntRun"]


class DialplanContentError(Exception):
    """Dialplan content that makes a hunt impossible (an invalid expression, too many
    actions); the engine logs it and routes nowhere."""


class BreakMode(enum.Enum):
    ON_TRUE = "on-true"
    ON_FALSE = "on-false"
    ALWAYS = "always"
    NEVER = "never"


#: After a condition judged (mode, verdict): stop evaluating this extension's conditions?
_STOPS: Mapping[tuple[BreakMode, bool], bool] = {
    (BreakMode.ON_TRUE, True): True,
    (BreakMode.ON_TRUE, False): False,
    (BreakMode.ON_FALSE, True): False,
    (BreakMode.ON_FALSE, False): True,
    (BreakMode.ALWAYS, True): True,
    (BreakMode.ALWAYS, False): True,
    (BreakMode.NEVER, True): False,
    (BreakMode.NEVER, False): False,
}


@dataclass(slots=True)
class _Verdict:
    true: bool
    captures: re.Match[str] | None = None


@dataclass(slots=True)
class HuntRun:
    """The state of one hunt: where it is looking, what it collected."""

    target: HuntTarget
    destination: str
    context: str
    regexes: RegexCache
    limits: DialplanLimits
    inline_apps: Mapping[str, InlineApp]
    zone: tzinfo | None = None
    actions: list[Action] = field(default_factory=list)
    extension_created: bool = False
    _clock: Clock | None = None

    def result(self) -> list[Action] | None:
        """The collected actions; None when no action or anti-action was reached
        (FreeSWITCH then has no caller extension: NO_ROUTE_DESTINATION)."""
        return list(self.actions) if self.extension_created else None

    async def extension(self, element: Element, name: str, depth: int = 0) -> bool:
        """Evaluate the conditions of ``element`` (an extension, or at ``depth`` > 0 a
        condition holding nested ones); True when it went on."""
        label = name
        space = ""
        required = True
        if depth:
            if depth > self.limits.max_nesting:
                self.target.log("ERR", "Recursion LIMIT!")
                return False
            label = f"{name}_recur_{depth}"
            space = "|" + "-" * (4 * depth - 1) + " "
            attribute = element.get("require-nested")
            required = True if attribute is None else is_true(attribute)
            self._debug(
                f"{space}Dialplan: Processing recursive conditions level:{depth} "
                f"[{label}] require-nested={'TRUE' if required else 'FALSE'}"
            )
        went_on = False
        for condition in element.iterfind("condition"):
            mode, mode_label = _break_mode(condition.get("break"))
            verdict = await self._condition(condition, label, space, mode_label)
            went_on = await self._run_actions(condition, verdict, space)
            if _STOPS[mode, verdict.true]:
                break
            if went_on and condition.find("condition") is not None:
                went_on = await self.extension(condition, name, depth + 1)
                if not went_on:
                    if mode is BreakMode.NEVER:
                        continue
                    break
        return went_on or not required

    # -- judging a condition ---------------------------------------------------------

    async def _condition(
        self, condition: Element, label: str, space: str, mode_label: str
    ) -> _Verdict:
        prefix = f"{space}Dialplan: {self.target.name}"
        timed = self._timed(condition)
        if timed is True:
            self._debug(f"{prefix} Date/Time Match (PASS) [{label}] break={mode_label}")
        elif timed is False:
            self._debug(f"{prefix} Date/TimeMatch (FAIL) [{label}] break={mode_label}")
        rule = condition.get("regex")
        if rule is not None:
            verdict = self._regex_children(condition, rule.lower(), label, prefix)
            verdict.true = verdict.true and timed is not False
            return verdict
        field_name = condition.get("field")
        if field_name is None:
            if timed is None:
                self._debug(f"{prefix} Absolute Condition [{label}]")
                return _Verdict(True)
            return _Verdict(timed)
        expression = self._expression(condition)
        value = self._field(field_name)
        match = self._search(expression, value)
        outcome = "PASS" if match else "FAIL"
        self._debug(
            f"{prefix} Regex ({outcome}) [{label}] {field_name}({value}) =~ /{expression}/ "
            f"break={mode_label}"
        )
        captures = match if match is not None and "(" in expression else None
        return _Verdict(match is not None and timed is not False, captures)

    def _regex_children(self, condition: Element, rule: str, label: str, prefix: str) -> _Verdict:
        every, exclusive = rule == "all", rule == "xor"
        shown = "all" if every else "any"
        children = condition.findall("regex")
        for number in range(1, len(children) + 1):
            self.target.set_variable(f"DP_REGEX_MATCH_{number}", None)
        passes = fails = 0
        captures: re.Match[str] | None = None
        for number, child in enumerate(children, start=1):
            timed = self._timed(child)
            if timed is True:
                self._debug(f"{prefix} Date/Time Match (PASS) [{label}]")
            elif timed is False:
                self._debug(f"{prefix} Date/TimeMatch (FAIL) [{label}]")
            field_name = child.get("field")
            if field_name is not None:
                expression = self._expression(child)
                value = self._field(field_name)
                match = self._search(expression, value)
                outcome = "PASS" if match else "FAIL"
                self._debug(
                    f"{prefix} Regex ({outcome}) [{label}] {field_name}({value}) =~ "
                    f"/{expression}/ match={shown}"
                )
                passed = match is not None and timed is not False
                if match is not None and "(" in expression:
                    self.target.set_variable(f"DP_REGEX_MATCH_{number}", capture_array(match))
                    captures = match
            elif timed is None:
                self._debug(f"{prefix} Absolute Condition [{label}] match={shown}")
                passed = True
            else:
                passed = timed
            if passed:
                passes += 1
                if not every and not exclusive:
                    break
            else:
                fails += 1
                if every:
                    break
        if exclusive:
            return _Verdict(passes == 1, captures)
        return _Verdict(fails == 0 if every else passes > 0, captures)

    # -- actions ---------------------------------------------------------------------

    async def _run_actions(self, condition: Element, verdict: _Verdict, space: str) -> bool:
        """Add (or run inline) the actions of a true condition, the anti-actions of a
        false one; True when the condition goes on (true, or anti-actions present)."""
        if verdict.true:
            if verdict.captures is not None:
                self.target.set_variable("DP_MATCH", capture_array(verdict.captures))
            await self._add(condition.findall("action"), "Action", verdict.captures, space)
            return True
        anti = condition.findall("anti-action")
        await self._add(anti, "ANTI-Action", None, space)
        return bool(anti)

    async def _add(
        self, elements: list[Element], kind: str, captures: re.Match[str] | None, space: str
    ) -> None:
        for element in elements:
            application = element.get("application") or ""
            data = element.text if element.text else element.get("data") or ""
            if captures is not None:
                data = substitute_captures(data, captures)
            inline = is_true(element.get("inline"))
            loop = element.get("loop")
            count = 1 if loop is None else atoi(loop)
            if count > self.limits.max_loop:
                self.target.log(
                    "WARNING", f"loop={count} of {application} cut to {self.limits.max_loop}"
                )
                count = self.limits.max_loop
            self.extension_created = True
            for _ in range(count):
                self._debug(
                    f"{space}Dialplan: {self.target.name} {kind} {application}({data}) "
                    f"{'INLINE' if inline else ''}"
                )
                if inline:
                    await self._inline(application, data)
                else:
                    if len(self.actions) >= self.limits.max_actions:
                        raise DialplanContentError(
                            f"hunt produced more than {self.limits.max_actions} actions"
                        )
                    self.actions.append(Action(application, data))

    async def _inline(self, application: str, data: str) -> None:
        target = self.target
        if isinstance(target, InlineExecutor):
            if not await target.execute_inline(application, data):
                target.log("ERR", f"Application {application} cannot be executed inline")
            return
        runner = self.inline_apps.get(application.lower())
        if runner is None:
            target.log("ERR", f"Application {application} cannot be executed inline")
            return
        runner(target, target.expand(data) if "$" in data else data)

    # -- helpers ---------------------------------------------------------------------

    def _expression(self, element: Element) -> str:
        child = element.find("expression")
        text = (child.text or "") if child is not None else element.get("expression") or ""
        return self.target.expand(text) if "${" in text else text

    def _field(self, name: str) -> str:
        if "$" in name:
            return self.target.expand(name)
        return profile_field(self.target, name.lower(), self.destination, self.context)

    def _search(self, expression: str, value: str) -> re.Match[str] | None:
        try:
            return self.regexes.search(expression, value)
        except RegexError as exc:
            raise DialplanContentError(f"invalid expression /{expression}/: {exc}") from None

    def _timed(self, element: Element) -> bool | None:
        if not has_time_attributes(element):
            return None
        return time_matches(element, self._now())

    def _now(self) -> Clock:
        if self._clock is None:
            target = self.target
            self._clock = Clock.at(
                target.now(),
                target.get_variable("tod_tz_offset"),
                target.get_variable("timezone"),
                self.zone,
            )
        return self._clock

    def _debug(self, message: str) -> None:
        self.target.log("DEBUG", message)


def _break_mode(attribute: str | None) -> tuple[BreakMode, str]:
    if attribute is not None:
        try:
            return BreakMode(attribute.lower()), attribute
        except ValueError:
            pass
    return BreakMode.ON_FALSE, "on-false"
