"""Asterisk configuration-file syntax (``main/config.c``), independent of the file's
meaning.

Reads ``[category]`` sections and ``name = value`` / ``name => value`` lines, with:

* ``;`` comments, ``\\;`` for a literal semicolon, nested ``;-- ... --;`` block comments;
* ``#include file`` / ``#tryinclude file`` (quotes or ``<>`` allowed; a relative name is
  resolved against ``config_dir``; glob patterns allowed). A missing ``#include`` is an
  ERROR record and the rest is still parsed; ``#exec`` is refused with Asterisk's warning;
* ``[name](!)`` templates (not returned as normal categories), ``[name](base,...)``
  inheritance (the base's lines come first) and ``[name](+)`` additions to an earlier
  category.

Every problem becomes a :class:`~pyerlsw.switch.asterisk.diagnostics.LogRecord` carrying
the file and line; a bad line never stops the parse (unlike Asterisk, which abandons the
file on some errors). Limits (file size, line length, include depth and count) are in
:class:`ConfigLimits`.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from pyerlsw.switch.asterisk.diagnostics import ERROR, WARNING, LogRecord, LogSink, null_sink

__all__ = ["Category", "ConfigLimits", "ConfigLine", "ConfigReader"]


@dataclass(frozen=True, slots=True)
class ConfigLimits:
    max_file_size: int = 16 * 1024 * 1024
    max_line_length: int = 8192
    max_include_depth: int = 16
    max_files: int = 1024
    max_nested_comments: int = 128


@dataclass(frozen=True, slots=True)
class ConfigLine:
    """``name = value`` (``is_object`` for ``=>``), name and value stripped."""

    name: str
    value: str
    is_object: bool
    file: str
    line: int


@dataclass(slots=True)
class Category:
    """A ``[name]`` section with its lines in order (inherited lines first)."""

    name: str
    file: str
    line: int
    is_template: bool = False
    lines: list[ConfigLine] = field(default_factory=list)


class ConfigReader:
    """Reads one configuration (a main file plus its includes) into categories."""

    def __init__(
        self,
        *,
        config_dir: str | os.PathLike[str] | None = None,
        log: LogSink = null_sink,
        limits: ConfigLimits | None = None,
    ) -> None:
        self.config_dir = Path(config_dir) if config_dir is not None else None
        self.log = log
        self.limits = limits or ConfigLimits()
        self.categories: list[Category] = []
        self.files: list[str] = []
        self._current: Category | None = None
        self._comment_depth = 0
        self._include_stack: list[str] = []

    # -- entry points -------------------------------------------------------

    def read_file(self, path: str | os.PathLike[str]) -> list[Category]:
        """Read ``path`` (and everything it includes); returns all categories."""
        p = Path(path)
        if self.config_dir is None:
            self.config_dir = p.parent
        text = self._load(p, None, 0)
        if text is None:
            self._error(f"Unable to load config file '{p}'", None, None)
        else:
            self._parse(text, str(p))
        return self.categories

    def read_text(self, text: str, filename: str = "extensions.conf") -> list[Category]:
        """Parse ``text`` as if it were the file ``filename``."""
        self._parse(text, filename)
        return self.categories

    # -- helpers ------------------------------------------------------------

    def _warn(self, message: str, file: str | None, line: int | None) -> None:
        self.log(LogRecord(WARNING, message, file, line))

    def _error(self, message: str, file: str | None, line: int | None) -> None:
        self.log(LogRecord(ERROR, message, file, line))

    def _load(self, path: Path, origin: str | None, line: int | None) -> str | None:
        try:
            size = path.stat().st_size
            if size > self.limits.max_file_size:
                self._error(
                    f"Config file '{path}' is {size} bytes, over the limit of "
                    f"{self.limits.max_file_size}; not loaded",
                    origin,
                    line,
                )
                return None
            data = path.read_bytes()
        except OSError:
            return None
        text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
        if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
            self._warn(
                f"Config file '{path}' is not valid UTF-8; bad bytes replaced", str(path), None
            )
        self.files.append(str(path))
        return text

    def _parse(self, text: str, filename: str) -> None:
        self._include_stack.append(filename)
        try:
            for number, line in enumerate(text.split("\n"), start=1):
                raw = line.removesuffix("\r")
                if len(raw) > self.limits.max_line_length:
                    self._error(
                        f"Line {number} of {filename} is longer than "
                        f"{self.limits.max_line_length} characters; skipped",
                        filename,
                        number,
                    )
                    continue
                content = self._strip_comments(raw, filename, number).strip()
                if content:
                    self._line(content, filename, number)
            if self._comment_depth and len(self._include_stack) == 1:
                self._warn(
                    f"Unterminated comment detected beginning in {filename}",
                    filename,
                    None,
                )
        finally:
            self._include_stack.pop()

    def _strip_comments(self, raw: str, filename: str, number: int) -> str:
        out: list[str] = []
        i = 0
        n = len(raw)
        while i < n:
            c = raw[i]
            if c != ";":
                if not self._comment_depth:
                    out.append(c)
                i += 1
                continue
            if i > 0 and raw[i - 1] == "\\" and not self._comment_depth:
                out[-1] = ";"  # an escaped semicolon: drop the backslash
                i += 1
                continue
            if raw.startswith("--", i + 1) and raw[i + 3 : i + 4] != "-":
                if self._comment_depth < self.limits.max_nested_comments:
                    self._comment_depth += 1
                else:
                    self._error(
                        f"Maximum nest limit of {self.limits.max_nested_comments} reached.",
                        filename,
                        number,
                    )
                i += 3
                continue
            if self._comment_depth:
                if i >= 2 and raw[i - 2 : i] == "--":
                    self._comment_depth -= 1
                i += 1
                continue
            break  # a plain comment ends the line
        return "".join(out)

    def _line(self, cur: str, filename: str, number: int) -> None:
        if cur.startswith("["):
            self._category(cur, filename, number)
        elif cur.startswith("#"):
            self._directive(cur, filename, number)
        else:
            self._variable(cur, filename, number)

    def _find(self, name: str) -> Category | None:
        for cat in self.categories:
            if cat.name == name:
                return cat
        return None

    def _category(self, cur: str, filename: str, number: int) -> None:
        close = cur.find("]")
        if close < 0:
            self._warn(
                f"parse error: no closing ']', line {number} of {filename}", filename, number
            )
            self._current = None
            return
        name = cur[1:close]
        rest = cur[close + 1 :]
        options: list[str] = []
        if rest.startswith("("):
            end = rest.find(")")
            if end < 0:
                self._warn(
                    f"parse error: no closing ')', line {number} of {filename}", filename, number
                )
            else:
                options = rest[1:end].split(",")
        category = Category(name, filename, number)
        for option in options:
            if option == "!":
                category.is_template = True
            elif option.startswith("+"):
                existing = self._find(name)
                if existing is None:
                    self._warn(
                        f"Category addition requested, but category '{name}' does not exist, "
                        f"line {number} of {filename}",
                        filename,
                        number,
                    )
                    continue
                self._current = existing
                return
            elif option:
                base = self._find(option)
                if base is None:
                    self._warn(
                        f"Inheritance requested, but category '{option}' does not exist, "
                        f"line {number} of {filename}",
                        filename,
                        number,
                    )
                    continue
                category.lines.extend(base.lines)
        self.categories.append(category)
        self._current = category

    def _directive(self, cur: str, filename: str, number: int) -> None:
        word, _, arg = cur[1:].partition(" ")
        if "\t" in word:
            word, _, more = word.partition("\t")
            arg = more + " " + arg
        arg = arg.strip()
        kind = word.lower()
        if kind in ("exec", "tryexec"):
            self._warn(
                "Cannot perform #exec unless execincludes option is enabled in asterisk.conf "
                "(options section)!",
                filename,
                number,
            )
            return
        if kind not in ("include", "tryinclude"):
            self._warn(
                f"Unknown directive '#{word}' at line {number} of {filename}", filename, number
            )
            return
        if not arg:
            self._warn(
                f"Directive '#{word}' needs an argument (filename) at line {number} of {filename}",
                filename,
                number,
            )
            return
        if arg[0] in '"<':
            closing = '"' if arg[0] == '"' else ">"
            if len(arg) > 1 and arg.endswith(closing):
                arg = arg[1:-1]
        self._include(arg, kind == "tryinclude", filename, number)

    def _include(self, name: str, optional: bool, filename: str, number: int) -> None:
        base = self.config_dir or Path(".")
        target = Path(name) if os.path.isabs(name) else base / name
        if any(ch in name for ch in "*?["):
            paths = [Path(p) for p in sorted(glob.glob(str(target)))]
        else:
            paths = [target] if target.exists() else []
        if not paths:
            if not optional:
                self._error(
                    f"The file '{name}' was listed as a #include but it does not exist.",
                    filename,
                    number,
                )
            return
        for path in paths:
            if str(path) in self._include_stack:
                self._error(
                    f"Recursive #include of '{path}' at line {number} of {filename}; skipped",
                    filename,
                    number,
                )
                continue
            if len(self._include_stack) > self.limits.max_include_depth:
                self._error(
                    f"#include of '{path}' at line {number} of {filename} is nested deeper "
                    f"than {self.limits.max_include_depth}; skipped",
                    filename,
                    number,
                )
                continue
            if len(self.files) >= self.limits.max_files:
                self._error(
                    f"Too many included files (limit {self.limits.max_files}); '{path}' skipped",
                    filename,
                    number,
                )
                continue
            text = self._load(path, filename, number)
            if text is None:
                if not optional:
                    self._error(
                        f"The file '{name}' was listed as a #include but it does not exist.",
                        filename,
                        number,
                    )
                continue
            self._parse(text, str(path))

    def _variable(self, cur: str, filename: str, number: int) -> None:
        if self._current is None:
            self._warn(
                f"parse error: No category context for line {number} of {filename}",
                filename,
                number,
            )
            return
        escaped = cur.startswith("\\")
        if escaped:
            cur = cur[1:]
            if not cur or ord(cur[0]) < 33:
                self._error(f"Invalid escape in line {number} of {filename}", filename, number)
                return
        eq = cur.find("=", 1 if escaped else 0)
        if eq < 0:
            self._warn(f"No '=' (equal sign) in line {number} of {filename}", filename, number)
            return
        name = cur[:eq]
        value = cur[eq + 1 :]
        is_object = value.startswith(">")
        if is_object:
            value = value[1:]
        name = name.strip()
        if not name:
            self._warn(f"No variable name in line {number} of {filename}", filename, number)
            return
        self._current.lines.append(ConfigLine(name, value.strip(), is_object, filename, number))
