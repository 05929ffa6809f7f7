"""Navigating FreeSWITCH XML documents: sections, keyed children, "not found" answers.

A FreeSWITCH document is ``<document type="freeswitch/xml">`` holding
``<section name="...">`` elements (``configuration``, ``dialplan``, ``directory``,
``chatplan``, ``languages``, ...). A lookup names a section and optionally a tag and a
key attribute inside it (``configuration``/``name``/``erlang_event.conf``,
``domain``/``name``/``example.com``).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

__all__ = [
    "NOT_FOUND_DOCUMENT",
    "find_child",
    "find_context",
    "find_section",
    "is_not_found",
    "locate",
    "new_document",
]

NOT_FOUND_DOCUMENT = (
    '<document type="freeswitch/xml"><section name="result">'
    '<result status="not found"/></section></document>'
)
"""What a fetch handler answers when it has nothing for the request."""


def new_document() -> Element:
    """An empty ``<document type="freeswitch/xml">``."""
    return Element("document", {"type": "freeswitch/xml"})


def find_child(
    parent: Element, tag: str, attribute: str | None = None, value: str | None = None
) -> Element | None:
    """The first child ``tag`` of ``parent``; with ``attribute`` and ``value``, the first
    whose ``attribute`` equals ``value`` exactly. (Compare the result with None: an
    element without children is false.)"""
    for child in parent.iterfind(tag):
        if attribute is None or value is None or child.get(attribute) == value:
            return child
    return None


def find_context(dialplan: Element, name: str) -> Element | None:
    """The ``<context name=name>`` of a dialplan section, else the one named ``global``
    (FreeSWITCH's fallback), else None."""
    found = find_child(dialplan, "context", "name", name)
    if found is None:
        found = find_child(dialplan, "context", "name", "global")
    return found


def find_section(root: Element, name: str) -> Element | None:
    """The ``<section name=name>`` child of a document root, or None."""
    return find_child(root, "section", "name", name)


def locate(
    root: Element,
    section: str,
    tag_name: str | None = None,
    key_name: str | None = None,
    key_value: str | None = None,
) -> Element | None:
    """What a lookup of ``section`` (and ``tag_name`` keyed by ``key_name=key_value``)
    finds in the document ``root``: the tag element, or the section element when no
    tag is asked for; None when the document lacks them."""
    found = find_section(root, section)
    if found is None or not tag_name:
        return found
    return find_child(found, tag_name, key_name or None, key_value)


def is_not_found(root: Element) -> bool:
    """True for FreeSWITCH's "nothing here" answer:
    ``<section name="result"><result status="not found"/></section>``."""
    result = find_section(root, "result")
    if result is None:
        return False
    status = find_child(result, "result")
    return status is not None and (status.get("status") or "").lower() == "not found"
