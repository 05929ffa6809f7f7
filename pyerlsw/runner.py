"""``pyerlsw run``: a switch, a hidden node and mod_erlang_event, started from a
:class:`~pyerlsw.config.RunConfig` and stopped cleanly.

Start-up order: the switch (static XML, the Asterisk layer when ``extensions.conf``
exists), the node (listening, registered with EPMD), the gateway. Then one ready line on
standard output. Logs go to standard error in FreeSWITCH's console format. On SIGINT or
SIGTERM every call is hung up with SYSTEM_SHUTDOWN, the gateway closes its
connections, and the node leaves EPMD.

Everything that can fail at start-up raises :class:`~pyerlsw.config.StartupError`
naming the file or setting at fault, before the ready line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable, Mapping
from typing import IO, Any

from pyerlsw import __version__
from pyerlsw.config import (
    ACL_CONF,
    ERLANG_EVENT_CONF,
    RunConfig,
    StartupError,
    conf_tree,
)

__all__ = ["LOG_LEVELS", "Running", "serve", "start"]

log = logging.getLogger("pyerlsw")

#: FreeSWITCH console level names -> numeric levels (0 console ... 7 debug).
LOG_LEVELS: Mapping[str, int] = {
    "console": 0, "alert": 1, "crit": 2, "err": 3, "error": 3, "warning": 4,
    "notice": 5, "info": 6, "debug": 7,
}
_PY_LEVELS = {0: logging.CRITICAL, 1: logging.CRITICAL, 2: logging.CRITICAL,
              3: logging.ERROR, 4: logging.WARNING, 5: logging.INFO, 6: logging.INFO,
              7: logging.DEBUG}
_FS_NAMES = {logging.CRITICAL: "CRIT", logging.ERROR: "ERR", logging.WARNING: "WARNING",
             logging.INFO: "INFO", logging.DEBUG: "DEBUG"}


class _ConsoleFormatter(logging.Formatter):
    """Python log records in FreeSWITCH's console shape:
    ``2026-11-23 15:02:27.123456 [INFO] module.py:12 text``."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = self.formatTime(record, "%Y-%m-%d %H:%M:%S")
        micros = int((record.created % 1) * 1_000_000)
        level = _FS_NAMES.get(record.levelno, record.levelname)
        text = record.getMessage()
        if record.exc_info and record.levelno >= logging.ERROR:
            text += "\n" + self.formatException(record.exc_info)
        return f"{stamp}.{micros:06d} [{level}] {record.module}.py:{record.lineno} {text}"


def _level(name: str) -> int:
    key = name.strip().lower()
    if key.isdigit() and 0 <= int(key) <= 7:
        return int(key)
    if key not in LOG_LEVELS:
        raise StartupError("--log-level", f"unknown level {name!r} "
                           f"(one of {', '.join(LOG_LEVELS)} or 0-7)")
    return LOG_LEVELS[key]


def _configure_logging(level: int, stream: IO[str]) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_ConsoleFormatter())
    root = logging.getLogger("pyerlsw")
    root.addHandler(handler)
    root.setLevel(_PY_LEVELS[level])
    root.propagate = False
    return handler


def _xml_loader(cfg: RunConfig) -> Callable[[Mapping[str, str]], Any]:
    from pyerlsw.switch.xml.static import StaticXml

    label = str(cfg.conf_dir) if cfg.conf_dir else "embedded defaults"

    def load(variables: Mapping[str, str]) -> Any:
        return StaticXml.from_strings(conf_tree(cfg.conf_dir), variables=variables,
                                      label=label)

    return load


def _acl_registry(cfg: RunConfig) -> Any:
    from pyerlsw.gateway.acl import AclError
    from pyerlsw.gateway.service import load_acls

    path = cfg.conf_dir / ACL_CONF if cfg.conf_dir is not None else None
    if path is not None and not path.is_file():
        path = None
    try:
        registry = load_acls(path)
    except (AclError, OSError) as exc:
        raise StartupError(str(path), str(exc)) from None
    missing = [n for n in cfg.erlang_event.apply_inbound_acl
               if registry.get(n) is None and "/" not in n]
    if missing:
        raise StartupError(ERLANG_EVENT_CONF, f"apply-inbound-acl names unknown list(s): "
                           f"{', '.join(missing)}")
    return registry


def _install_asterisk(switch: Any, cfg: RunConfig) -> Any:
    """The Asterisk layer: the conf dir's ``extensions.conf``, else the embedded one
    (the seed documents' examples); AstDB and the call-file spool under ``data_dir``."""
    from importlib.resources import as_file, files

    from pyerlsw.switch.asterisk.astdb import AstDBError
    from pyerlsw.switch.asterisk.install import install_asterisk

    if cfg.extensions_conf is not None:
        source = str(cfg.extensions_conf)
    else:  # package data is a real file in every install pyerlsw supports (no zipapps)
        with as_file(files("pyerlsw.switch.asterisk").joinpath("defaults/extensions.conf")) as p:
            source = str(p)
    try:
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        return install_asterisk(switch, cfg.asterisk, extensions_conf=source,
                                data_dir=str(cfg.data_dir))
    except (AstDBError, OSError) as exc:
        raise StartupError(str(cfg.data_dir), f"Asterisk layer: {exc}") from None


