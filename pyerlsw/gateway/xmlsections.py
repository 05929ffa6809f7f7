"""XML search sections as FreeSWITCH numbers and names them (``switch_xml_section_t``).

Used by ``{bind, Section}`` (spec §4.13), the fetch requests of §10 and the console's
``erlang bindings`` (§12).
"""

from __future__ import annotations

from enum import IntFlag

from .text import ascii_lower

__all__ = ["XmlSection", "console_section_name", "parse_section_string"]


class XmlSection(IntFlag):
    """Section bits; a binding matches a lookup only when the masks are equal."""

    CONFIG = 1
    DIRECTORY = 2
    DIALPLAN = 4
    LANGUAGES = 8
    CHATPLAN = 16
    CHANNELS = 32


_SUBSTRINGS: tuple[tuple[str, XmlSection], ...] = (
    ("config", XmlSection.CONFIG),
    ("directory", XmlSection.DIRECTORY),
    ("dialplan", XmlSection.DIALPLAN),
    ("languages", XmlSection.LANGUAGES),
    ("chatplan", XmlSection.CHATPLAN),
    ("channels", XmlSection.CHANNELS),
)

_CONSOLE_NAMES: dict[int, str] = {
    XmlSection.CONFIG: "config",
    XmlSection.DIRECTORY: "directory",
    XmlSection.DIALPLAN: "dialplan",
    XmlSection.LANGUAGES: "phrases",
    XmlSection.CHATPLAN: "chatplan",
}


def parse_section_string(text: str) -> XmlSection:
    """``switch_xml_parse_section_string``: OR of every section whose name is a
    substring of the lower-cased ``text`` (``"configuration"`` -> CONFIG; ``"phrases"``
    -> nothing, i.e. ``XmlSection(0)``)."""
    lowered = ascii_lower(text)
    found = XmlSection(0)
    for name, bit in _SUBSTRINGS:
        if name in lowered:
            found |= bit
    return found


def console_section_name(section: int) -> str:
    """How ``erlang bindings`` prints a binding's section (``unknown 32`` for channels)."""
    name = _CONSOLE_NAMES.get(section)
    return name if name is not None else f"unknown {int(section)}"
