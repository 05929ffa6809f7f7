"""Python values for Erlang terms.

The mapping (see ``docs/terms.md``) is one-to-one for everything a real OTP node
produces, so ``encode(decode(b))`` is a term OTP finds ``=:=`` to ``b``:

========================  ==========================================================
Erlang                    Python
========================  ==========================================================
atom                      :class:`Atom` (not equal to ``str``); ``true``/``false`` are
                          ``bool``; ``undefined`` is ``Atom("undefined")``
integer                   ``int``
float                     ``float`` (finite)
binary                    ``bytes``
bitstring                 :class:`BitString`
tuple                     ``tuple``
proper list, string       ``list`` (an Erlang string is a ``list`` of ``int``)
improper list             :class:`ImproperList`
map                       ``dict``
pid / port / reference    :class:`Pid` / :class:`Port` / :class:`Reference`
``fun M:F/A``             :class:`ExportFun`
other funs                :class:`OpaqueFun` (re-encodes to the same bytes)
========================  ==========================================================

Lists and maps are unhashable in Python, so where one is a map key (or inside a map
key) the decoder gives :class:`FrozenList` and :class:`FrozenMap`; both encode as the
list and map they stand for.

Everything here is a plain value: no globals, no interning, nothing done at import.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, NoReturn

__all__ = [
    "MAX_ATOM_CHARS",
    "Atom",
    "BitString",
    "ExportFun",
    "FrozenList",
    "FrozenMap",
    "ImproperList",
    "OpaqueFun",
    "Pid",
    "Port",
    "Reference",
    "Term",
]

MAX_ATOM_CHARS = 255
"""Erlang's limit on the number of characters in an atom."""

Term = Any
"""Any Python value that stands for an Erlang term (see the module docstring)."""


class Atom:
    """An Erlang atom.

    Atoms are their own type: ``Atom("ok") != "ok"``, and a ``dict`` may hold both as
    separate keys. ``str(atom)`` gives the name. ``true`` and ``false`` are never
    atoms in Python: they decode to ``bool``; ``Atom("true")`` cannot be made.

    Raises :class:`ValueError` for names over 255 characters or equal to
    ``"true"``/``"false"``.
    """

    __slots__ = ("name",)
    name: str

    def __init__(self, name: str) -> None:
        if type(name) is not str:
            raise TypeError(f"atom name must be str, not {type(name).__name__}")
        if len(name) > MAX_ATOM_CHARS:
            raise ValueError(f"atom too long: {len(name)} characters (max {MAX_ATOM_CHARS})")
        if name in ("true", "false"):
            raise ValueError(f"use the bool {name.title()} for the atom {name!r}")
        object.__setattr__(self, "name", name)

    def __setattr__(self, key: str, value: object) -> NoReturn:
        raise AttributeError("Atom is immutable")

    def __delattr__(self, key: str) -> NoReturn:
        raise AttributeError("Atom is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is Atom:
            return self.name == other.name
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if type(other) is Atom:
            return self.name != other.name
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.name) ^ 0x2F0B3A5C

    def __repr__(self) -> str:
        return f"Atom({self.name!r})"

    def __str__(self) -> str:
        return self.name

    def __reduce__(self) -> tuple[type[Atom], tuple[str]]:
        return (Atom, (self.name,))


@dataclass(frozen=True, slots=True)
class Pid:
    """An Erlang process identifier (NEW_PID_EXT): ``<node.id.serial>`` plus creation."""

    node: Atom
    id: int
    serial: int
    creation: int

    def __repr__(self) -> str:
        return f"Pid({self.node.name}, {self.id}, {self.serial}, {self.creation})"


@dataclass(frozen=True, slots=True)
class Port:
    """An Erlang port identifier (NEW_PORT_EXT, or V4_PORT_EXT when ``id`` needs 64 bits)."""

    node: Atom
    id: int
    creation: int


@dataclass(frozen=True, slots=True)
class Reference:
    """An Erlang reference (NEWER_REFERENCE_EXT): 1 to 5 opaque 32-bit ``ids`` words."""

    node: Atom
    creation: int
    ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BitString:
    """A bitstring whose last byte holds only ``bits`` (1..8) significant bits (MSB first).

    Unused low bits of the last byte are always zero.
    """

    data: bytes
    bits: int


@dataclass(frozen=True, slots=True)
class ImproperList:
    """A list whose tail is not ``[]``: ``[a, b | tail]`` is ``ImproperList([a, b], tail)``.

    ``items`` is never empty (``[ | T]`` is just ``T``) and ``tail`` is never a list.
    The ``items`` list is kept as given; treat it as read-only.
    """

    items: list[Any]
    tail: Any

    def __hash__(self) -> int:
        raise TypeError("ImproperList is unhashable; map keys use FrozenList-based keys")


@dataclass(frozen=True, slots=True)
class ExportFun:
    """``fun Module:Function/Arity`` (EXPORT_EXT)."""

    module: Atom
    function: Atom
    arity: int


@dataclass(frozen=True, slots=True)
class OpaqueFun:
    """A local fun (NEW_FUN_EXT), kept opaque: it re-encodes to exactly ``raw``.

    ``raw`` is the encoding without the leading tag byte and without the 131 version
    byte. ``module``, ``arity`` and ``free_vars`` are decoded for inspection only.
    """

    raw: bytes
    module: Atom
    arity: int
    free_vars: tuple[Any, ...] = ()


class FrozenList(tuple[Any, ...]):
    """A hashable stand-in for an Erlang list used as (part of) a map key.

    It encodes as a list, not a tuple, and is never equal to a tuple.
    """

    __slots__ = ()
    _kind: ClassVar[str] = "list"

    def __eq__(self, other: object) -> bool:
        if type(other) is FrozenList:
            return tuple.__eq__(self, other)
        if type(other) is list:
            return list(self) == other
        return False

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("FrozenList", tuple(self)))

    def __repr__(self) -> str:
        return f"FrozenList({list(self)!r})"


class FrozenMap(Mapping[Any, Any]):
    """A hashable, read-only stand-in for an Erlang map used as (part of) a map key."""

    __slots__ = ("_hash", "_items")

    def __init__(self, items: Mapping[Any, Any] | None = None) -> None:
        self._items: dict[Any, Any] = dict(items or {})
        self._hash: int | None = None

    def __getitem__(self, key: Any) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._items.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._items == other._items
        if type(other) is dict:
            return self._items == other
        return False

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"
