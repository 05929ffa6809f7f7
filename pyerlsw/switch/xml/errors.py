"""Errors of the XML layer: documents that do not parse, configuration trees that do not load.

Every error names its ``source`` (a file path, ``"<string>"`` or a provider's name) and,
when the XML parser knows it, the 1-based ``line`` and ``column``, so a broken file in a
configuration tree of hundreds of files is found at once.
"""

from __future__ import annotations

__all__ = ["XmlConfigError", "XmlError", "XmlParseError"]


class XmlError(Exception):
    """Base class: ``source`` names the document, ``line``/``column`` are 1-based or None."""

    def __init__(
        self, source: str, reason: str, *, line: int | None = None, column: int | None = None
    ) -> None:
        self.source = source
        self.reason = reason
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.reason}"


class XmlParseError(XmlError):
    """A document that is not well-formed XML, too large, or uses forbidden constructs
    (DTDs, entity declarations, external references)."""


class XmlConfigError(XmlError):
    """A configuration tree that parses but cannot be assembled (include loops, too many
    files or includes, nesting deeper than the limit)."""
