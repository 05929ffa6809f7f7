"""Read-only directory trees for configuration files: real directories, package data,
or files held in memory, all through :class:`importlib.resources.abc.Traversable`.

:func:`glob_files` resolves the patterns of ``X-PRE-PROCESS include`` the way
FreeSWITCH's ``glob(3)`` does: relative to the including file's directory, one ``*``/
``?``/``[...]`` pattern per path segment, hidden files skipped, matches sorted by name.
``..`` and absolute patterns only work on real directories.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from fnmatch import fnmatchcase
from importlib.resources.abc import Traversable
from os import PathLike, fspath
from pathlib import Path
from typing import Any

__all__ = ["MemoryTree", "glob_files", "iter_xml_files", "xml_files"]

_MAGIC = frozenset("*?[")


class MemoryTree(Traversable):
    """A directory tree of in-memory files: ``{"dialplan/default.xml": "<include>..."}``.

    Paths use ``/``; a leading ``/`` or ``./`` is ignored. ``label`` prefixes the names
    shown in error messages.
    """

    def __init__(self, files: Mapping[str, str | bytes], *, label: str = "<strings>") -> None:
        self._files: dict[str, bytes] = {
            _normalise(name): data.encode("utf-8") if isinstance(data, str) else data
            for name, data in files.items()
        }
        self._label = label
        self._path = ""

    @property
    def name(self) -> str:
        return self._path.rsplit("/", 1)[-1] if self._path else self._label

    def __str__(self) -> str:
        return f"{self._label}/{self._path}" if self._path else self._label

    def __repr__(self) -> str:
        return f"MemoryTree({str(self)!r})"

    def is_file(self) -> bool:
        return self._path in self._files

    def is_dir(self) -> bool:
        if not self._path:
            return True
        prefix = self._path + "/"
        return any(name.startswith(prefix) for name in self._files)

    def iterdir(self) -> Iterator[MemoryTree]:
        prefix = self._path + "/" if self._path else ""
        seen: set[str] = set()
        for name in self._files:
            if name.startswith(prefix):
                first = name[len(prefix) :].split("/", 1)[0]
                if first not in seen:
                    seen.add(first)
                    yield self._child(prefix + first)

    def joinpath(self, *descendants: str | PathLike[str]) -> MemoryTree:
        parts = [self._path] if self._path else []
        for descendant in descendants:
            parts.extend(p for p in fspath(descendant).split("/") if p not in ("", "."))
        return self._child("/".join(parts))

    def __truediv__(self, child: str | PathLike[str]) -> MemoryTree:
        return self.joinpath(child)

    def read_bytes(self) -> bytes:
        try:
            return self._files[self._path]
        except KeyError:
            raise FileNotFoundError(str(self)) from None

    def read_text(self, encoding: str | None = None) -> str:
        return self.read_bytes().decode(encoding or "utf-8")

    def open(self, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        data = io.BytesIO(self.read_bytes())
        if "b" in mode:
            return data
        return io.TextIOWrapper(data, *args, **kwargs)

    def _child(self, path: str) -> MemoryTree:
        node = object.__new__(MemoryTree)
        node._files = self._files
        node._label = self._label
        node._path = path
        return node


def _normalise(name: str) -> str:
    return "/".join(p for p in name.replace("\\", "/").split("/") if p not in ("", "."))


def xml_files(folder: Traversable) -> list[Traversable]:
    """The ``*.xml`` files directly in ``folder`` (no hidden ones), sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(
        (
            child
            for child in folder.iterdir()
            if child.name.endswith(".xml") and not child.name.startswith(".") and child.is_file()
        ),
        key=lambda child: child.name,
    )


def iter_xml_files(
    folder: Traversable, *, max_depth: int = 32
) -> Iterator[tuple[Traversable, Traversable]]:
    """Every ``*.xml`` file under ``folder`` at any depth (≤ ``max_depth``) as
    ``(file, its directory)``, directories in name order, files before subdirectories."""
    stack: list[tuple[Traversable, int]] = [(folder, 0)]
    while stack:
        current, depth = stack.pop()
        for file in xml_files(current):
            yield file, current
        if depth < max_depth:
            subdirs = sorted(
                (c for c in current.iterdir() if c.is_dir() and not c.name.startswith(".")),
                key=lambda c: c.name,
            )
            stack.extend((d, depth + 1) for d in reversed(subdirs))


def glob_files(base: Traversable | None, pattern: str) -> list[tuple[Traversable, Traversable]]:
    """The files ``pattern`` names relative to ``base``, as ``(file, its directory)``."""
    if base is None:
        return []
    start: Traversable = base
    if pattern.startswith("/"):
        if not isinstance(base, Path):
            return []
        start = Path("/")
    parts = [p for p in pattern.split("/") if p not in ("", ".")]
    if not parts:
        return []
    nodes: list[tuple[Traversable, Traversable]] = [(start, start)]
    for part in parts:
        following: list[tuple[Traversable, Traversable]] = []
        for node, _ in nodes:
            if part == "..":
                if isinstance(node, Path):
                    following.append((node.parent, node))
            elif _MAGIC.intersection(part):
                if node.is_dir():
                    children = sorted(node.iterdir(), key=lambda c: c.name)
                    following.extend(
                        (child, node)
                        for child in children
                        if fnmatchcase(child.name, part)
                        and (part.startswith(".") or not child.name.startswith("."))
                    )
            else:
                following.append((node.joinpath(part), node))
        nodes = following
    return [(node, parent) for node, parent in nodes if node.is_file()]
