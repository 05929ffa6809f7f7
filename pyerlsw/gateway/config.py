"""``erlang_event.conf.xml``: the gateway's settings (spec §2) as a validated model.

::

    <configuration name="erlang_event.conf" description="Erlang Socket Client">
      <settings>
        <param name="listen-ip" value="0.0.0.0"/>
        <param name="nodename" value="freeswitch"/>
        ...
      </settings>
    </configuration>

The file may be the bare ``<configuration>`` or any document containing it (e.g. a
full ``freeswitch.xml``); it is parsed with ``defusedxml``. Parameters are read in
document order: a repeated one keeps its last value, except ``apply-inbound-acl`` which
accumulates. The first eight names of §2 are matched case-sensitively, the other
FreeSWITCH ones and pyerlsw's own case-insensitively; unknown names are ignored (and
listed in :attr:`ErlangEventConfig.ignored_params`), as FreeSWITCH does.

Unlike FreeSWITCH, which logs a bad value and carries on with the default, pyerlsw
refuses a bad value with a :class:`ConfigError` naming the file and the parameter.

pyerlsw adds three parameters FreeSWITCH does not have (FreeSWITCH ignores them):
``max-event-queue``, ``max-log-queue`` and ``max-call-event-queue``, the queue bounds
per connection and per attached call (100000 each, FreeSWITCH's fixed size).

Cookies: ``cookie`` and ``cookie-file`` are kept in document order
(:attr:`ErlangEventConfig.cookie_sources`) and resolved by :func:`resolve_cookie`,
which reads files; nothing here touches the file system except :func:`load_config`.
"""

from __future__ import annotations

import ipaddress
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .text import Encoding

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_COOKIE",
    "MAX_INBOUND_ACLS",
    "ConfigError",
    "CookieFileError",
    "CookieSource",
    "ErlangEventConfig",
    "ResolvedCookie",
    "load_config",
    "parse_config",
    "read_cookie_file",
    "resolve_cookie",
    "switch_true",
]

CONFIG_NAME = "erlang_event.conf"
DEFAULT_COOKIE = "ClueCon"
"""The cookie FreeSWITCH falls back to (with a warning) when no other is found."""
MAX_INBOUND_ACLS = 100
MAX_COOKIE_FILE_BYTES = 256
DEFAULT_PORT = 8031
DEFAULT_QUEUE = 100_000

_CASE_SENSITIVE = {
    "listen-ip": "listen_ip",
    "listen-port": "listen_port",
    "nodename": "nodename",
    "shortname": "shortname",
    "encoding": "encoding",
    "compat-rel": "compat_rel",
}
_CASE_INSENSITIVE = {
    "max-event-bulk": "max_event_bulk",
    "max-log-bulk": "max_log_bulk",
    "stop-on-bind-error": "stop_on_bind_error",
    "max-event-queue": "max_event_queue",
    "max-log-queue": "max_log_queue",
    "max-call-event-queue": "max_call_event_queue",
}
_PARAM_OF_FIELD = {
    **{field: name for name, field in _CASE_SENSITIVE.items()},
    **{field: name for name, field in _CASE_INSENSITIVE.items()},
    "apply_inbound_acl": "apply-inbound-acl",
    "cookie_sources": "cookie",
}

_TRUE_WORDS = frozenset({"yes", "on", "true", "t", "enabled", "active", "allow"})
_FALSE_WORDS = frozenset({"no", "off", "false", "f", "disabled", "inactive", "disallow"})


def switch_true(value: str) -> bool | None:
    """FreeSWITCH's boolean words (``switch_true``/``switch_false``), case-insensitive;
    numbers are true when non-zero. ``None`` for anything else."""
    lowered = value.strip().lower()
    if lowered in _TRUE_WORDS:
        return True
    if lowered in _FALSE_WORDS:
        return False
    try:
        return int(lowered) != 0
    except ValueError:
        return None


class ConfigError(ValueError):
    """A configuration file FreeSWITCH-compatible pyerlsw refuses to run with."""

    def __init__(self, source: str, param: str | None, message: str) -> None:
        self.source = source
        self.param = param
        where = f"{source}: param {param!r}" if param else source
        super().__init__(f"{where}: {message}")


