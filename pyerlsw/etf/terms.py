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

    __slots__ = ("_wire", "name")
    name: str
    _wire: bytes | None  # the encoder's cached SMALL_ATOM_UTF8_EXT/ATOM_UTF8_EXT bytes

    def __init__(self, name: str) -> None:
        if type(name) is not str:
            raise TypeError(f"atom name must be str, not {type(name).__name__}")
        if len(name) > MAX_ATOM_CHARS:
            raise ValueError(f"atom too long: {len(name)} characters (max {MAX_ATOM_CHARS})")
        if name in ("true", "false"):
            raise ValueError(f"use the bool {name.title()} for the atom {name!r}")
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "_wire", None)

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


def trusted_atom(name: str) -> Atom:
    """Make an :class:`Atom` without the constructor's checks (codec-internal).

    The caller guarantees ``name`` is a ``str`` of at most 255 characters and not
    ``"true"``/``"false"``; the decoder has checked exactly that.
    """
    atom = object.__new__(Atom)
    _set_atom_name(atom, name)
    _set_atom_wire(atom, None)
    return atom


_ATOM_SLOTS: Any = Atom.__dict__  # the slot descriptors, to fill without __setattr__
_set_atom_name = _ATOM_SLOTS["name"].__set__
_set_atom_wire = _ATOM_SLOTS["_wire"].__set__


def set_atom_wire(atom: Atom, wire: bytes) -> None:
    """Cache the atom's encoding on the atom itself (codec-internal, no global state)."""
    _set_atom_wire(atom, wire)


def _check_uint(owner: str, field: str, value: object, bits: int) -> None:
    if type(value) is not int or not 0 <= value < (1 << bits):
        raise ValueError(f"{owner}.{field} must be an int in 0..2**{bits}-1, got {value!r}")


def _check_node(owner: str, node: object) -> None:
    if type(node) is not Atom:
        raise TypeError(f"{owner}.node must be an Atom, got {node!r}")


@dataclass(frozen=True, slots=True)
class Pid:
    """An Erlang process identifier: ``<node.id.serial>`` plus the node's ``creation``.

    Encodes as NEW_PID_EXT; ``id``, ``serial`` and ``creation`` are 32-bit unsigned.
    Old PID_EXT input (8-bit creation) decodes to the same class.
    """

    node: Atom
    id: int
    serial: int
    creation: int

    def __post_init__(self) -> None:
        _check_node("Pid", self.node)
        _check_uint("Pid", "id", self.id, 32)
        _check_uint("Pid", "serial", self.serial, 32)
        _check_uint("Pid", "creation", self.creation, 32)

    def __repr__(self) -> str:
        return f"Pid({self.node.name}, {self.id}, {self.serial}, {self.creation})"


@dataclass(frozen=True, slots=True)
class Port:
    """An Erlang port identifier.

    Encodes as NEW_PORT_EXT, or V4_PORT_EXT when ``id`` needs more than 32 bits (up to
    64). ``creation`` is 32-bit unsigned.
    """

    node: Atom
    id: int
    creation: int

    def __post_init__(self) -> None:
        _check_node("Port", self.node)
        _check_uint("Port", "id", self.id, 64)
        _check_uint("Port", "creation", self.creation, 32)


@dataclass(frozen=True, slots=True)
class Reference:
    """An Erlang reference (NEWER_REFERENCE_EXT): 1 to 5 opaque 32-bit ``ids`` words."""

    node: Atom
    creation: int
    ids: tuple[int, ...]

    def __post_init__(self) -> None:
        _check_node("Reference", self.node)
        _check_uint("Reference", "creation", self.creation, 32)
        if type(self.ids) is not tuple or not 1 <= len(self.ids) <= 5:
            raise ValueError(f"Reference.ids must be a tuple of 1..5 words, got {self.ids!r}")
        for word in self.ids:
            _check_uint("Reference", "ids[]", word, 32)


