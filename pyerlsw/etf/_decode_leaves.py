"""Decoders for the terms that contain no other terms (atoms, numbers, identifiers).

Each function takes the buffer and the offset just *after* the tag byte and returns
``(value, next_offset)``. They validate what Erlang validates and raise
:class:`DecodeError` with the offset of the offending tag; reading past the end of the
buffer raises ``IndexError``/``struct.error``, which the decoding loop turns into a
"truncated" :class:`DecodeError` (so no other exception type ever escapes).

Atoms go through a per-call ``atoms`` cache (raw bytes -> value), bounded by
:data:`ATOM_CACHE_SIZE`: nothing is interned process-wide.
"""

from __future__ import annotations

import re
import struct
from typing import Any

from . import tags as T
from .errors import DecodeError
from .limits import DecodeLimits
from .terms import (
    MAX_ATOM_CHARS,
    Atom,
    BitString,
    ExportFun,
    Pid,
    Port,
    Reference,
    trusted_atom,
    trusted_pid,
    trusted_port,
    trusted_reference,
)

ATOM_CACHE_SIZE = 1024
"""Most distinct atoms remembered during one decode call (later ones are rebuilt)."""

MAX_ATOM_UTF8_BYTES = 4 * MAX_ATOM_CHARS

_U16 = struct.Struct(">H").unpack_from
_U32 = struct.Struct(">I").unpack_from
_U64 = struct.Struct(">Q").unpack_from
_F64 = struct.Struct(">d").unpack_from
_PID_IDS = struct.Struct(">III").unpack_from
_OLD_PID_IDS = struct.Struct(">IIB").unpack_from
_PORT32 = struct.Struct(">II").unpack_from
_PORT64 = struct.Struct(">QI").unpack_from
_OLD_PORT = struct.Struct(">IB").unpack_from

# FLOAT_EXT text as printed by "%.20e". What OTP 25/28 accept, checked in erl: digits on
# both sides of a mandatory point, an optional sign and exponent ("1.5", "+1.5",
# "1.5E3"; not "15", "1.e5", ".5", "1.5 ", "inf"). Python's float() alone is laxer.
_FLOAT_TEXT = re.compile(rb"[+-]?[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?")

_BOOLS: dict[str, bool] = {"true": True, "false": False}
# trusted_atom's steps, inlined for the commonest atom tag (see terms.trusted_atom).
_new_object = object.__new__
_set_atom_name = Atom.__dict__["name"].__set__
_set_atom_wire = Atom.__dict__["_wire"].__set__
_ID_WORDS = {n: struct.Struct(f">{n}I").unpack_from for n in range(1, 6)}

AtomCache = dict[Any, Any]


def atom_body(
    data: bytes, pos: int, tag: int, atoms: AtomCache
) -> tuple[Atom | bool, int]:
    """Decode the length and name of an atom whose ``tag`` (100/115/118/119) is at pos-1.

    Tag numbers are literals here: this runs for every atom.
    """
    if tag == 119:  # SMALL_ATOM_UTF8_EXT, what OTP writes: at most 255 bytes/characters
        end = pos + 1 + data[pos]
        if end > len(data):
            raise DecodeError(f"atom of {data[pos]} bytes runs past the end", pos - 1, tag)
        raw = data[pos + 1:end]
        hit = atoms.get(raw)
        if hit is not None:
            return hit, end
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError("atom is not valid UTF-8", pos - 1, tag) from None
        if name in _BOOLS:
            value: Atom | bool = _BOOLS[name]
        else:
            value = _new_object(Atom)
            _set_atom_name(value, name)
            _set_atom_wire(value, None)
        if len(atoms) < ATOM_CACHE_SIZE:
            atoms[raw] = value
        return value, end
    if tag == 115:  # SMALL_ATOM_EXT: Len:8
        n = data[pos]
        start = pos + 1
    else:  # ATOM_UTF8_EXT, ATOM_EXT: Len:16
        n = _U16(data, pos)[0]
        start = pos + 2
    end = start + n
    if end > len(data):
        raise DecodeError(f"atom of {n} bytes runs past the end", pos - 1, tag)
    raw = data[start:end]
    if tag >= 118:  # UTF-8 tags; the cache key is the raw bytes
        hit = atoms.get(raw)
        if hit is not None:
            return hit, end
        if n > MAX_ATOM_UTF8_BYTES:
            raise DecodeError(f"atom of {n} bytes is longer than 255 characters", pos - 1, tag)
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise DecodeError("atom is not valid UTF-8", pos - 1, tag) from None
        key: Any = raw
    else:  # Latin-1 tags; the cache key is the name (a str, so never a UTF-8 key)
        key = name = raw.decode("latin-1")
        hit = atoms.get(key)
        if hit is not None:
            return hit, end
    if n > MAX_ATOM_CHARS and len(name) > MAX_ATOM_CHARS:
        raise DecodeError(f"atom of {len(name)} characters (max 255)", pos - 1, tag)
    value = _BOOLS[name] if name in _BOOLS else trusted_atom(name)
    if len(atoms) < ATOM_CACHE_SIZE:
        atoms[key] = value
    return value, end