class CookieSource(BaseModel):
    """One ``cookie`` or ``cookie-file`` parameter, in document order."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["cookie", "cookie-file"]
    value: str


def _int_text(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text, 10)
        except ValueError:
            raise ValueError(f"must be an integer, got {value!r}") from None
    return value


def _bool_text(value: Any) -> Any:
    if isinstance(value, str):
        parsed = switch_true(value)
        if parsed is None:
            raise ValueError(f"must be a boolean (true/false, yes/no, on/off), got {value!r}")
        return parsed
    return value


class ErlangEventConfig(BaseModel):
    """Every parameter of ``erlang_event.conf`` (spec §2) plus pyerlsw's queue bounds.

    Field names are the parameter names with ``_`` for ``-``; both spellings are
    accepted when building the model from Python.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    listen_ip: str = Field("0.0.0.0", alias="listen-ip")
    """Bind address; ``*`` means any (stored as ``0.0.0.0``)."""
    listen_port: int = Field(DEFAULT_PORT, alias="listen-port", ge=1, le=65535)
    """Distribution port published to EPMD; ``0`` in the file means 8031."""
    nodename: str = Field("freeswitch", alias="nodename", min_length=1)
    """Alive name, or a full ``name@host`` used verbatim."""
    cookie_sources: tuple[CookieSource, ...] = ()
    """``cookie`` / ``cookie-file`` parameters in document order (last usable wins)."""
    shortname: bool = Field(True, alias="shortname")
    """Cut the host part at the first dot (ignored for full node names)."""
    encoding: Encoding = Field(Encoding.STRING, alias="encoding")
    """``string`` (charlists) or ``binary`` for text sent to Erlang."""
    compat_rel: int | None = Field(None, alias="compat-rel", ge=7)
    """``ei_set_compat_rel``; accepted and checked, no effect on pyerlsw's encoding."""
    apply_inbound_acl: tuple[str, ...] = Field((), alias="apply-inbound-acl")
    """ACL names every inbound peer must pass (all of them)."""
    max_event_bulk: int = Field(1, alias="max-event-bulk")
    """Events sent per turn of a connection; ``<= 0`` means events are never sent."""
    max_log_bulk: int = Field(1, alias="max-log-bulk")
    """Log lines sent per turn; ``<= 0`` means logs are never sent."""
    stop_on_bind_error: bool = Field(False, alias="stop-on-bind-error")
    """On a bind failure: give up (true) or retry every 100 ms (false)."""
    max_event_queue: int = Field(DEFAULT_QUEUE, alias="max-event-queue", ge=1)
    """Events queued per connection before further ones are counted as lost."""
    max_log_queue: int = Field(DEFAULT_QUEUE, alias="max-log-queue", ge=1)
    """Log lines queued per connection before further ones are lost."""
    max_call_event_queue: int = Field(DEFAULT_QUEUE, alias="max-call-event-queue", ge=1)
    """Events queued per attached call before further ones are lost."""
    ignored_params: tuple[str, ...] = ()
    """Parameter names in the file that were not recognised."""

    @field_validator("listen_ip", mode="before")
    @classmethod
    def _check_ip(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text == "*":
                return "0.0.0.0"
            try:
                return str(ipaddress.ip_address(text))
            except ValueError:
                raise ValueError(f"must be an IPv4/IPv6 address or '*', got {value!r}") from None
        return value

    @field_validator("listen_port", mode="before")
    @classmethod
    def _check_port(cls, value: Any) -> Any:
        value = _int_text(value)
        return DEFAULT_PORT if value == 0 else value

    @field_validator("nodename")
    @classmethod
    def _check_nodename(cls, value: str) -> str:
        alive, at, host = value.partition("@")
        if not alive or (at and not host) or any(c.isspace() for c in value):
            raise ValueError(f"must be 'name' or 'name@host' without spaces, got {value!r}")
        return value

    @field_validator("encoding", mode="before")
    @classmethod
    def _check_encoding(cls, value: Any) -> Any:
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered not in ("string", "binary"):
                raise ValueError(f"must be 'string' or 'binary', got {value!r}")
            return Encoding(lowered)
        return value

    @field_validator(
        "compat_rel", "max_event_bulk", "max_log_bulk", "max_event_queue", "max_log_queue",
        "max_call_event_queue", mode="before",
    )  # fmt: skip
    @classmethod
    def _check_int(cls, value: Any) -> Any:
        return _int_text(value)

    @field_validator("shortname", "stop_on_bind_error", mode="before")
    @classmethod
    def _check_bool(cls, value: Any) -> Any:
        return _bool_text(value)

    @field_validator("apply_inbound_acl")
    @classmethod
    def _check_acls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) > MAX_INBOUND_ACLS:
            raise ValueError(f"at most {MAX_INBOUND_ACLS} ACLs, got {len(value)}")
        if any(not name.strip() for name in value):
            raise ValueError("an ACL name must not be empty")
        return value


# ---------------------------------------------------------------- XML


def _find_configuration(root: Element) -> Element | None:
    for element in root.iter("configuration"):
        if element.get("name") == CONFIG_NAME:
            return element
    return None