@dataclass(frozen=True, slots=True)
class BitString:
    """A bitstring that is not a whole number of bytes.

    ``data`` holds the bytes; only the ``bits`` (1..7) most significant bits of the last
    byte belong to the value, and its unused low bits must be zero. A whole number of
    bytes is a binary, i.e. Python ``bytes``, never a ``BitString``.
    """

    data: bytes
    bits: int

    def __post_init__(self) -> None:
        if type(self.data) is not bytes or not self.data:
            raise ValueError("BitString.data must be non-empty bytes")
        if type(self.bits) is not int or not 1 <= self.bits <= 7:
            raise ValueError(f"BitString.bits must be 1..7, got {self.bits!r}")
        if self.data[-1] & ((1 << (8 - self.bits)) - 1):
            raise ValueError("BitString: the unused low bits of the last byte must be zero")

    @property
    def bit_size(self) -> int:
        """Number of bits in the value."""
        return (len(self.data) - 1) * 8 + self.bits


@dataclass(frozen=True, slots=True)
class ImproperList:
    """A list whose tail is not ``[]``: ``[a, b | tail]`` is ``ImproperList([a, b], tail)``.

    ``items`` is a non-empty ``list`` (a :class:`FrozenList` inside map keys) and
    ``tail`` is never a list (``[a | [b]]`` is the proper list ``[a, b]``). Treat
    ``items`` as read-only. Hashable only when ``items`` is a :class:`FrozenList` and
    the tail is hashable, as it is inside decoded map keys.
    """

    items: list[Any] | FrozenList
    tail: Any

    def __post_init__(self) -> None:
        if not isinstance(self.items, (list, FrozenList)) or not self.items:
            raise ValueError("ImproperList.items must be a non-empty list")
        if isinstance(self.tail, (list, FrozenList)):
            raise ValueError("ImproperList.tail must not be a list (that is a proper list)")

    def __hash__(self) -> int:
        if type(self.items) is not FrozenList:
            raise TypeError("unhashable ImproperList: items is a mutable list")
        return hash(("ImproperList", self.items, self.tail))


@dataclass(frozen=True, slots=True)
class ExportFun:
    """``fun Module:Function/Arity`` (EXPORT_EXT); ``arity`` is 0..255.

    ``module``/``function`` are atoms (a ``bool`` for the atoms ``true``/``false``).
    """

    module: Atom | bool
    function: Atom | bool
    arity: int

    def __post_init__(self) -> None:
        for field in (self.module, self.function):
            if type(field) is not Atom and type(field) is not bool:
                raise TypeError(f"ExportFun module and function must be atoms, got {field!r}")
        _check_uint("ExportFun", "arity", self.arity, 8)


@dataclass(frozen=True, slots=True)
class OpaqueFun:
    """A local fun (NEW_FUN_EXT), kept opaque: it re-encodes to exactly ``raw``.

    ``raw`` is the encoding without the leading tag byte and without the 131 version
    byte. ``module``, ``arity`` and ``free_vars`` are decoded for inspection only; they
    take no part in encoding.
    """

    raw: bytes
    module: Atom | bool
    arity: int
    free_vars: tuple[Any, ...] = ()


_new = object.__new__


def _slot_setters(cls: type, *fields: str) -> tuple[Any, ...]:
    slots: Any = cls.__dict__
    return tuple(slots[name].__set__ for name in fields)


_PID_NODE, _PID_ID, _PID_SERIAL, _PID_CREATION = _slot_setters(
    Pid, "node", "id", "serial", "creation")
_PORT_NODE, _PORT_ID, _PORT_CREATION = _slot_setters(Port, "node", "id", "creation")
_REF_NODE, _REF_CREATION, _REF_IDS = _slot_setters(Reference, "node", "creation", "ids")


def trusted_pid(node: Atom, pid_id: int, serial: int, creation: int) -> Pid:
    """Make a :class:`Pid` without the constructor's checks (codec-internal: the decoder
    read the fields from fixed-width unsigned fields, so they are in range)."""
    pid = _new(Pid)
    _PID_NODE(pid, node)
    _PID_ID(pid, pid_id)
    _PID_SERIAL(pid, serial)
    _PID_CREATION(pid, creation)
    return pid


def trusted_port(node: Atom, port_id: int, creation: int) -> Port:
    """Make a :class:`Port` without the constructor's checks (codec-internal)."""
    port = _new(Port)
    _PORT_NODE(port, node)
    _PORT_ID(port, port_id)
    _PORT_CREATION(port, creation)
    return port


def trusted_reference(node: Atom, creation: int, ids: tuple[int, ...]) -> Reference:
    """Make a :class:`Reference` without the constructor's checks (codec-internal)."""
    ref = _new(Reference)
    _REF_NODE(ref, node)
    _REF_CREATION(ref, creation)
    _REF_IDS(ref, ids)
    return ref


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
