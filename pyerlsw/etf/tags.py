"""Tag bytes of the external term format (``erl_ext_dist``), one name per tag.

Plain ``int`` constants (the codec compares them in its hot loops); :data:`TAG_NAMES`
gives readable names for error messages and documentation.
"""

from __future__ import annotations

from typing import Final

VERSION: Final = 131
"""The format version byte that starts every standalone term."""

COMPRESSED: Final = 80
NEW_FLOAT_EXT: Final = 70
BIT_BINARY_EXT: Final = 77
ATOM_CACHE_REF: Final = 82
NEW_PID_EXT: Final = 88
NEW_PORT_EXT: Final = 89
NEWER_REFERENCE_EXT: Final = 90
SMALL_INTEGER_EXT: Final = 97
INTEGER_EXT: Final = 98
FLOAT_EXT: Final = 99
ATOM_EXT: Final = 100
REFERENCE_EXT: Final = 101
PORT_EXT: Final = 102
PID_EXT: Final = 103
SMALL_TUPLE_EXT: Final = 104
LARGE_TUPLE_EXT: Final = 105
NIL_EXT: Final = 106
STRING_EXT: Final = 107
LIST_EXT: Final = 108
BINARY_EXT: Final = 109
SMALL_BIG_EXT: Final = 110
LARGE_BIG_EXT: Final = 111
NEW_FUN_EXT: Final = 112
EXPORT_EXT: Final = 113
NEW_REFERENCE_EXT: Final = 114
SMALL_ATOM_EXT: Final = 115
MAP_EXT: Final = 116
FUN_EXT: Final = 117
ATOM_UTF8_EXT: Final = 118
SMALL_ATOM_UTF8_EXT: Final = 119
V4_PORT_EXT: Final = 120
LOCAL_EXT: Final = 121

TAG_NAMES: Final[dict[int, str]] = {
    COMPRESSED: "COMPRESSED",
    NEW_FLOAT_EXT: "NEW_FLOAT_EXT",
    BIT_BINARY_EXT: "BIT_BINARY_EXT",
    ATOM_CACHE_REF: "ATOM_CACHE_REF",
    NEW_PID_EXT: "NEW_PID_EXT",
    NEW_PORT_EXT: "NEW_PORT_EXT",
    NEWER_REFERENCE_EXT: "NEWER_REFERENCE_EXT",
    SMALL_INTEGER_EXT: "SMALL_INTEGER_EXT",
    INTEGER_EXT: "INTEGER_EXT",
    FLOAT_EXT: "FLOAT_EXT",
    ATOM_EXT: "ATOM_EXT",
    REFERENCE_EXT: "REFERENCE_EXT",
    PORT_EXT: "PORT_EXT",
    PID_EXT: "PID_EXT",
    SMALL_TUPLE_EXT: "SMALL_TUPLE_EXT",
    LARGE_TUPLE_EXT: "LARGE_TUPLE_EXT",
    NIL_EXT: "NIL_EXT",
    STRING_EXT: "STRING_EXT",
    LIST_EXT: "LIST_EXT",
    BINARY_EXT: "BINARY_EXT",
    SMALL_BIG_EXT: "SMALL_BIG_EXT",
    LARGE_BIG_EXT: "LARGE_BIG_EXT",
    NEW_FUN_EXT: "NEW_FUN_EXT",
    EXPORT_EXT: "EXPORT_EXT",
    NEW_REFERENCE_EXT: "NEW_REFERENCE_EXT",
    SMALL_ATOM_EXT: "SMALL_ATOM_EXT",
    MAP_EXT: "MAP_EXT",
    FUN_EXT: "FUN_EXT",
    ATOM_UTF8_EXT: "ATOM_UTF8_EXT",
    SMALL_ATOM_UTF8_EXT: "SMALL_ATOM_UTF8_EXT",
    V4_PORT_EXT: "V4_PORT_EXT",
    LOCAL_EXT: "LOCAL_EXT",
}
