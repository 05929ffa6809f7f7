"""Node names and cookies, resolved the way ``erl`` resolves them.

* ``full_node_name("py")`` is ``py@<short host name>``, what ``erl -sname py`` uses, so
  ``erl -sname`` peers reach the node by ``py@shorthost``; a name with ``@`` is kept.
* The cookie comes from the argument, else from a cookie file, else from
  ``~/.erlang.cookie``; like OTP, a missing ``~/.erlang.cookie`` is created with 20
  random capital letters (mode 0400), and a cookie file others can read is refused.
"""

from __future__ import annotations

import os
import secrets
import socket
import stat
import string
from pathlib import Path

from pyerlsw.dist.errors import LocalProtocolError
from pyerlsw.dist.handshake_messages import validate_node_name
from pyerlsw.node.errors import NodeError

__all__ = ["full_node_name", "resolve_cookie", "short_hostname"]


def short_hostname() -> str:
    """The host part OTP uses for ``-sname`` nodes (the host name up to the first dot)."""
    return socket.gethostname().split(".")[0]


def full_node_name(name: str) -> str:
    """``alive@host`` for ``name`` (``alive`` alone gets the short host name)."""
    if "@" not in name:
        name = f"{name}@{short_hostname()}"
    try:
        return validate_node_name(name)
    except LocalProtocolError as exc:
        raise NodeError(str(exc)) from None


def _cookie_bytes(cookie: str | bytes) -> bytes:
    raw = cookie.encode("latin-1") if isinstance(cookie, str) else bytes(cookie)
    if not raw:
        raise NodeError("the cookie is empty")
    return raw


def resolve_cookie(cookie: str | bytes | None = None,
                   cookie_file: str | os.PathLike[str] | None = None) -> bytes:
    """The cookie as bytes (see the module docstring for the order)."""
    if cookie is not None:
        return _cookie_bytes(cookie)
    path = Path(cookie_file) if cookie_file is not None else Path.home() / ".erlang.cookie"
    if not path.exists():
        if cookie_file is not None:
            raise NodeError(f"cookie file {path} does not exist")
        _create_cookie_file(path)
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise NodeError(f"cookie file {path} must be accessible by its owner only")
    text = path.read_text("latin-1").strip()
    if not text:
        raise NodeError(f"cookie file {path} is empty")
    return _cookie_bytes(text.split()[0])


def _create_cookie_file(path: Path) -> None:
    value = "".join(secrets.choice(string.ascii_uppercase) for _ in range(20))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    with os.fdopen(fd, "w", encoding="latin-1") as handle:
        handle.write(value)
