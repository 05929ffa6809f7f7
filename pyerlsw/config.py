"""What ``pyerlsw run`` starts from: a FreeSWITCH-style conf directory plus flags.

``--conf DIR`` names a directory in the shape of FreeSWITCH's conf tree. Every file is
optional; whatever is missing comes from the embedded defaults:

==========================================  ================================================
``autoload_configs/erlang_event.conf.xml``  mod_erlang_event settings (node name, cookie,
                                            port, encoding, ACLs, queue bounds)
``autoload_configs/acl.conf.xml``           ACL lists for ``apply-inbound-acl``
``autoload_configs/*.xml``                  other configuration sections (per file)
``vars.xml``                                pre-process variables (``$${var}``)
``dialplan/**/*.xml``                       the XML dialplan (replaces the embedded one
                                            when the folder holds any XML file)
``directory/**/*.xml``                      the user directory (same rule)
``freeswitch.xml``                          a whole document: then only it is read
``extensions.conf``                         the Asterisk dialplan (engine ``asterisk``)
``pyerlsw.toml``                            what only pyerlsw has (see ``docs/configuration.md``)
==========================================  ================================================

Command-line flags override the files. :func:`load_run_config` never starts anything:
it reads, validates and returns a :class:`RunConfig`, or raises :class:`StartupError`
naming the file and the problem.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pyerlsw.gateway.config import ConfigError, CookieSource, ErlangEventConfig, parse_config
from pyerlsw.runtime import RuntimeSettings
from pyerlsw.switch.asterisk.settings import AsteriskConfig
from pyerlsw.switch.config import SwitchConfig

__all__ = [
    "CliOverrides",
    "PyerlswToml",
    "RunConfig",
    "StartupError",
    "conf_tree",
    "load_run_config",
]

ERLANG_EVENT_CONF = "autoload_configs/erlang_event.conf.xml"
ACL_CONF = "autoload_configs/acl.conf.xml"
EXTENSIONS_CONF = "extensions.conf"
PYERLSW_TOML = "pyerlsw.toml"
_WHOLE_FOLDERS = ("dialplan", "directory")
MAX_CONF_FILE_BYTES = 16 * 1024 * 1024


class StartupError(Exception):
    """Start-up cannot go on: ``source`` (a file or flag) has ``problem``."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class PyerlswToml(BaseModel):
    """The whole of ``pyerlsw.toml``.

    ``[switch]`` takes any :class:`~pyerlsw.switch.config.SwitchConfig` field
    (``hostname``, ``clock``, ``devices``, ``technologies``, ``global_variables`` ...);
    ``[devices.NAME]`` is a shortcut for ``switch.devices``; ``[asterisk]`` takes any
    :class:`~pyerlsw.switch.asterisk.settings.AsteriskConfig` field (AstDB file, spool
    directories, limits); ``data_dir`` holds AstDB and the spool (default
    ``$XDG_DATA_HOME/pyerlsw`` or ``~/.local/share/pyerlsw``); ``[runtime]`` takes
    :class:`~pyerlsw.runtime.RuntimeSettings` (event loop, GC tuning).
    """

    model_config = ConfigDict(extra="forbid")

    data_dir: str | None = None
    log_level: str | None = None
    switch: dict[str, Any] = Field(default_factory=dict)
    devices: dict[str, dict[str, str]] = Field(default_factory=dict)
    asterisk: AsteriskConfig = Field(default_factory=AsteriskConfig)
    runtime: RuntimeSettings = Field(default_factory=RuntimeSettings)


@dataclass(frozen=True)
class CliOverrides:
    """Flags of ``pyerlsw run``; None means "not given"."""

    name: str | None = None
    sname: str | None = None
    cookie: str | None = None
    listen_ip: str | None = None
    listen_port: int | None = None
    encoding: str | None = None
    log_level: str | None = None
    clock: Literal["real", "virtual"] | None = None
    event_loop: Literal["auto", "uvloop", "asyncio"] | None = None


@dataclass(frozen=True)
class RunConfig:
    """Everything needed to start a node, a switch and the gateway."""

    conf_dir: Path | None
    erlang_event: ErlangEventConfig
    switch: SwitchConfig
    conf_files: Mapping[str, bytes]
    """The merged FreeSWITCH XML tree (relative path -> bytes), defaults included."""
    extensions_conf: Path | None
    asterisk: AsteriskConfig
    data_dir: Path
    log_level: str = "info"
    cookie_from_flag: bool = False
    sources: Mapping[str, str] = field(default_factory=dict)
    """Where each part came from (for the ready line and ``--check``)."""
    runtime: RuntimeSettings = field(default_factory=RuntimeSettings)
    """Event loop and GC tuning (``[runtime]`` of ``pyerlsw.toml``, ``--loop``)."""


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_CONF_FILE_BYTES:
            raise StartupError(str(path), f"file too large ({size} bytes)")
        return path.read_bytes()
    except OSError as exc:
        raise StartupError(str(path), exc.strerror or str(exc)) from None


def _walk(root: Traversable, prefix: str = "") -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        rel = f"{prefix}{entry.name}"
        if entry.is_dir():
            found.update(_walk(entry, rel + "/"))
        elif entry.name.endswith(".xml"):
            found[rel] = entry.read_bytes()
    return found


