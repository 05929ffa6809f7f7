"""The codec's errors.

Every malformed input makes :func:`pyerlsw.etf.decode` raise :class:`DecodeError` and
nothing else; every value that cannot be encoded makes :func:`pyerlsw.etf.encode` raise
:class:`EncodeError`. Any other exception escaping the codec is a bug.
"""

from __future__ import annotations

__all__ = ["DecodeError", "ETFError", "EncodeError"]


class ETFError(ValueError):
    """Base class of the codec's errors."""


class DecodeError(ETFError):
    """The bytes are not a valid external term, or break a configured limit.

    This is a *remote* error: whoever produced the bytes is at fault.

    Attributes:
        offset: byte offset (from the start of the buffer given to the decoder) where
            the problem was found.
        tag: the tag byte being decoded there, or ``None`` when no tag applies.
        reason: a short human-readable description.
    """

    def __init__(self, reason: str, offset: int, tag: int | None = None) -> None:
        self.reason = reason
        self.offset = offset
        self.tag = tag
        where = f"at offset {offset}" if tag is None else f"in tag {tag} at offset {offset}"
        super().__init__(f"{reason} ({where})")


class EncodeError(ETFError):
    """The Python value has no external-term encoding (a *local* error).

    Examples: NaN or infinite floats, atoms over 255 characters, unsupported Python
    types, ``None``.
    """
