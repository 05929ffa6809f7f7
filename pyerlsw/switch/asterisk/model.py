"""The immutable dialplan model built by :mod:`~pyerlsw.switch.asterisk.config`.

A :class:`Dialplan` holds :class:`Context` objects by name (case-sensitive, as in
Asterisk 1.6+); a context keeps its :class:`Extension` entries **sorted** the way
Asterisk sorts them (literals before patterns, specificity order, caller-ID entries
before the plain entry of the same extension), its includes in the order written, and
its ignore patterns. An extension entry holds its priorities by number and by label.

Everything is frozen; mappings are read-only views. Derived indexes (priorities by
number and label, compiled matchers, the literal-extension index) are computed when an
object is created; :func:`make_extension`/:func:`make_context` also sort.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pyerlsw.switch.asterisk.patterns import CompiledPattern, is_pattern, sort_key
from pyerlsw.switch.asterisk.timing import Timing

__all__ = [
    "Context",
    "Dialplan",
    "Extension",
    "GeneralSettings",
    "Include",
    "Priority",
    "extension_order",
    "make_context",
    "make_extension",
]


@dataclass(frozen=True, slots=True)
class Priority:
    """One ``exten => name,number(label),App(data)`` step.

    ``app`` is the application name as written (leading blanks removed); ``data`` is raw
    (no trimming, not substituted). ``file``/``line`` say where it was defined.
    """

    number: int
    app: str
    data: str = ""
    label: str | None = None
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Extension:
    """One extension entry: a name (literal or ``_pattern``) plus an optional caller-ID
    pattern (``None``: any caller), with its priorities (sorted by number) and its hint.
    The number/label indexes and the compiled matchers are derived on creation."""

    name: str
    cid: str | None
    priorities: tuple[Priority, ...]
    hint: str | None = None
    by_number: Mapping[int, Priority] = field(init=False, compare=False, repr=False)
    by_label: Mapping[str, Priority] = field(init=False, compare=False, repr=False)
    matcher: CompiledPattern = field(init=False, compare=False, repr=False)
    cid_matcher: CompiledPattern | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        by_label: dict[str, Priority] = {}
        for p in self.priorities:
            if p.label is not None and p.label not in by_label:
                by_label[p.label] = p
        object.__setattr__(
            self, "by_number", MappingProxyType({p.number: p for p in self.priorities})
        )
        object.__setattr__(self, "by_label", MappingProxyType(by_label))
        object.__setattr__(self, "matcher", CompiledPattern(self.name))
        object.__setattr__(
            self, "cid_matcher", CompiledPattern(self.cid) if self.cid is not None else None
        )

    @property
    def is_pattern(self) -> bool:
        return is_pattern(self.name)

    @property
    def display_name(self) -> str:
        """``name`` or ``name/cid`` as written in extensions.conf."""
        return self.name if self.cid is None else f"{self.name}/{self.cid}"

    def priority(self, number: int) -> Priority | None:
        return self.by_number.get(number)

    def label(self, label: str) -> Priority | None:
        return self.by_label.get(label)

    def cid_matches(self, callerid: str | None) -> bool:
        """Whether the caller-ID part accepts ``callerid`` (always, without one)."""
        if self.cid_matcher is None:
            return True
        if not callerid:
            return not self.cid
        return self.cid_matcher.match(callerid) != 0


def make_extension(
    name: str, cid: str | None, priorities: Iterable[Priority], hint: str | None = None
) -> Extension:
    """An :class:`Extension` with its priorities sorted by number."""
    return Extension(name, cid, tuple(sorted(priorities, key=lambda p: p.number)), hint)


def extension_order(ext: Extension) -> tuple[object, ...]:
    """Sort key of an entry in its context (``ext_cmp``, then caller-ID entries first)."""
    if ext.cid is None:
        return (sort_key(ext.name), 1)
    return (sort_key(ext.name), 0, sort_key(ext.cid))


@dataclass(frozen=True, slots=True)
class Include:
    """``include => context[,timing]``; ``timing`` None means always active."""

    context: str
    timing: Timing | None = None
    text: str = ""
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Context:
    """A dialplan context. ``extensions`` are in Asterisk's search order (build it with
    :func:`make_context` to get them sorted); the literal index is derived."""

    name: str
    extensions: tuple[Extension, ...] = ()
    includes: tuple[Include, ...] = ()
    ignore_patterns: tuple[str, ...] = ()
    switches: tuple[str, ...] = ()
    literal_index: Mapping[str, tuple[Extension, ...]] = field(
        init=False, compare=False, repr=False
    )
    pattern_entries: tuple[Extension, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[Extension]] = {}
        patterns: list[Extension] = []
        for ext in self.extensions:
            literal = ext.matcher.literal
            if literal is None:
                patterns.append(ext)
            else:
                index.setdefault(literal, []).append(ext)
        frozen = {k: tuple(v) for k, v in index.items()}
        object.__setattr__(self, "literal_index", MappingProxyType(frozen))
        object.__setattr__(self, "pattern_entries", tuple(patterns))

    def entries(self, name: str) -> tuple[Extension, ...]:
        """The entries whose name is exactly ``name`` (any caller-ID part)."""
        return tuple(e for e in self.extensions if e.name == name)

    def hints(self) -> dict[str, str]:
        """``{extension name: device string}`` for the hints of this context."""
        return {e.name: e.hint for e in self.extensions if e.hint is not None}


def make_context(
    name: str,
    extensions: Iterable[Extension] = (),
    includes: Iterable[Include] = (),
    ignore_patterns: Iterable[str] = (),
    switches: Iterable[str] = (),
) -> Context:
    """A :class:`Context` with its extensions sorted in search order."""
    ordered = tuple(sorted(extensions, key=extension_order))
    return Context(name, ordered, tuple(includes), tuple(ignore_patterns), tuple(switches))


@dataclass(frozen=True, slots=True)
class GeneralSettings:
    """The ``[general]`` section (unknown keys are kept in ``raw``)."""

    static: bool = False
    writeprotect: bool = False
    autofallthrough: bool = True
    clearglobalvars: bool = False
    extenpatternmatchnew: bool = False
    userscontext: str = ""
    raw: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Dialplan:
    """A loaded extensions.conf. ``globals`` are in file order, already substituted."""

    contexts: Mapping[str, Context] = field(default_factory=lambda: MappingProxyType({}))
    globals: tuple[tuple[str, str], ...] = ()
    general: GeneralSettings = field(default_factory=GeneralSettings)
    files: tuple[str, ...] = ()

    def context(self, name: str) -> Context | None:
        return self.contexts.get(name)

    def global_variables(self) -> dict[str, str]:
        """The globals as a dict (a later definition replaces an earlier one)."""
        return dict(self.globals)

    @staticmethod
    def build(
        contexts: Iterable[Context],
        globals_: Iterable[tuple[str, str]] = (),
        general: GeneralSettings | None = None,
        files: Iterable[str] = (),
    ) -> Dialplan:
        return Dialplan(
            MappingProxyType({c.name: c for c in contexts}),
            tuple(globals_),
            general or GeneralSettings(),
            tuple(files),
        )
