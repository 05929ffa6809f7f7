"""FreeSWITCH's ``X-PRE-PROCESS`` directives, applied while a configuration tree loads.

Supported, as in FreeSWITCH's conf tree:

* ``<X-PRE-PROCESS cmd="set" data="name=value"/>`` sets a pre-process variable;
* ``$${name}`` in attribute values and text is replaced by that variable, in document
  order (a variable must be set before it is used; an unknown one expands to the empty
  string and is reported in :attr:`Preprocessor.warnings`);
* ``<X-PRE-PROCESS cmd="include" data="default/*.xml"/>`` is replaced by the content of
  the matching files (a file whose root is ``<include>`` contributes its children),
  resolved relative to the including file's directory.

``exec``, ``exec-set``, ``env-set``, ``stun-set`` and other commands are ignored with a
warning: loading configuration never runs programs or reaches the network. Variables
passed by the caller are fixed: a ``set`` in the files does not replace them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from xml.etree.ElementTree import Element

from pyerlsw.switch.xml.errors import XmlConfigError
from pyerlsw.switch.xml.limits import XmlLimits
from pyerlsw.switch.xml.parse import parse_xml
from pyerlsw.switch.xml.tree import glob_files

__all__ = ["DIRECTIVE_TAG", "Preprocessor"]

DIRECTIVE_TAG = "X-PRE-PROCESS"
_VARIABLE = re.compile(r"\$\$\{([^}]*)\}")


class Preprocessor:
    """Loads files of one configuration tree, sharing variables and limits across them.

    One instance per load: it counts files and bytes against :class:`XmlLimits`, records
    every file read in :attr:`loaded` (by display name) and collects :attr:`warnings`.
    """

    def __init__(
        self,
        limits: XmlLimits,
        variables: Mapping[str, str] | None = None,
        *,
        defaults: Mapping[str, str] | None = None,
    ) -> None:
        """``variables`` are fixed (``set`` cannot change them); ``defaults`` are
        initial values the files may replace."""
        self.limits = limits
        self.variables: dict[str, str] = {**(defaults or {}), **(variables or {})}
        self.warnings: list[str] = []
        self.loaded: set[str] = set()
        self._fixed = frozenset(variables or ())
        self._unknown: set[str] = set()
        self._files_read = 0
        self._bytes_read = 0
        self._chain: list[str] = []

    def load_file(self, file: Traversable, directory: Traversable | None) -> Element:
        """Read, parse and preprocess ``file`` (whose includes resolve in ``directory``)
        and return its root element. Raises :class:`XmlParseError` or
        :class:`XmlConfigError` naming the file."""
        source = str(file)
        self._check_file_budget(file, source)
        data = file.read_bytes()
        return self.load_data(data, source, directory)

    def load_data(self, data: str | bytes, source: str, directory: Traversable | None) -> Element:
        """Like :meth:`load_file` for a document already in memory, named ``source``."""
        size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
        self._bytes_read += size
        if self._bytes_read > self.limits.max_document_bytes:
            raise XmlConfigError(
                source,
                f"configuration tree exceeds {self.limits.max_document_bytes} bytes in total",
            )
        if source in self._chain:
            raise XmlConfigError(self._chain[-1], f"include loop: {source} is already open")
        root = parse_xml(data, source=source, max_bytes=self.limits.max_file_bytes)
        self.loaded.add(source)
        self._chain.append(source)
        try:
            self._expand_element(root, source)
            self._walk(root, directory, source, level=1)
        finally:
            self._chain.pop()
        return root

    def _check_file_budget(self, file: Traversable, source: str) -> None:
        self._files_read += 1
        if self._files_read > self.limits.max_files:
            raise XmlConfigError(
                source, f"configuration tree has more than {self.limits.max_files} files"
            )
        if isinstance(file, Path):
            size = file.stat().st_size
            if size > self.limits.max_file_bytes:
                raise XmlConfigError(
                    source,
                    f"file is {size} bytes, more than the limit of "
                    f"{self.limits.max_file_bytes} bytes",
                )

    def _walk(
        self, element: Element, directory: Traversable | None, source: str, level: int
    ) -> None:
        if level > self.limits.max_element_depth:
            raise XmlConfigError(
                source, f"elements nested deeper than {self.limits.max_element_depth} levels"
            )
        children = list(element)
        if not children:
            return
        kept: list[Element] = []
        for child in children:
            if child.tag == DIRECTIVE_TAG:
                kept.extend(self._directive(child, directory, source))
                tail = child.tail
                if tail and tail.strip():
                    expanded = self._expand(tail, source)
                    if kept:
                        kept[-1].tail = (kept[-1].tail or "") + expanded
                    else:
                        element.text = (element.text or "") + expanded
                continue
            self._expand_element(child, source)
            self._walk(child, directory, source, level + 1)
            if child.tail and "$${" in child.tail:
                child.tail = self._expand(child.tail, source)
            kept.append(child)
        element[:] = kept

    def _directive(
        self, directive: Element, directory: Traversable | None, source: str
    ) -> list[Element]:
        command = (directive.get("cmd") or "").strip().lower()
        data = self._expand(directive.get("data") or "", source)
        if command == "set":
            name, separator, value = data.partition("=")
            name = name.strip()
            if not separator or not name:
                self.warnings.append(f"{source}: X-PRE-PROCESS set needs name=value: {data!r}")
            elif name not in self._fixed:
                self.variables[name] = value
            return []
        if command == "include":
            return self._include(data.strip(), directory, source)
        self.warnings.append(
            f"{source}: X-PRE-PROCESS cmd={command!r} ignored (only set and include run)"
        )
        return []

    def _include(self, pattern: str, directory: Traversable | None, source: str) -> list[Element]:
        if len(self._chain) > self.limits.max_include_depth:
            raise XmlConfigError(
                source, f"includes nested deeper than {self.limits.max_include_depth} levels"
            )
        matches = glob_files(directory, pattern)
        if not matches:
            self.warnings.append(f"{source}: X-PRE-PROCESS include {pattern!r} matched no file")
        spliced: list[Element] = []
        for file, parent in matches:
            root = self.load_file(file, parent)
            spliced.extend(list(root) if root.tag == "include" else [root])
        return spliced

    def _expand_element(self, element: Element, source: str) -> None:
        for name, value in element.attrib.items():
            if "$${" in value:
                element.set(name, self._expand(value, source))
        if element.text and "$${" in element.text:
            element.text = self._expand(element.text, source)

    def _expand(self, text: str, source: str) -> str:
        if "$${" not in text:
            return text

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            value = self.variables.get(name)
            if value is None:
                if name not in self._unknown:
                    self._unknown.add(name)
                    self.warnings.append(f"{source}: $${{{name}}} is not set; expanded to ''")
                return ""
            return value

        return _VARIABLE.sub(replace, text)
