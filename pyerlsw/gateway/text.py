"""Text between Erlang terms and FreeSWITCH's C strings (spec §3.3, §3.4).

FreeSWITCH handles text as NUL-terminated byte strings. pyerlsw keeps text as ``str``
and converts at the edge with UTF-8 + ``surrogateescape``, so bytes that are not UTF-8
survive a round trip unchanged. Everything here is pure and never raises on peer input:
converters return ``None`` for "FreeSWITCH would answer badarg".

* ``StrIn`` (:func:`str_in`): api/bgapi arguments, UUIDs of sendmsg/handlecall/fetch_reply.
  A charlist (ints 0..255, at most 65535 of them: what Erlang sends as STRING_EXT), a
  binary, or any term ``ei`` reports with size 0 (``[]``, ``''``, integers that fit 32
  bits, floats, pids, ports, ``{}``, ``#{}``), which counts as ``""``.
* ``HdrStr`` (:func:`hdr_str`): sendevent/sendmsg header keys and values. Charlists
  only (any length; binaries are rejected).
* Outgoing text (:func:`text_term`) follows the ``encoding`` setting: ``string`` gives
  a charlist (``[]`` when empty), ``binary`` a binary.
"""

from __future__ import annotations

from enum import StrEnum

from pyerlsw.etf.terms import Atom, Pid, Port, Term

__all__ = [
    "HEADER_KEY_MAX_BYTES",
    "STRING_EXT_MAX",
    "UUID_MAX_BYTES",
    "Encoding",
    "ascii_equal_ci",
    "ascii_lower",
    "atom_text",
    "from_c_bytes",
    "hdr_str",
    "str_in",
    "text_term",
    "to_c_bytes",
    "url_decode",
]

UUID_MAX_BYTES = 256
"""Longest UUID argument mod_erlang_event accepts (its ``SWITCH_UUID_FORMATTED_LENGTH``)."""

HEADER_KEY_MAX_BYTES = 1023
"""Longest sendevent/sendmsg header name (a 1024-byte C buffer)."""

STRING_EXT_MAX = 65535
"""Longest list Erlang sends as STRING_EXT; longer charlists arrive as proper lists."""

_INT32_MIN = -(2**31)
_INT32_MAX = 2**31 - 1


class Encoding(StrEnum):
    """The ``encoding`` setting of ``erlang_event.conf``: how text goes to Erlang."""

    STRING = "string"
    BINARY = "binary"


def to_c_bytes(text: str | bytes) -> bytes:
    """``text`` as the byte string FreeSWITCH would hold: UTF-8, cut at the first NUL."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogateescape")
    cut = data.find(0)
    return data if cut < 0 else data[:cut]


def from_c_bytes(data: bytes) -> str:
    """Bytes from the peer as a C string would see them: cut at the first NUL, then
    decoded as UTF-8 with ``surrogateescape`` (lossless)."""
    cut = data.find(0)
    if cut >= 0:
        data = data[:cut]
    return data.decode("utf-8", "surrogateescape")


def _byte_list(term: list[object]) -> bytes | None:
    """A list of ints 0..255 as bytes, else ``None`` (bools are not ints here)."""
    for item in term:
        if type(item) is not int or not 0 <= item <= 255:
            return None
    return bytes(term)  # type: ignore[arg-type]


def _ei_size_zero(term: Term) -> bool:
    """Whether ``ei_get_type`` would report size 0 for ``term`` (see module docstring)."""
    if type(term) is int:
        return _INT32_MIN <= term <= _INT32_MAX
    if type(term) is Atom:
        return term.name == ""
    if isinstance(term, (list, tuple, dict)):
        return len(term) == 0
    return isinstance(term, (float, Pid, Port))


def str_in(term: Term, max_bytes: int | None = None) -> str | None:
    """Decode a ``StrIn`` argument; ``None`` means FreeSWITCH answers ``{error, badarg}``.

    ``max_bytes`` (e.g. :data:`UUID_MAX_BYTES`) bounds the encoded size as ``ei`` sees
    it, before the cut at the first NUL.
    """
    if type(term) is bytes:
        data: bytes | None = term
    elif type(term) is list and 0 < len(term) <= STRING_EXT_MAX:
        data = _byte_list(term)
    elif _ei_size_zero(term):
        return ""
    else:
        return None
    if data is None or (max_bytes is not None and len(data) > max_bytes):
        return None
    return from_c_bytes(data)


def hdr_str(term: Term, max_bytes: int | None = None) -> str | None:
    """Decode a ``HdrStr`` (charlist only); ``None`` means ``{error, badarg}``."""
    if type(term) is not list:
        return None
    data = _byte_list(term)
    if data is None or (max_bytes is not None and len(data) > max_bytes):
        return None
    return from_c_bytes(data)


def atom_text(term: Term) -> str | None:
    """The name of an atom ``ei_decode_atom`` accepts (Latin-1, so every char < 256),
    else ``None``."""
    if type(term) is not Atom:
        return None
    name = term.name
    if not name.isascii() and any(ord(ch) > 255 for ch in name):
        return None
    return name


def text_term(text: str | bytes, encoding: Encoding) -> list[int] | bytes:
    """``Str(text)``: the term mod_erlang_event sends for ``text`` under ``encoding``.

    ``string``: a charlist of the UTF-8 bytes (``[]`` when empty; pyerlsw's encoder
    writes STRING_EXT up to 65535 bytes and a list of integers beyond, as ``ei`` does).
    ``binary``: the bytes as a binary.
    """
    data = to_c_bytes(text)
    if encoding is Encoding.BINARY:
        return data
    return list(data)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(text: str) -> str:
    """Lower-case ASCII letters only, as C's ``tolower`` in the C locale."""
    return text.translate(_ASCII_LOWER)