def conf_tree(conf_dir: Path | None) -> dict[str, bytes]:
    """The XML conf tree to load: the embedded defaults overlaid with ``conf_dir``.

    A folder in ``_WHOLE_FOLDERS`` that holds any XML file in ``conf_dir`` replaces
    the embedded folder entirely (a user's dialplan is not merged with ours); every
    other file replaces its embedded namesake or is added. A ``freeswitch.xml`` in
    ``conf_dir`` means the directory is taken alone, as FreeSWITCH would.
    """
    defaults = _walk(files("pyerlsw.switch.xml").joinpath("defaults"))
    if conf_dir is None:
        return defaults
    if (conf_dir / "freeswitch.xml").is_file():
        return {rel: _read(conf_dir / rel) for rel in _walk(conf_dir)}
    user = {rel: _read(conf_dir / rel) for rel in _walk(conf_dir)}
    merged = dict(defaults)
    for folder in _WHOLE_FOLDERS:
        if any(rel.startswith(folder + "/") for rel in user):
            merged = {rel: data for rel, data in merged.items()
                      if not rel.startswith(folder + "/")}
    merged.update(user)
    return merged


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share")
    return Path(base) / "pyerlsw"


def _load_toml(conf_dir: Path | None) -> tuple[PyerlswToml, str]:
    if conf_dir is None or not (conf_dir / PYERLSW_TOML).is_file():
        return PyerlswToml(), "embedded default"
    path = conf_dir / PYERLSW_TOML
    try:
        raw = tomllib.loads(_read(path).decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise StartupError(str(path), f"does not parse: {exc}") from None
    try:
        return PyerlswToml.model_validate(raw), str(path)
    except ValidationError as exc:
        raise StartupError(str(path), _first_error(exc)) from None


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg"))


def _erlang_event(
    conf_dir: Path | None, tree: Mapping[str, bytes]
) -> tuple[ErlangEventConfig, str]:
    user_file = conf_dir / ERLANG_EVENT_CONF if conf_dir else None
    if user_file is not None and user_file.is_file():
        source = str(user_file)
    else:
        source = f"embedded {ERLANG_EVENT_CONF}"
    data = tree.get(ERLANG_EVENT_CONF)
    if data is None:
        return ErlangEventConfig.model_validate({}), "built-in defaults"
    try:
        return parse_config(data, source), source
    except ConfigError as exc:
        raise StartupError(source, str(exc)) from None


def _apply_overrides(config: ErlangEventConfig, flags: CliOverrides) -> ErlangEventConfig:
    updates: dict[str, Any] = {}
    if flags.name and flags.sname:
        raise StartupError("--name/--sname", "give only one of --name and --sname")
    if flags.name:
        if "@" not in flags.name:
            raise StartupError("--name", f"{flags.name!r} is not a full node name (alive@host)")
        updates["nodename"] = flags.name
        updates["shortname"] = False
    elif flags.sname:
        updates["nodename"] = flags.sname
        updates["shortname"] = True
    if flags.listen_ip is not None:
        updates["listen-ip"] = flags.listen_ip
    if flags.listen_port is not None:
        updates["listen-port"] = flags.listen_port
    if flags.encoding is not None:
        updates["encoding"] = flags.encoding
    if flags.cookie is not None:
        if not flags.cookie:
            raise StartupError("--cookie", "the cookie is empty")
        # Last in document order wins, so a flag beats every cookie/cookie-file param.
        updates["cookie_sources"] = (
            *config.cookie_sources, CookieSource(kind="cookie", value=flags.cookie))
    if not updates:
        return config
    data = config.model_dump(by_alias=True)
    data.update(updates)
    try:
        return ErlangEventConfig.model_validate(data)
    except ValidationError as exc:
        flag = "--" + str(exc.errors()[0].get("loc", ("option",))[0]).replace("_", "-")
        raise StartupError(flag, _first_error(exc)) from None


def load_run_config(conf_dir: str | Path | None, flags: CliOverrides | None = None) -> RunConfig:
    """Read ``conf_dir`` (None: embedded defaults only), apply ``flags``, validate.

    Raises :class:`StartupError` naming the file (or flag) and the problem.
    """
    flags = flags or CliOverrides()
    root: Path | None = None
    if conf_dir is not None:
        root = Path(conf_dir).expanduser()
        if not root.is_dir():
            raise StartupError(str(root), "conf directory does not exist")
    settings, toml_source = _load_toml(root)
    tree = conf_tree(root)
    erlang_event, ee_source = _erlang_event(root, tree)
    erlang_event = _apply_overrides(erlang_event, flags)

    switch_fields = dict(settings.switch)
    if settings.devices:
        devices = dict(switch_fields.get("devices", {}))
        devices.update(settings.devices)
        switch_fields["devices"] = devices
    if flags.clock is not None:
        switch_fields["clock"] = flags.clock
    try:
        switch = SwitchConfig.model_validate(switch_fields)
    except ValidationError as exc:
        raise StartupError(f"{toml_source} [switch]", _first_error(exc)) from None

    acl_path = root / ACL_CONF if root else None
    ext_path = root / EXTENSIONS_CONF if root else None
    data_dir = Path(settings.data_dir).expanduser() if settings.data_dir else _default_data_dir()
    if root is not None and settings.data_dir and not Path(settings.data_dir).is_absolute():
        data_dir = (root / settings.data_dir).resolve()
    log_level = (flags.log_level or settings.log_level or "info").lower()
    runtime = settings.runtime
    if flags.event_loop is not None:
        runtime = runtime.model_copy(update={"event_loop": flags.event_loop})
    return RunConfig(
        conf_dir=root,
        erlang_event=erlang_event,
        switch=switch,
        conf_files=tree,
        extensions_conf=ext_path if ext_path is not None and ext_path.is_file() else None,
        asterisk=settings.asterisk,
        data_dir=data_dir,
        log_level=log_level,
        cookie_from_flag=flags.cookie is not None,
        runtime=runtime,
        sources={
            "pyerlsw.toml": toml_source,
            "erlang_event": ee_source,
            "acl": str(acl_path) if acl_path is not None and acl_path.is_file()
            else "built-in lists",
            "extensions.conf": str(ext_path) if ext_path is not None and ext_path.is_file()
            else "none",
        },
    )