def read_atom(data: bytes, pos: int, atoms: AtomCache, what: str) -> tuple[Atom | bool, int]:
    """Decode an atom term (tag included) at ``pos``; ``what`` names it in errors."""
    tag = data[pos]
    if tag not in {119, 118, 100, 115}:  # atom tags
        raise DecodeError(f"{what} must be an atom, found tag {tag}", pos, tag)
    return atom_body(data, pos + 1, tag, atoms)


def read_node(data: bytes, pos: int, atoms: AtomCache) -> tuple[Atom, int]:
    """Decode the node-name atom of a pid, port or reference."""
    tag = data[pos]
    if tag in {119, 118, 100, 115}:  # atom tags
        node, end = atom_body(data, pos + 1, tag, atoms)
        if type(node) is Atom:
            return node, end
    raise DecodeError("node name must be an atom other than true/false", pos, tag)


def pid_body(data: bytes, pos: int, tag: int, atoms: AtomCache) -> tuple[Pid, int]:
    """NEW_PID_EXT (88) or PID_EXT (103)."""
    node, pos = read_node(data, pos, atoms)
    if tag == T.NEW_PID_EXT:
        pid_id, serial, creation = _PID_IDS(data, pos)
        return trusted_pid(node, pid_id, serial, creation), pos + 12
    pid_id, serial, creation = _OLD_PID_IDS(data, pos)
    return trusted_pid(node, pid_id, serial, creation), pos + 9


def port_body(data: bytes, pos: int, tag: int, atoms: AtomCache) -> tuple[Port, int]:
    """V4_PORT_EXT (120), NEW_PORT_EXT (89) or PORT_EXT (102)."""
    node, pos = read_node(data, pos, atoms)
    if tag == T.NEW_PORT_EXT:
        port_id, creation = _PORT32(data, pos)
        return trusted_port(node, port_id, creation), pos + 8
    if tag == T.V4_PORT_EXT:
        port_id, creation = _PORT64(data, pos)
        return trusted_port(node, port_id, creation), pos + 12
    port_id, creation = _OLD_PORT(data, pos)
    return trusted_port(node, port_id, creation), pos + 5


def reference_body(
    data: bytes, pos: int, tag: int, atoms: AtomCache
) -> tuple[Reference, int]:
    """NEWER_REFERENCE_EXT (90), NEW_REFERENCE_EXT (114) or REFERENCE_EXT (101)."""
    start = pos - 1
    if tag == T.REFERENCE_EXT:
        node, pos = read_node(data, pos, atoms)
        word, creation = _OLD_PORT(data, pos)
        return trusted_reference(node, creation, (word,)), pos + 5
    count = _U16(data, pos)[0]
    if not 1 <= count <= 5:
        raise DecodeError(f"reference with {count} id words (allowed 1..5)", start, tag)
    node, pos = read_node(data, pos + 2, atoms)
    if tag == T.NEWER_REFERENCE_EXT:
        creation = _U32(data, pos)[0]
        pos += 4
    else:
        creation = data[pos]
        pos += 1
    end = pos + 4 * count
    if end > len(data):
        raise DecodeError("reference runs past the end", start, tag)
    return trusted_reference(node, creation, _ID_WORDS[count](data, pos)), end


