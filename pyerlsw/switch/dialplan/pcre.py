"""FreeSWITCH dialplan regular expressions (PCRE) as Python ``re`` patterns.

FreeSWITCH compiles condition expressions with PCRE, without UTF-8 mode, and accepts
``/pattern/flags`` with flags ``i`` (caseless) and ``s`` (dot matches newline). This
module rewrites the PCRE constructs Python spells differently and rejects the ones it
has no equivalent for, with :class:`RegexError`:

* rewritten: ``\\z`` ``\\Z`` ``\\h`` ``\\H`` ``\\v`` ``\\V`` ``\\R`` ``\\N`` ``\\e`` ``\\cX``
  ``\\x{...}`` ``\\o{...}`` ``\\Q...\\E``, named groups ``(?<n>...)`` / ``(?'n'...)`` and
  references ``\\k<n>`` ``\\k'n'`` ``\\k{n}`` ``\\g{n}`` ``\\gN``, POSIX classes
  ``[[:digit:]]``, ``{,n}`` (a literal in PCRE), unknown letter escapes (literals),
  and inline option settings such as ``a(?i)b|c``, which apply to the rest of their
  group (Python only allows them at the start: they become scoped groups);
* passed through: everything Python 3.11 shares with PCRE, including lookaround,
  atomic groups, possessive quantifiers, backreferences, conditionals ``(?(1)...)``;
* rejected: recursion and subroutines ``(?R)`` ``(?1)`` ``(?&n)`` ``\\g<n>``, branch
  reset ``(?|``, ``\\p{...}``, ``\\X``, ``\\C``, ``\\K``, ``\\G``, relative references,
  options ``J``/``U``/``X``.

Matching uses ASCII semantics for ``\\d``, ``\\w``, ``\\s`` and ``\\b`` as PCRE does
without UTF mode.
"""

from __future__ import annotations

import re
import string

__all__ = ["RegexError", "compile_expression", "translate"]


class RegexError(ValueError):
    """A dialplan expression that cannot be compiled."""


