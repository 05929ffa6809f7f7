"""Limits of the XML layer, explicit and configurable, with safe defaults."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["XmlLimits"]


@dataclass(frozen=True, slots=True)
class XmlLimits:
    """Bounds for loading configuration trees and for answers of fetch providers.

    ``max_document_bytes``: largest provider answer, and largest total of all files of one
    static tree (default 32 MiB; FreeSWITCH documents of a few megabytes are common).
    ``max_file_bytes``: largest single file of a static tree (default 8 MiB).
    ``max_files``: most files one static tree may read (default 10 000).
    ``max_include_depth``: deepest chain of ``X-PRE-PROCESS include`` (default 20).
    ``max_element_depth``: deepest element nesting of a static tree (default 128).
    ``fetch_timeout``: seconds each fetch provider gets before the lookup falls through to
    the next one (default 5.0, mod_erlang_event's fixed wait for a ``fetch_reply``).
    """

    max_document_bytes: int = 32 * 1024 * 1024
    max_file_bytes: int = 8 * 1024 * 1024
    max_files: int = 10_000
    max_include_depth: int = 20
    max_element_depth: int = 128
    fetch_timeout: float = 5.0

    def __post_init__(self) -> None:
        for name in (
            "max_document_bytes",
            "max_file_bytes",
            "max_files",
            "max_include_depth",
            "max_element_depth",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"XmlLimits.{name} must be a positive int, got {value!r}")
        if not self.fetch_timeout > 0:
            raise ValueError(f"XmlLimits.fetch_timeout must be > 0, got {self.fetch_timeout!r}")