def _check_cookie_files(cfg: RunConfig) -> None:
    """A configured ``cookie-file`` that cannot be used stops start-up (FreeSWITCH logs
    it and falls back to another cookie; see docs/compatibility.md)."""
    from pyerlsw.gateway.config import CookieFileError, read_cookie_file

    for source in cfg.erlang_event.cookie_sources:
        if source.kind != "cookie-file":
            continue
        try:
            read_cookie_file(source.value)
        except CookieFileError as exc:
            raise StartupError(f"{ERLANG_EVENT_CONF} cookie-file", str(exc)) from None


class Running:
    """A started switch + node + gateway; :meth:`stop` tears them down in order."""

    def __init__(self, cfg: RunConfig, switch: Any, node: Any, gateway: Any,
                 cookie_origin: str, *, asterisk: Any = None) -> None:
        self.cfg = cfg
        self.asterisk = asterisk
        self.switch = switch
        self.node = node
        self.gateway = gateway
        self.cookie_origin = cookie_origin
        self._log_task: asyncio.Task[None] | None = None

    def ready_line(self) -> str:
        ee = self.cfg.erlang_event
        conf = str(self.cfg.conf_dir) if self.cfg.conf_dir else "embedded defaults"
        port = getattr(self.node, "port", None) or ee.listen_port
        loop = type(asyncio.get_running_loop()).__module__.partition(".")[0]
        return (f"pyerlsw {__version__} ready: node {self.node.name} (hidden), "
                f"port {port}, cookie from {self.cookie_origin}, "
                f"encoding {ee.encoding.value}, conf {conf}, loop {loop}")

    def print_switch_logs(self, level: int, stream: IO[str]) -> None:
        logs = self.switch.subscribe_logs(level=level, name="console")

        async def pump() -> None:
            async for record in logs:
                stream.write(record.line_text().rstrip("\n") + "\n")
                stream.flush()

        self._log_task = asyncio.get_running_loop().create_task(pump(), name="console log")

    async def stop(self) -> None:
        """Hang up every call (SYSTEM_SHUTDOWN), close the gateway, leave EPMD."""
        from pyerlsw.switch.asterisk.install import uninstall_asterisk

        await self.switch.stop(cause="SYSTEM_SHUTDOWN")
        if self.asterisk is not None:
            uninstall_asterisk(self.asterisk)
        await self.gateway.close()
        await self.node.close()
        if self._log_task is not None:
            self._log_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._log_task


async def start(cfg: RunConfig, **node_options: Any) -> Running:
    """Start everything ``cfg`` describes; raises :class:`StartupError` on bad input.

    ``node_options`` go to :class:`~pyerlsw.node.NodeConfig` (e.g. ``epmd_port``).
    """
    from pyerlsw.gateway.config import resolve_cookie
    from pyerlsw.gateway.gateway import Gateway
    from pyerlsw.gateway.service import make_node, start_node
    from pyerlsw.switch import Switch
    from pyerlsw.switch.xml.errors import XmlError

    _check_cookie_files(cfg)
    acl = _acl_registry(cfg)
    try:
        switch = Switch(cfg.switch, xml_loader=_xml_loader(cfg))
    except XmlError as exc:
        raise StartupError(exc.source, str(exc)) from None
    asterisk = _install_asterisk(switch, cfg)
    cookie = resolve_cookie(cfg.erlang_event)
    origin = cookie.origin
    if cfg.cookie_from_flag:
        origin = "--cookie"
    elif origin == "cookie":
        origin = f"{ERLANG_EVENT_CONF} cookie param"
    await switch.start()
    node = make_node(cfg.erlang_event, **node_options)
    try:
        await start_node(node, cfg.erlang_event)
    except OSError as exc:
        await switch.stop()
        from pyerlsw.switch.asterisk.install import uninstall_asterisk

        uninstall_asterisk(asterisk)
        ee = cfg.erlang_event
        raise StartupError(
            f"{ERLANG_EVENT_CONF} listen-ip/listen-port",
            f"cannot listen on {ee.listen_ip}:{ee.listen_port}: {exc.strerror or exc}",
        ) from None
    gateway = Gateway(switch, node, cfg.erlang_event, acl=acl)
    await gateway.open()
    if cookie.origin == "default" and cfg.erlang_event.listen_ip in ("0.0.0.0", "::"):
        log.warning("using the well-known cookie ClueCon on all addresses; set a cookie "
                    "(--cookie, erlang_event.conf or ~/.erlang.cookie) or apply-inbound-acl")
    return Running(cfg, switch, node, gateway, origin, asterisk=asterisk)


async def serve(cfg: RunConfig, *, stdout: IO[str] | None = None,
                stderr: IO[str] | None = None, stop: asyncio.Event | None = None,
                on_started: Callable[[], None] | None = None,
                **node_options: Any) -> int:
    """``pyerlsw run``: start, call ``on_started`` (the command freezes the GC there),
    print the ready line, wait for SIGINT/SIGTERM (or ``stop``), stop cleanly. Returns
    the exit status (StartupError is raised)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    level = _level(cfg.log_level)
    handler = _configure_logging(level, err)
    try:
        running = await start(cfg, **node_options)
        running.print_switch_logs(level, err)
        if on_started is not None:
            on_started()
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        print(running.ready_line(), file=out, flush=True)
        await stop.wait()
        log.info("shutting down: hanging up calls with SYSTEM_SHUTDOWN")
        await running.stop()
        print("pyerlsw stopped", file=out, flush=True)
        return 0
    finally:
        logging.getLogger("pyerlsw").removeHandler(handler)
