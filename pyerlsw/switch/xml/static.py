"""The static XML configuration: one FreeSWITCH document, assembled once at load.

Sources, in the shape of FreeSWITCH's conf tree:

* a directory holding ``freeswitch.xml`` (a whole ``<document type="freeswitch/xml">``
  built with ``X-PRE-PROCESS include`` directives) is loaded from that file alone;
* otherwise the document is assembled from ``vars.xml`` (pre-process variables only),
  ``autoload_configs/*.xml`` (section ``configuration``), ``dialplan/*.xml`` (section
  ``dialplan``) and ``directory/*.xml`` (section ``directory``). Each file may be a bare
  ``<include>`` fragment (its children join the section), a single element, or a whole
  ``<document>`` (its sections merge into the document's sections, so such a file can
  also carry ``chatplan`` or ``languages``). XML files in subdirectories
  ``dialplan/<name>/`` that no include pulled in join ``<context name="<name>">``; those
  in ``directory/<name>/`` join ``<domain name="<name>"><users>``.

:meth:`StaticXml.from_strings` does the same over in-memory files,
:meth:`StaticXml.from_string` loads one document, :meth:`StaticXml.default` the embedded
defaults (package data ``pyerlsw/switch/xml/defaults``). Every file is parsed with
defusedxml; a broken file raises :class:`XmlParseError` naming the file, line and column.
The returned elements are shared: treat them as read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from xml.etree.ElementTree import Element, SubElement

from pyerlsw.switch.xml.document import find_child, find_section, locate, new_document
from pyerlsw.switch.xml.errors import XmlConfigError
from pyerlsw.switch.xml.limits import XmlLimits
from pyerlsw.switch.xml.preprocess import Preprocessor
from pyerlsw.switch.xml.tree import MemoryTree, iter_xml_files, xml_files

__all__ = ["StaticXml"]

_SECTION_FOLDERS = (
    ("configuration", "autoload_configs"),
    ("dialplan", "dialplan"),
    ("directory", "directory"),
)


class StaticXml:
    """An assembled FreeSWITCH document plus what loading it produced.

    ``root`` is the ``<document>`` element, ``variables`` the pre-process variables after
    loading (``$${name}`` values, read-only), ``warnings`` what was skipped or unknown
    (ignored directives, unset variables, includes matching nothing).
    """

    def __init__(
        self,
        root: Element,
        *,
        variables: Mapping[str, str] | None = None,
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.root = root
        self.variables: Mapping[str, str] = MappingProxyType(dict(variables or {}))
        self.warnings = warnings

    def locate(
        self,
        section: str,
        tag_name: str | None = None,
        key_name: str | None = None,
        key_value: str | None = None,
    ) -> Element | None:
        """The ``section`` element, or its ``tag_name`` child keyed by
        ``key_name=key_value``; None when absent."""
        return locate(self.root, section, tag_name, key_name, key_value)

    def section(self, name: str) -> Element | None:
        """The ``<section name=name>`` element, or None."""
        return find_section(self.root, name)

    @classmethod
    def empty(cls) -> StaticXml:
        """A document with no sections (every lookup misses)."""
        return cls(new_document())

    @classmethod
    def from_directory(
        cls,
        directory: str | Path | Traversable,
        *,
        variables: Mapping[str, str] | None = None,
        limits: XmlLimits | None = None,
    ) -> StaticXml:
        """Load a FreeSWITCH-style conf tree (see the module docstring). ``variables``
        are fixed pre-process variables: ``X-PRE-PROCESS set`` does not replace them.
        For a real directory, ``$${conf_dir}`` starts as its absolute path, as in
        FreeSWITCH."""
        root_dir: Traversable = Path(directory) if isinstance(directory, str) else directory
        if not root_dir.is_dir():
            raise XmlConfigError(str(root_dir), "not a directory")
        defaults = {"conf_dir": str(root_dir.resolve())} if isinstance(root_dir, Path) else {}
        preprocessor = Preprocessor(limits or XmlLimits(), variables, defaults=defaults)
        document = _assemble(root_dir, preprocessor)
        return cls(
            document,
            variables=preprocessor.variables,
            warnings=tuple(preprocessor.warnings),
        )

    @classmethod
    def from_strings(
        cls,
        documents: Mapping[str, str | bytes],
        *,
        variables: Mapping[str, str] | None = None,
        limits: XmlLimits | None = None,
        label: str = "<strings>",
    ) -> StaticXml:
        """Load a conf tree held in memory: ``{"dialplan/default.xml": "...", ...}``."""
        return cls.from_directory(
            MemoryTree(documents, label=label), variables=variables, limits=limits
        )

    @classmethod
    def from_string(
        cls,
        document: str | bytes,
        *,
        source: str = "<string>",
        variables: Mapping[str, str] | None = None,
        limits: XmlLimits | None = None,
    ) -> StaticXml:
        """Load one whole ``<document>`` (its ``set`` directives and ``$${...}`` are
        processed; includes cannot resolve and are reported as warnings)."""
        preprocessor = Preprocessor(limits or XmlLimits(), variables)
        root = preprocessor.load_data(document, source, None)
        if root.tag != "document":
            raise XmlConfigError(source, f"root element is <{root.tag}>, expected <document>")
        return cls(root, variables=preprocessor.variables, warnings=tuple(preprocessor.warnings))

    @classmethod
    def default(
        cls,
        *,
        variables: Mapping[str, str] | None = None,
        limits: XmlLimits | None = None,
    ) -> StaticXml:
        """The embedded default configuration: contexts ``default`` and ``public``,
        domain ``$${domain}`` with users 1000-1003, ``erlang_event.conf``. Pre-process
        variables worth overriding: ``erlang_handler`` (registered name, default
        ``myhandler``), ``erlang_handler_node`` (default ``mynode@localhost``),
        ``domain`` (default ``localhost``), ``default_password``."""
        defaults = files("pyerlsw.switch.xml").joinpath("defaults")
        return cls.from_directory(defaults, variables=variables, limits=limits)


def _assemble(root_dir: Traversable, preprocessor: Preprocessor) -> Element:
    main = root_dir.joinpath("freeswitch.xml")
    if main.is_file():
        document = preprocessor.load_file(main, root_dir)
        if document.tag != "document":
            raise XmlConfigError(
                str(main), f"root element is <{document.tag}>, expected <document>"
            )
        return document
    document = new_document()
    variables_file = root_dir.joinpath("vars.xml")
    if variables_file.is_file():
        preprocessor.load_file(variables_file, root_dir)
    for section_name, folder_name in _SECTION_FOLDERS:
        section = _ensure(document, "section", section_name)
        folder = root_dir.joinpath(folder_name)
        for file in xml_files(folder):
            if str(file) not in preprocessor.loaded:
                _merge(document, section, preprocessor.load_file(file, folder))
    _adopt_leftovers(document, root_dir, preprocessor, "dialplan", "context")
    _adopt_leftovers(document, root_dir, preprocessor, "directory", "domain")
    return document


def _adopt_leftovers(
    document: Element,
    root_dir: Traversable,
    preprocessor: Preprocessor,
    section_name: str,
    owner_tag: str,
) -> None:
    """Files in ``<section folder>/<name>/**`` that no include pulled in join the
    ``<owner_tag name="<name>">`` element (created when missing)."""
    folder = root_dir.joinpath(section_name)
    if not folder.is_dir():
        return
    section = _ensure(document, "section", section_name)
    for subdir in sorted((c for c in folder.iterdir() if c.is_dir()), key=lambda c: c.name):
        if subdir.name.startswith("."):
            continue
        for file, parent in iter_xml_files(subdir):
            if str(file) in preprocessor.loaded:
                continue
            root = preprocessor.load_file(file, parent)
            owner = _ensure(section, owner_tag, subdir.name)
            if owner_tag == "domain":
                users = find_child(owner, "users")
                owner = users if users is not None else SubElement(owner, "users")
            owner.extend(list(root) if root.tag == "include" else [root])


def _merge(document: Element, section: Element, root: Element) -> None:
    if root.tag == "document":
        for part in root.iterfind("section"):
            _ensure(document, "section", part.get("name") or "").extend(list(part))
    elif root.tag == "include":
        section.extend(list(root))
    else:
        section.append(root)


def _ensure(parent: Element, tag: str, name: str) -> Element:
    found = find_child(parent, tag, "name", name)
    if found is None:
        found = SubElement(parent, tag, {"name": name})
    return found
