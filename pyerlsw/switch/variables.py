"""FreeSWITCH variable expansion: ``${var}``, ``$${global}``, ``${var:offset:length}``.

:func:`expand` walks the text once, resolving references through two lookups (channel
scope and global scope), with nesting (``${prefix_${suffix}}``), substrings
(``${var:2}``, ``${var:-4:2}``), escapes (a backslash before ``$``, ``{``, ``}`` or
another backslash makes it literal) and unknown names expanding to the empty string.
``${api args}`` references (a space in the name) expand through the optional ``api``
callback, or to nothing. Expansion is bounded: nesting deeper than
:data:`MAX_DEPTH` or output longer than :data:`MAX_OUTPUT` stops expanding and keeps
the rest of the text literally.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["MAX_DEPTH", "MAX_OUTPUT", "expand", "split_array"]

MAX_DEPTH = 16
MAX_OUTPUT = 1 << 20

Lookup = Callable[[str], str | None]


def _find_close(text: str, start: int) -> int:
    """Index of the ``}`` closing the ``{`` just before ``start``, or -1."""
    depth = 1
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _substring(value: str, spec: str) -> str | None:
    parts = spec.split(":")
    try:
        offset = int(parts[0])
        length = int(parts[1]) if len(parts) > 1 and parts[1] else None
    except ValueError:
        return None
    if offset < 0:
        offset = max(0, len(value) + offset)
    if length is None:
        return value[offset:]
    if length < 0:
        end = len(value) + length
        return value[offset:end] if end > offset else ""
    return value[offset : offset + length]


def expand(
    text: str,
    lookup: Lookup,
    global_lookup: Lookup,
    api: Lookup | None = None,
    _depth: int = 0,
) -> str:
    """Expand variable references in ``text``.

    ``lookup`` resolves ``${name}`` (channel variables, caller-profile fields, then
    globals, as the caller wires it); ``global_lookup`` resolves ``$${name}``; ``api``
    (optional) gets ``"cmd args"`` for references containing a space.
    """
    if "$" not in text and "\\" not in text:
        return text
    if _depth > MAX_DEPTH:
        return text
    out: list[str] = []
    size = 0
    i = 0
    n = len(text)
    while i < n:
        if size > MAX_OUTPUT:
            out.append(text[i:])
            break
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "${}\\":
            out.append(text[i + 1])
            size += 1
            i += 2
            continue
        if ch == "$":
            is_global = text.startswith("$${", i)
            if is_global or text.startswith("${", i):
                open_at = i + (3 if is_global else 2)
                close = _find_close(text, open_at)
                if close < 0:
                    out.append(text[i:])
                    break
                inner = expand(text[open_at:close], lookup, global_lookup, api, _depth + 1)
                value = _resolve(inner, is_global, lookup, global_lookup, api)
                out.append(value)
                size += len(value)
                i = close + 1
                continue
        out.append(ch)
        size += 1
        i += 1
    return "".join(out)


def _resolve(
    inner: str,
    is_global: bool,
    lookup: Lookup,
    global_lookup: Lookup,
    api: Lookup | None,
) -> str:
    if is_global:
        return global_lookup(inner) or ""
    if " " in inner:
        if api is None:
            return ""
        return api(inner) or ""
    name, sep, spec = inner.partition(":")
    value = lookup(name)
    if value is None:
        return ""
    if sep:
        sub = _substring(value, spec)
        return value if sub is None else sub
    return value


def split_array(value: str) -> list[str] | None:
    """Elements of a FreeSWITCH array value (``ARRAY::a|:b``), or None for a scalar."""
    if not value.startswith("ARRAY::"):
        return None
    return value[len("ARRAY::") :].split("|:")
