"""The External Term Format codec: Python values <-> Erlang's ``term_to_binary`` bytes.

Sans-I/O and free of global state. Start with :func:`encode` and :func:`decode`; the
Python side of every Erlang type is described in :mod:`pyerlsw.etf.terms` and
``docs/terms.md``.
"""

from __future__ import annotations

from .decoder import decode, decode_body, decode_from
from .encoder import DEFAULT_MAX_ENCODE_DEPTH, StringMode, encode, encode_into
from .errors import DecodeError, EncodeError, ETFError
from .limits import DEFAULT_LIMITS, DecodeLimits
from .terms import (
    MAX_ATOM_CHARS,
    Atom,
    BitString,
    ExportFun,
    FrozenList,
    FrozenMap,
    ImproperList,
    OpaqueFun,
    Pid,
    Port,
    Reference,
    Term,
)
from .text import binary, charlist, is_charlist, to_str

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_ENCODE_DEPTH",
    "MAX_ATOM_CHARS",
    "Atom",
    "BitString",
    "DecodeError",
    "DecodeLimits",
    "ETFError",
    "EncodeError",
    "ExportFun",
    "FrozenList",
    "FrozenMap",
    "ImproperList",
    "OpaqueFun",
    "Pid",
    "Port",
    "Reference",
    "StringMode",
    "Term",
    "binary",
    "charlist",
    "decode",
    "decode_body",
    "decode_from",
    "encode",
    "encode_into",
    "is_charlist",
    "to_str",
]