def export_body(data: bytes, pos: int, atoms: AtomCache) -> tuple[ExportFun, int]:
    """EXPORT_EXT (113): module atom, function atom, arity as SMALL_INTEGER_EXT."""
    module, pos = read_atom(data, pos, atoms, "export module")
    function, pos = read_atom(data, pos, atoms, "export function")
    if data[pos] != T.SMALL_INTEGER_EXT:
        raise DecodeError("export arity must be a SMALL_INTEGER_EXT", pos, data[pos])
    return ExportFun(module, function, data[pos + 1]), pos + 2


def new_float_body(data: bytes, pos: int) -> tuple[float, int]:
    """NEW_FLOAT_EXT (70): an IEEE-754 double that must be finite."""
    value: float = _F64(data, pos)[0]
    if value - value != 0.0:
        raise DecodeError("float is NaN or infinite", pos - 1, T.NEW_FLOAT_EXT)
    return value, pos + 8


def float_text_body(data: bytes, pos: int) -> tuple[float, int]:
    """FLOAT_EXT (99): 31 bytes of NUL-padded ``%.20e`` text."""
    end = pos + 31
    if end > len(data):
        raise DecodeError("FLOAT_EXT runs past the end", pos - 1, T.FLOAT_EXT)
    text = data[pos:end].split(b"\0", 1)[0]
    if _FLOAT_TEXT.fullmatch(text) is None:
        raise DecodeError("FLOAT_EXT text is not a number", pos - 1, T.FLOAT_EXT)
    value = float(text)
    if value - value != 0.0:
        raise DecodeError("float is NaN or infinite", pos - 1, T.FLOAT_EXT)
    return value, end


def big_body(data: bytes, pos: int, tag: int, limits: DecodeLimits) -> tuple[int, int]:
    """SMALL_BIG_EXT (110) or LARGE_BIG_EXT (111): little-endian magnitude and a sign."""
    start = pos - 1
    if tag == T.SMALL_BIG_EXT:
        n = data[pos]
        pos += 1
    else:
        n = _U32(data, pos)[0]
        pos += 4
    if n > limits.max_bignum_bytes:
        raise DecodeError(
            f"bignum of {n} bytes exceeds max_bignum_bytes={limits.max_bignum_bytes}",
            start, tag)
    sign = data[pos]  # Erlang reads any non-zero sign byte as negative; so do we
    pos += 1
    end = pos + n
    if end > len(data):
        raise DecodeError(f"bignum of {n} bytes runs past the end", start, tag)
    value = int.from_bytes(data[pos:end], "little")
    return (-value if sign else value), end


def bit_binary_body(data: bytes, pos: int) -> tuple[bytes | BitString, int]:
    """BIT_BINARY_EXT (77): Len, Bits (1..8 used bits of the last byte), Data."""
    start = pos - 1
    n = _U32(data, pos)[0]
    bits = data[pos + 4]
    pos += 5
    end = pos + n
    if end > len(data):
        raise DecodeError(f"bitstring of {n} bytes runs past the end", start, T.BIT_BINARY_EXT)
    if not 1 <= bits <= 8 or n == 0:  # Erlang rejects an empty BIT_BINARY_EXT
        raise DecodeError(f"bitstring with {bits} bits in its last byte", start,
                          T.BIT_BINARY_EXT)
    if bits == 8:
        return data[pos:end], end
    last = data[end - 1] & (0xFF << (8 - bits)) & 0xFF
    return BitString(data[pos:end - 1] + bytes((last,)), bits), end
