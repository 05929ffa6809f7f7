"""Safe parsing of one XML document (from a file, a string, or a peer) with defusedxml."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeElementTree

from pyerlsw.switch.xml.errors import XmlParseError

__all__ = ["parse_xml"]


def parse_xml(data: str | bytes, *, source: str, max_bytes: int) -> Element:
    """Parse ``data`` into its root element.

    ``str`` is parsed as text, ``bytes`` honour their XML encoding declaration (UTF-8 by
    default). DTDs, entity declarations and external references are refused. Raises
    :class:`XmlParseError` naming ``source`` (and the line and column when the parser
    reports them) for input over ``max_bytes``, malformed input or forbidden constructs.
    """
    size = len(data) if isinstance(data, bytes) else _utf8_size(data)
    if size > max_bytes:
        raise XmlParseError(
            source, f"document is {size} bytes, more than the limit of {max_bytes} bytes"
        )
    try:
        root: Element = SafeElementTree.fromstring(data, forbid_dtd=True)
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(": line ", 1)[0]
        raise XmlParseError(source, reason, line=line, column=column + 1) from None
    except defusedxml.DefusedXmlException as exc:
        raise XmlParseError(source, f"forbidden XML construct: {exc}") from None
    except (ValueError, LookupError) as exc:
        raise XmlParseError(source, f"cannot decode document: {exc}") from None
    return root


def _utf8_size(text: str) -> int:
    """Byte size of ``text`` in UTF-8 without copying ASCII-only text."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))