def ascii_equal_ci(left: str, right: str) -> bool:
    """``strcasecmp(left, right) == 0``: equal up to ASCII letter case."""
    return len(left) == len(right) and left.translate(_ASCII_LOWER) == right.translate(_ASCII_LOWER)


_C_SPACE = frozenset(b" \t\n\v\f\r")
_HEX = {**{c: c - 48 for c in b"0123456789"}, **{c: c - 87 for c in b"abcdef"},
        **{c: c - 55 for c in b"ABCDEF"}}  # fmt: skip


def _scan_hex2(data: bytes, pos: int) -> int | None:
    """``sscanf(data + pos, "%2x", &v)``: the value or ``None`` when nothing converts."""
    end = len(data)
    while pos < end and data[pos] in _C_SPACE:  # whitespace does not count to the width
        pos += 1
    width = 2
    negative = False
    if pos < end and data[pos] in b"+-":
        negative = data[pos] == 0x2D
        pos += 1
        width -= 1
    if width == 2 and pos + 1 < end and data[pos] == 0x30 and data[pos + 1] in b"xX":
        return 0  # "0x" uses up the width: glibc converts the "0"
    value = 0
    digits = 0
    while width > 0 and pos < end and data[pos] in _HEX:
        value = value * 16 + _HEX[data[pos]]
        pos += 1
        width -= 1
        digits += 1
    if digits == 0:
        return None
    return -value if negative else value


_HEX_VALUE = bytes(_HEX.get(byte, 255) for byte in range(256))


def url_decode(data: bytes) -> bytes:
    """FreeSWITCH's ``switch_url_decode`` (applied to event header values, spec §5.1).

    ``%`` followed by at least two more bytes is replaced by the byte ``sscanf("%2x")``
    reads there (so ``%41`` -> ``A``, ``%4G`` -> ``\\x04`` with the ``G`` skipped) and
    the two bytes after ``%`` are consumed; ``+`` is kept. A decoded NUL ends the string.
    """
    pos = data.find(b"%")
    if pos < 0:
        return data
    out = bytearray(data[:pos])
    end = len(data)
    while pos >= 0:
        start = pos + 1
        if end - pos > 2:
            high, low = _HEX_VALUE[data[pos + 1]], _HEX_VALUE[data[pos + 2]]
            value = high * 16 + low if high < 16 and low < 16 else _scan_hex2(data, pos + 1)
            if value is not None:
                value &= 0xFF
                if value == 0:
                    return bytes(out)
                out.append(value)
                start = pos + 3
            else:
                out.append(0x25)
        else:
            out.append(0x25)
        pos = data.find(b"%", start)
        out += data[start : pos if pos >= 0 else end]
    return bytes(out)