def parse_config(data: bytes | str, source: str = f"{CONFIG_NAME}.xml") -> ErlangEventConfig:
    """Parse the XML text of ``erlang_event.conf``; ``source`` names it in errors.

    Raises :class:`ConfigError` for XML that cannot be parsed (or is unsafe: entity
    expansion, external references), a missing ``<configuration name=
    "erlang_event.conf">`` and every invalid parameter value.
    """
    try:
        root = SafeElementTree.fromstring(data)
    except Exception as exc:  # ParseError and defusedxml's refusals
        raise ConfigError(source, None, f"not usable XML: {exc}") from None
    configuration = _find_configuration(root)
    if configuration is None:
        raise ConfigError(source, None, f'no <configuration name="{CONFIG_NAME}">')
    raw: dict[str, Any] = {}
    acls: list[str] = []
    cookies: list[CookieSource] = []
    ignored: list[str] = []
    for settings in configuration.findall("settings"):
        for param in settings.findall("param"):
            name = param.get("name")
            value = param.get("value")
            if name is None or value is None:
                raise ConfigError(source, name, "<param> needs both name and value")
            field = _CASE_SENSITIVE.get(name) or _CASE_INSENSITIVE.get(name.lower())
            if field is not None:
                raw[field] = value
            elif name in ("cookie", "cookie-file"):
                if value:
                    cookies.append(CookieSource(kind=name, value=value))  # type: ignore[arg-type]
            elif name.lower() == "apply-inbound-acl":
                acls.append(value)
            else:
                ignored.append(name)
    raw.update(apply_inbound_acl=tuple(acls), cookie_sources=tuple(cookies))
    raw["ignored_params"] = tuple(ignored)
    try:
        return ErlangEventConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(source, _PARAM_OF_FIELD.get(field, field), message) from None


def load_config(path: str | os.PathLike[str]) -> ErlangEventConfig:
    """Read and parse a configuration file (:class:`ConfigError` if unreadable)."""
    source = os.fspath(path)
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise ConfigError(source, None, f"cannot read: {exc.strerror or exc}") from None
    return parse_config(data, source)


# ---------------------------------------------------------------- cookies


class CookieFileError(ValueError):
    """A cookie file FreeSWITCH would refuse."""


def read_cookie_file(path: str | os.PathLike[str]) -> str:
    """Read a cookie file with FreeSWITCH's rules: not accessible by group or others,
    at most 256 bytes; the cookie is the text up to the first ``\\n`` or ``\\r``.

    Raises :class:`CookieFileError` with the reason.
    """
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise CookieFileError(f"{os.fspath(path)} must not be accessible by group/others")
            if info.st_size > MAX_COOKIE_FILE_BYTES:
                raise CookieFileError(f"{os.fspath(path)} is over {MAX_COOKIE_FILE_BYTES} bytes")
            data = handle.read(MAX_COOKIE_FILE_BYTES + 1)
    except OSError as exc:
        raise CookieFileError(f"cannot read {os.fspath(path)}: {exc.strerror or exc}") from None
    if len(data) > MAX_COOKIE_FILE_BYTES:
        raise CookieFileError(f"{os.fspath(path)} is over {MAX_COOKIE_FILE_BYTES} bytes")
    text = data.decode("utf-8", "surrogateescape")
    for end in ("\n", "\r"):
        text = text.split(end, 1)[0]
    return text


@dataclass(frozen=True, slots=True)
class ResolvedCookie:
    """The cookie to use, where it came from, and warnings/errors to log."""

    cookie: str
    origin: str
    problems: tuple[str, ...] = ()


def resolve_cookie(
    config: ErlangEventConfig,
    *,
    environ: Mapping[str, str] | None = None,
    read_file: Callable[[str], str] = read_cookie_file,
) -> ResolvedCookie:
    """Pick the cookie as FreeSWITCH does (spec §2).

    The ``cookie``/``cookie-file`` parameters apply in document order (a file that
    cannot be used is reported and skipped); if none gave a cookie and ``HOME`` is set,
    ``$HOME/.erlang.cookie`` is read with the same rules; failing that,
    :data:`DEFAULT_COOKIE`. ``environ`` defaults to ``os.environ``.
    """
    env = os.environ if environ is None else environ
    problems: list[str] = []
    cookie = ""
    origin = ""
    for source in config.cookie_sources:
        if source.kind == "cookie":
            cookie, origin = source.value, "cookie"
            continue
        try:
            found = read_file(source.value)
        except CookieFileError as exc:
            problems.append(f"unable to read cookie from {source.value}: {exc}")
            continue
        if found:
            cookie, origin = found, f"cookie-file {source.value}"
    if cookie:
        return ResolvedCookie(cookie, origin, tuple(problems))
    home = env.get("HOME")
    if home:
        path = os.path.join(home, ".erlang.cookie")
        try:
            found = read_file(path)
        except CookieFileError as exc:
            problems.append(f"unable to read cookie from {path}: {exc}")
        else:
            if found:
                return ResolvedCookie(found, path, tuple(problems))
    problems.append(f"no cookie configured, using the default cookie {DEFAULT_COOKIE!r}")
    return ResolvedCookie(DEFAULT_COOKIE, "default", tuple(problems))
