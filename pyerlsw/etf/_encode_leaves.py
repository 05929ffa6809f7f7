"""Encoders for terms that contain no other terms, and the shared byte-level helpers.

Each ``*_bytes`` function returns the complete encoding (tag included) of one value;
the encoding loop appends it to its output buffer.
"""

from __future__ import annotations

import struct
from typing import Any

from .errors import EncodeError
from .terms import Atom, BitString, ExportFun, Pid, Port, Reference, set_atom_wire

TAG_U8 = struct.Struct(">BB").pack
TAG_U16 = struct.Struct(">BH").pack
TAG_U32 = struct.Struct(">BI").pack
TAG_I32 = struct.Struct(">Bi").pack
TAG_F64 = struct.Struct(">Bd").pack
_III = struct.Struct(">III").pack
_II = struct.Struct(">II").pack
_QI = struct.Struct(">QI").pack
_BIG_SMALL = struct.Struct(">BBB").pack
_BIG_LARGE = struct.Struct(">BIB").pack

SMALL_INTS: tuple[bytes, ...] = tuple(bytes((97, i)) for i in range(256))
"""SMALL_INTEGER_EXT encodings of 0..255 (a constant table)."""

TUPLE_HEADERS: tuple[bytes, ...] = tuple(bytes((104, i)) for i in range(256))
"""SMALL_TUPLE_EXT headers for arities 0..255 (a constant table)."""

BINARY_HEADERS: tuple[bytes, ...] = tuple(TAG_U32(109, i) for i in range(256))
"""BINARY_EXT headers for lengths 0..255 (a constant table)."""

PAIR_HEADERS: tuple[bytes, ...] = tuple(b"\x68\x02" + header for header in BINARY_HEADERS)
"""A 2-tuple header followed by a BINARY_EXT header for lengths 0..255."""

STRING_HEADERS: tuple[bytes, ...] = tuple(TAG_U16(107, i) for i in range(256))
"""STRING_EXT headers for lengths 0..255 (a constant table)."""

PAIR_STRING_HEADERS: tuple[bytes, ...] = tuple(b"\x68\x02" + header for header in STRING_HEADERS)
"""A 2-tuple header followed by a STRING_EXT header for lengths 0..255."""

TRUE_BYTES = b"\x77\x04true"
FALSE_BYTES = b"\x77\x05false"
NONE_HINT = (
    "None has no Erlang equivalent: use Atom('undefined') (Erlang) or Atom('nil') "
    "(Elixir) explicitly; the codec keeps one mapping and no lossy conveniences"
)


def atom_bytes(atom: Atom) -> bytes:
    """SMALL_ATOM_UTF8_EXT (or ATOM_UTF8_EXT past 255 bytes), cached on the atom."""
    wire = atom._wire
    if wire is None:
        try:
            raw = atom.name.encode("utf-8")
        except UnicodeEncodeError:
            raise EncodeError(f"atom {atom.name!r} is not valid Unicode text") from None
        wire = (TAG_U8(119, len(raw)) if len(raw) < 256 else TAG_U16(118, len(raw))) + raw
        set_atom_wire(atom, wire)
    return wire


def atom_or_bool_bytes(value: Atom | bool) -> bytes:
    if value is True:
        return TRUE_BYTES
    if value is False:
        return FALSE_BYTES
    return atom_bytes(value)


def big_bytes(value: int) -> bytes:
    """SMALL_BIG_EXT or LARGE_BIG_EXT: sign byte and little-endian magnitude."""
    magnitude = -value if value < 0 else value
    size = (magnitude.bit_length() + 7) // 8
    if size > 0xFFFFFFFF:
        raise EncodeError("integer too large for the external format")
    digits = magnitude.to_bytes(size, "little")
    sign = 1 if value < 0 else 0
    if size < 256:
        return _BIG_SMALL(110, size, sign) + digits
    return _BIG_LARGE(111, size, sign) + digits


def int_bytes(value: int) -> bytes:
    """The canonical encoding of any int (as ``term_to_binary`` chooses it)."""
    if 0 <= value < 256:
        return SMALL_INTS[value]
    if -0x80000000 <= value <= 0x7FFFFFFF:
        return TAG_I32(98, value)
    return big_bytes(value)


def pid_bytes(pid: Pid) -> bytes:
    return b"\x58" + atom_bytes(pid.node) + _III(pid.id, pid.serial, pid.creation)


def port_bytes(port: Port) -> bytes:
    if port.id <= 0xFFFFFFFF:
        return b"\x59" + atom_bytes(port.node) + _II(port.id, port.creation)
    return b"\x78" + atom_bytes(port.node) + _QI(port.id, port.creation)


def reference_bytes(ref: Reference) -> bytes:
    ids = ref.ids
    return (TAG_U16(90, len(ids)) + atom_bytes(ref.node)
            + struct.pack(f">{len(ids) + 1}I", ref.creation, *ids))


def export_bytes(fun: ExportFun) -> bytes:
    return (b"\x71" + atom_or_bool_bytes(fun.module) + atom_or_bool_bytes(fun.function)
            + SMALL_INTS[fun.arity])


def bitstring_bytes(bits: BitString) -> bytes:
    return TAG_U32(77, len(bits.data)) + bytes((bits.bits,)) + bits.data


def charlist_bytes(text: str) -> bytes:
    """``text`` as an Erlang string: a list of its code points (STRING_EXT when it fits)."""
    if not text:
        return b"\x6a"
    if len(text) <= 0xFFFF:
        try:
            return TAG_U16(107, len(text)) + text.encode("latin-1")
        except UnicodeEncodeError:
            pass
    parts = [TAG_U32(108, len(text))]
    parts.extend(SMALL_INTS[cp] if cp < 256 else TAG_I32(98, cp) for cp in map(ord, text))
    parts.append(b"\x6a")
    return b"".join(parts)


def utf8_binary_bytes(text: str) -> bytes:
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        raise EncodeError(
            "str contains lone surrogates and cannot be encoded as UTF-8") from None
    return TAG_U32(109, len(raw)) + raw


def string_ext_or_none(items: Any) -> bytes | bytearray | None:
    """STRING_EXT for a sequence of 1..65535 ints in 0..255 (not bools), else None.

    ``term_to_binary`` does the same for such lists; it is also far cheaper than one
    SMALL_INTEGER_EXT per element.
    """
    try:
        raw = bytearray(items)
    except (TypeError, ValueError):
        return None
    if (0 in raw or 1 in raw) and bool in set(map(type, items)):
        return None
    raw[0:0] = TAG_U16(107, len(raw))
    return raw
