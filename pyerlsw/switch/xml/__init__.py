"""FreeSWITCH-style XML for the switch: the static configuration document, the lookup
chain that puts fetch providers (mod_erlang_event bindings) in front of it, and the
safe parser both use. See docs/dialplan.md."""

from pyerlsw.switch.xml.directory import DirectoryEntry, find_user
from pyerlsw.switch.xml.document import NOT_FOUND_DOCUMENT, is_not_found, locate
from pyerlsw.switch.xml.errors import XmlConfigError, XmlError, XmlParseError
from pyerlsw.switch.xml.limits import XmlLimits
from pyerlsw.switch.xml.lookup import FetchRequest, XmlAnswer, XmlLookup, XmlProvider
from pyerlsw.switch.xml.parse import parse_xml
from pyerlsw.switch.xml.static import StaticXml

__all__ = [
    "NOT_FOUND_DOCUMENT",
    "DirectoryEntry",
    "FetchRequest",
    "StaticXml",
    "XmlAnswer",
    "XmlConfigError",
    "XmlError",
    "XmlLimits",
    "XmlLookup",
    "XmlParseError",
    "XmlProvider",
    "find_user",
    "is_not_found",
    "locate",
    "parse_xml",
]
