"""Explicit conversions between Erlang text and Python ``str``.

Erlang has two kinds of text and the codec never guesses between them: a *charlist*
(a list of integer code points, e.g. ``"abc"`` in Erlang source, which decodes to
``[97, 98, 99]``) and a UTF-8 *binary* (``<<"abc">>``, which decodes to ``b"abc"``).
Peers send both (mod_erlang_event's ``encoding`` setting chooses), so these helpers
turn either into ``str`` and back.
"""

from __future__ import annotations

from typing import Any

from .terms import FrozenList

__all__ = ["binary", "charlist", "is_charlist", "to_str"]

_MAX_CODE_POINT = 0x10FFFF


def to_str(term: Any, *, charlist_encoding: str | None = None) -> str:
    """The text held by a charlist (``list`` of code points) or a UTF-8 binary (``bytes``).

    Args:
        term: a ``list``/:class:`FrozenList` of ints, or ``bytes``/``bytearray``; a
            ``str`` is returned unchanged.
        charlist_encoding: ``None`` (default) reads list elements as Unicode code
            points, as Erlang does; a codec name such as ``"utf-8"`` reads them as
            bytes in that encoding instead (C nodes built on ``ei`` often send
            UTF-8 bytes as a string).

    Raises:
        TypeError: ``term`` is not a charlist, a binary or a ``str``.
        ValueError: the bytes are not valid in the encoding, or a list element is not a
            valid code point (or byte).
    """
    if isinstance(term, str):
        return term
    if isinstance(term, (bytes, bytearray, memoryview)):
        return _decode(bytes(term), "utf-8")
    if type(term) is list or type(term) is FrozenList:
        if charlist_encoding is not None:
            try:
                raw = bytes(term)
            except (TypeError, ValueError):
                raise ValueError("charlist elements must be ints 0..255 to be read as "
                                 f"{charlist_encoding} bytes") from None
            return _decode(raw, charlist_encoding)
        if not is_charlist(term):
            raise ValueError("not a charlist: every element must be an int code point "
                             "0..0x10FFFF other than a surrogate")
        return "".join(map(chr, term))
    raise TypeError(f"expected a charlist, a binary or a str, not {type(term).__name__}")


def charlist(text: str, *, encoding: str | None = None) -> list[int]:
    """``text`` as an Erlang charlist: its code points, or its bytes in ``encoding``."""
    if encoding is not None:
        return list(text.encode(encoding))
    return [ord(ch) for ch in text]


def binary(text: str) -> bytes:
    """``text`` as an Erlang UTF-8 binary.

    Raises:
        ValueError: ``text`` holds lone surrogates.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text is not encodable as UTF-8: {exc.reason}") from None


def is_charlist(term: Any) -> bool:
    """True for a list (or :class:`FrozenList`) of valid Unicode code points, ``[]`` included."""
    if type(term) is not list and type(term) is not FrozenList:
        return False
    for item in term:
        if type(item) is not int or not 0 <= item <= _MAX_CODE_POINT:
            return False
        if 0xD800 <= item <= 0xDFFF:
            return False
    return True


def _decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid {encoding} text: {exc.reason} at byte {exc.start}") from None
    except LookupError:
        raise ValueError(f"unknown text encoding {encoding!r}") from None
