"""FreeSWITCH dial strings: ``{a=1}[b=2]sim/alice,sim/bob|sofia/gw/x/5551234``.

Grammar (what ``switch_ivr_originate`` accepts, minus the enterprise ``:_:`` form):

* ``{var=val,...}`` at the very start: variables for every leg (``<...>`` is accepted
  as a synonym); a ``{...}`` at the start of a ``|`` group adds variables for that
  group;
* ``|`` separates groups tried one after another; ``,`` separates legs of a group
  that ring at the same time;
* ``[var=val,...]`` before a leg: variables for that leg only;
* values may be quoted with ``'`` or ``"``, ``\\,`` is a literal comma, and
  ``^^X`` at the start of a variable block makes ``X`` the separator
  (``{^^:a=1,2:b=3}``).

Parsing is bounded (:data:`MAX_LENGTH`, :data:`MAX_LEGS`) and raises
:class:`DialStringError` with the hangup cause FreeSWITCH would use.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_LEGS", "MAX_LENGTH", "DialLeg", "DialString", "DialStringError", "parse"]

MAX_LENGTH = 65_536
MAX_LEGS = 256

Var = tuple[str, str]


class DialStringError(ValueError):
    """A dial string that cannot be used; ``cause`` is the hangup cause name to report."""

    def __init__(self, message: str, cause: str = "INVALID_URL") -> None:
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True, slots=True)
class DialLeg:
    """One endpoint to call: ``technology/address`` with the variables that apply to it
    (dial-string-wide first, then group, then leg; later ones win)."""

    target: str
    technology: str
    address: str
    variables: tuple[Var, ...] = ()

    def variable(self, name: str) -> str | None:
        value = None
        for key, val in self.variables:
            if key == name:
                value = val
        return value


@dataclass(frozen=True, slots=True)
class DialString:
    """A parsed dial string: groups (tried in order) of legs (rung together)."""

    text: str
    variables: tuple[Var, ...]
    groups: tuple[tuple[DialLeg, ...], ...]

    def variable(self, name: str) -> str | None:
        value = None
        for key, val in self.variables:
            if key == name:
                value = val
        return value

    @property
    def legs(self) -> tuple[DialLeg, ...]:
        return tuple(leg for group in self.groups for leg in group)


_CLOSERS = {"{": "}", "[": "]", "<": ">"}


def _block_end(text: str, start: int) -> int:
    """Index of the bracket closing ``text[start]``, honouring quotes and escapes."""
    opener = text[start]
    closer = _CLOSERS[opener]
    depth = 0
    quote = ""
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == opener:
            depth += 1
        elif ch == closer:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise DialStringError(f"unbalanced {opener!r} in dial string")


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets, quotes and escapes."""
    parts: list[str] = []
    depth = 0
    quote = ""
    current: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and depth > 0:
            quote = ch
        elif ch in "{[<":
            depth += 1
        elif ch in "}]>":
            depth = max(0, depth - 1)
        elif ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
            i += 1
            continue
        current.append(ch)
        i += 1
    parts.append("".join(current))
    return parts


def parse_variables(block: str) -> list[Var]:
    """Parse the inside of a ``{...}``/``[...]`` block into ``(name, value)`` pairs."""
    sep = ","
    if block.startswith("^^") and len(block) > 2:
        sep = block[2]
        block = block[3:]
    pairs: list[Var] = []
    current: list[str] = []
    quote = ""
    items: list[str] = []
    i = 0
    while i < len(block):
        ch = block[i]
        if ch == "\\" and i + 1 < len(block):
            current.append(block[i + 1])
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
            else:
                current.append(ch)
        elif ch in "'\"":
            quote = ch
        elif ch == sep:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    if quote:
        raise DialStringError("unterminated quote in dial string variables")
    items.append("".join(current))
    for item in items:
        if not item.strip():
            continue
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise DialStringError(f"bad variable {item!r} in dial string")
        pairs.append((name, value))
    return pairs


def _leading_blocks(text: str, openers: str) -> tuple[list[Var], str]:
    variables: list[Var] = []
    text = text.lstrip()
    while text and text[0] in openers:
        end = _block_end(text, 0)
        variables += parse_variables(text[1:end])
        text = text[end + 1 :].lstrip()
    return variables, text


def _parse_leg(text: str, inherited: list[Var]) -> DialLeg:
    own, target = _leading_blocks(text, "[")
    target = target.strip()
    if not target:
        raise DialStringError("empty leg in dial string")
    tech, slash, address = target.partition("/")
    if not slash or not tech:
        raise DialStringError(f"invalid endpoint {target!r}", "CHAN_NOT_IMPLEMENTED")
    return DialLeg(target, tech, address, tuple(inherited + own))


def parse(text: str) -> DialString:
    """Parse ``text``; raises :class:`DialStringError`."""
    if len(text) > MAX_LENGTH:
        raise DialStringError("dial string too long")
    stripped = text.strip()
    if not stripped:
        raise DialStringError("empty dial string")
    global_vars, body = _leading_blocks(stripped, "{<")
    groups: list[tuple[DialLeg, ...]] = []
    count = 0
    for group_text in _split_top(body, "|"):
        group_vars, group_body = _leading_blocks(group_text, "{<")
        legs: list[DialLeg] = []
        for leg_text in _split_top(group_body, ","):
            if not leg_text.strip():
                continue
            legs.append(_parse_leg(leg_text, global_vars + group_vars))
            count += 1
            if count > MAX_LEGS:
                raise DialStringError("too many legs in dial string")
        if legs:
            groups.append(tuple(legs))
    if not groups:
        raise DialStringError("no endpoint in dial string")
    return DialString(text, tuple(global_vars), tuple(groups))