_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \\t\\n\\r\\f\\v",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_NEGATED_POSIX = {"digit": "\\D", "space": "\\S", "word": "\\W"}
_HORIZONTAL = " \\t\\xa0"
_VERTICAL = "\\n\\x0b\\x0c\\r\\x85"
_PASS_ESCAPES = frozenset("dDwWsSbBAfnrtaz0123456789")
_REJECT_ESCAPES = frozenset("pPXCKG")
_UNSUPPORTED_FLAGS = frozenset("JUX")
_QUANTIFIER = re.compile(r"\{(\d+)(,(\d*))?\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def compile_expression(expression: str) -> re.Pattern[str]:
    """Compile a condition expression: bare PCRE or ``/pattern/flags``."""
    flags = re.ASCII
    pattern = expression
    if expression.startswith("/"):
        end = expression.rfind("/")
        if end == 0:
            raise RegexError(f"missing closing / in {expression!r}")
        options = expression[end + 1 :]
        pattern = expression[1:end]
        if "i" in options:
            flags |= re.IGNORECASE
        if "s" in options:
            flags |= re.DOTALL
    try:
        return re.compile(translate(pattern), flags)
    except re.error as exc:
        raise RegexError(f"{exc} in {expression!r}") from None


def translate(pattern: str) -> str:
    """The Python ``re`` spelling of PCRE ``pattern`` (see the module docstring)."""
    return _Translator(pattern).run()


class _Translator:
    def __init__(self, pattern: str) -> None:
        self.src = pattern
        self.pos = 0
        self.out: list[str] = []
        # per open group: the flags of "(?x)" wrappers opened inside it (to close on ")"
        # and to reopen after "|")
        self.groups: list[list[str]] = [[]]

    def fail(self, reason: str) -> RegexError:
        return RegexError(f"{reason} at offset {self.pos} in {self.src!r}")

    def run(self) -> str:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "\\":
                self.out.append(self.escape(in_class=False))
            elif char == "[":
                self.out.append(self.char_class())
            elif char == "(":
                self.open_group()
            elif char == ")":
                self.close_group()
            elif char == "|":
                wrappers = self.groups[-1]
                self.out.append(")" * len(wrappers) + "|" + "".join(f"(?{f}:" for f in wrappers))
                self.pos += 1
            elif char == "{":
                match = _QUANTIFIER.match(src, self.pos)
                self.out.append(match.group(0) if match else "\\{")
                self.pos = match.end() if match else self.pos + 1
            elif char == "}":
                self.out.append("\\}")
                self.pos += 1
            else:
                self.out.append(char)
                self.pos += 1
        if len(self.groups) > 1:
            raise self.fail("missing )")
        self.out.append(")" * len(self.groups[0]))
        return "".join(self.out)

    # -- groups ------------------------------------------------------------------------

    def open_group(self) -> None:
        src = self.src
        rest = src[self.pos + 1 :]
        if not rest.startswith("?"):
            self.out.append("(")
            self.pos += 1
            self.groups.append([])
            return
        body = rest[1:]
        if body.startswith("#"):
            end = src.find(")", self.pos)
            if end < 0:
                raise self.fail("unterminated comment")
            self.pos = end + 1
            return
        for prefix in (":", "=", "!", "<=", "<!", ">"):
            if body.startswith(prefix):
                self.out.append("(?" + prefix)
                self.pos += 2 + len(prefix)
                self.groups.append([])
                return
        if body.startswith(("<", "'", "P<")):
            self.named_group(body)
            return
        if body.startswith("P="):
            end = src.find(")", self.pos)
            if end < 0:
                raise self.fail("missing )")
            self.out.append(src[self.pos : end + 1])
            self.pos = end + 1
            return
        if body.startswith("("):
            self.conditional(body)
            return
        flags = re.match(r"([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])", body)
        letters = set(flags.group(1) + (flags.group(2) or "")) if flags else set()
        if flags is None or not letters <= set("imsx") | _UNSUPPORTED_FLAGS:
            raise self.fail("unsupported group (recursion, subroutine or branch reset)")
        on, off, terminator = flags.group(1), flags.group(2) or "", flags.group(3)
        if letters & _UNSUPPORTED_FLAGS:
            raise self.fail(f"unsupported option letters in (?{on}-{off})")
        spelled = on + (f"-{off}" if off else "")
        self.pos += 2 + flags.end()
        if terminator == ":":
            self.out.append(f"(?{spelled}:")
            self.groups.append([])
        elif not self.out and not off and len(self.groups) == 1 and not self.groups[0]:
            self.out.append(f"(?{on})")
        elif spelled:
            self.out.append(f"(?{spelled}:")
            self.groups[-1].append(spelled)

    def named_group(self, body: str) -> None:
        if body.startswith("P<"):
            body = body[1:]
            skip = 3
        else:
            skip = 2
        close = ">" if body[0] == "<" else "'"
        name = _NAME.match(body, 1)
        if name is None or body[name.end() : name.end() + 1] != close:
            raise self.fail("bad group name")
        self.out.append(f"(?P<{name.group(0)}>")
        self.pos += skip + name.end() + 1
        self.groups.append([])

    def conditional(self, body: str) -> None:
        # body starts with "(" : (?(1)..), (?(<name>)..), (?('name')..), (?(name)..)
        end = body.find(")")
        if end < 0:
            raise self.fail("bad conditional")
        condition = body[1:end]
        if condition[:1] in ("<", "'") and condition[-1:] in (">", "'"):
            condition = condition[1:-1]
        if not (condition.isdigit() or _NAME.fullmatch(condition)):
            raise self.fail("unsupported conditional")
        self.out.append(f"(?({condition})")
        self.pos += 2 + end + 1
        self.groups.append([])

    def close_group(self) -> None:
        if len(self.groups) == 1:
            raise self.fail("unbalanced )")
        wrappers = self.groups.pop()
        self.out.append(")" * len(wrappers) + ")")
        self.pos += 1

    # -- escapes -----------------------------------------------------------------------

    def escape(self, *, in_class: bool) -> str:
        src = self.src
        if self.pos + 1 >= len(src):
            raise self.fail("trailing backslash")
        letter = src[self.pos + 1]
        self.pos += 2
        if letter == "Q":
            end = src.find("\\E", self.pos)
            end = len(src) if end < 0 else end
            literal = src[self.pos : end]
            self.pos = min(end + 2, len(src))
            return "".join(_literal(c, in_class) for c in literal)
        if letter == "E":
            return ""
        if letter in _REJECT_ESCAPES:
            raise self.fail(f"\\{letter} is not supported")
        if letter == "x":
            return _literal(chr(self.hex_code()), in_class)
        if letter == "o" and src[self.pos : self.pos + 1] == "{":
            end = src.find("}", self.pos)
            try:
                code = int(src[self.pos + 1 : end], 8)
            except ValueError:
                raise self.fail("bad \\o{...}") from None
            self.pos = end + 1
            return _literal(chr(code), in_class)
        if letter == "c":
            if self.pos >= len(src):
                raise self.fail("\\c at end of pattern")
            control = chr(ord(src[self.pos].upper()) ^ 0x40)
            self.pos += 1
            return _literal(control, in_class)
        if letter == "e":
            return "\\x1b"
        if letter in "hH":
            negate = "^" if letter == "H" else ""
            return _HORIZONTAL if in_class and not negate else f"[{negate}{_HORIZONTAL}]"
        if letter in "vV":
            negate = "^" if letter == "V" else ""
            return _VERTICAL if in_class and not negate else f"[{negate}{_VERTICAL}]"
        if in_class:
            return self.class_escape(letter)
        return self.outer_escape(letter)

    def outer_escape(self, letter: str) -> str:
        src = self.src
        if letter == "z":
            return "\\Z"
        if letter == "Z":
            return "(?=\\n?\\Z)"
        if letter == "R":
            return "(?:\\r\\n|[" + _VERTICAL + "])"
        if letter == "N" and src[self.pos : self.pos + 1] != "{":
            return "[^\\n]"
        if letter == "k":
            return self.named_reference()
        if letter == "g":
            return self.g_reference()
        if letter.isdigit():
            digits = re.match(r"\d*", src[self.pos :])
            extra = digits.group(0) if digits else ""
            self.pos += len(extra)
            return "\\" + letter + extra
        if letter in _PASS_ESCAPES:
            return "\\" + letter
        return _literal(letter, in_class=False)

    def class_escape(self, letter: str) -> str:
        if letter == "b":
            return "\\x08"
        if letter in "dDwWsSfnrta" or letter.isdigit():
            return "\\" + letter
        return _literal(letter, in_class=True)

    def hex_code(self) -> int:
        src = self.src
        if src[self.pos : self.pos + 1] == "{":
            end = src.find("}", self.pos)
            try:
                code = int(src[self.pos + 1 : end], 16)
            except ValueError:
                raise self.fail("bad \\x{...}") from None
            self.pos = end + 1
            if code > 0x10FFFF:
                raise self.fail("code point out of range")
            return code
        digits = re.match(r"[0-9A-Fa-f]{0,2}", src[self.pos :])
        text = digits.group(0) if digits else ""
        self.pos += len(text)
        return int(text, 16) if text else 0

    def named_reference(self) -> str:
        src = self.src
        opener = src[self.pos : self.pos + 1]
        closer = {"<": ">", "'": "'", "{": "}"}.get(opener)
        if closer is None:
            raise self.fail("bad \\k reference")
        name = _NAME.match(src, self.pos + 1)
        if name is None or src[name.end() : name.end() + 1] != closer:
            raise self.fail("bad \\k reference")
        self.pos = name.end() + 1
        return f"(?P={name.group(0)})"

    def g_reference(self) -> str:
        src = self.src
        braced = re.match(r"\{(-?\d+|[A-Za-z_]\w*)\}|(\d+)", src[self.pos :])
        if braced is None:
            raise self.fail("unsupported \\g reference")
        target = braced.group(1) or braced.group(2)
        self.pos += braced.end()
        if target.startswith("-"):
            raise self.fail("relative references are not supported")
        return f"(?:\\{target})" if target.isdigit() else f"(?P={target})"

    # -- character classes -------------------------------------------------------------

    def char_class(self) -> str:
        src = self.src
        self.pos += 1
        parts = ["["]
        if src[self.pos : self.pos + 1] == "^":
            parts.append("^")
            self.pos += 1
        if src[self.pos : self.pos + 1] == "]":
            parts.append("\\]")
            self.pos += 1
        while True:
            if self.pos >= len(src):
                raise self.fail("missing ]")
            char = src[self.pos]
            if char == "]":
                self.pos += 1
                parts.append("]")
                return "".join(parts)
            if char == "[" and src.startswith("[:", self.pos):
                parts.append(self.posix_class())
            elif char == "\\":
                parts.append(self.escape(in_class=True))
            elif char == "-" and parts[-1].endswith("-"):
                parts.append("\\-")
                self.pos += 1
            elif char in "[&~|":
                parts.append("\\" + char)
                self.pos += 1
            else:
                parts.append(char)
                self.pos += 1

    def posix_class(self) -> str:
        src = self.src
        end = src.find(":]", self.pos + 2)
        if end < 0:
            raise self.fail("bad POSIX class")
        name = src[self.pos + 2 : end]
        self.pos = end + 2
        if name.startswith("^"):
            negated = _NEGATED_POSIX.get(name[1:])
            if negated is None:
                raise self.fail(f"negated POSIX class [:{name}:] is not supported")
            return negated
        members = _POSIX_CLASSES.get(name)
        if members is None:
            raise self.fail(f"unknown POSIX class [:{name}:]")
        return members


def _literal(char: str, in_class: bool) -> str:
    """``char`` as a literal in a pattern (inside a class when ``in_class``)."""
    if char in string.ascii_letters or char in string.digits or char == "_":
        return char
    code = ord(char)
    if code < 0x20 or code > 0x7E:
        if code <= 0xFF:
            return f"\\x{code:02x}"
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    return "\\" + char if in_class else re.escape(char)
