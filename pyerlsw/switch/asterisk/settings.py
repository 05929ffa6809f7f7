"""Configuration of the Asterisk layer on a switch (:class:`AsteriskConfig`).

Every limit the interpreter enforces is here with a safe default. Paths that are not
absolute are taken under ``data_dir`` (the node's data directory); without a
``data_dir`` a relative AstDB path means an in-memory AstDB (it does not survive a
restart) and a relative spool directory disables the spooler.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pyerlsw.switch.causes import CAUSES

__all__ = ["AsteriskConfig"]


class AsteriskConfig(BaseModel):
    """What :func:`~pyerlsw.switch.asterisk.install.install_asterisk` needs.

    ``extensions_conf`` is the extensions.conf file (``#include`` resolves against its
    directory); ``extensions_text`` is used instead when no file is given (tests,
    embedded dialplans).
    """

    model_config = ConfigDict(extra="forbid")

    extensions_conf: str | None = Field(default=None, description="path of extensions.conf")
    extensions_text: str | None = Field(
        default=None, description="extensions.conf text (when no path is given)"
    )
    data_dir: str | None = Field(default=None, description="base of relative paths")
    astdb: str = Field(default="astdb.sqlite3", description="AstDB SQLite file or ':memory:'")
    astdb_synchronous: str = Field(default="NORMAL", description="SQLite synchronous mode")
    spool: bool = Field(default=True, description="watch the call-file spool directory")
    spool_dir: str = Field(default="spool/outgoing", description="call-file spool directory")
    spool_done_dir: str = Field(
        default="spool/outgoing_done", description="where 'Archive: yes' files go"
    )
    spool_interval: float = Field(default=1.0, gt=0.0, description="seconds between scans")
    spool_settle: float = Field(
        default=1.0, ge=0.0, description="seconds a file written in place must stay unchanged"
    )
    verbose: int = Field(default=5, ge=0, description="verbose lines above this are dropped")
    systemname: str = Field(default="", description="${SYSTEMNAME}")
    language: str = Field(default="en", description="default channel language")
    asterisk_channel_names: bool = Field(
        default=True,
        description="name Dial's outbound legs Tech/resource-%08x as Asterisk does",
    )
    max_steps: int = Field(
        default=1_000_000, ge=1, description="priorities one PBX run may execute"
    )
    max_hangup_steps: int = Field(
        default=10_000, ge=1, description="priorities of the h extension and handlers"
    )
    max_gosub_depth: int = Field(default=1_000, ge=1, description="nested Gosub frames")
    yield_every: int = Field(
        default=50, ge=1, description="priorities between forced yields to the event loop"
    )
    busy_indication_seconds: float = Field(
        default=10.0, ge=0.0, description="auto-fallthrough busy/congestion indication"
    )
    response_timeout: float = Field(
        default=10.0, ge=0.0, description="TIMEOUT(response) default (WaitExten)"
    )
    loopback_bowout_delay: float = Field(
        default=2.0, ge=0.0, description="seconds both loopback legs stay bridged before bow-out"
    )
    loopback_fire_bowout_on_bridge: bool = Field(
        default=False,
        description="fire loopback::direct events at a bridge bow-out (fire-bowout-on-bridge)",
    )
    loopback_bowout_controlled_hangup: bool = Field(
        default=False,
        description="hang both legs up right after a bridge bow-out (bowout-controlled-hangup)",
    )
    loopback_bowout_hangup_cause: str = Field(
        default="NORMAL_UNSPECIFIED",
        description="cause for legs hung up by a bow-out (bowout-hangup-cause)",
    )
    max_local_pairs: int = Field(default=10_000, ge=1, description="live Local pairs")
    local_optimization: Literal["bridge", "masquerade"] = Field(
        default="bridge",
        description="Local optimisation: 'bridge' (Asterisk 12+ bridge swap) or "
        "'masquerade' (Asterisk <= 11 check_bridge)",
    )

    @field_validator("loopback_bowout_hangup_cause")
    @classmethod
    def _known_cause(cls, value: str) -> str:
        text = value.strip().upper()
        if text.isdigit() or text in CAUSES:
            return text
        raise ValueError(f"unknown hangup cause {value!r}")

    def _under_data_dir(self, value: str) -> Path | None:
        path = Path(value).expanduser()
        if path.is_absolute():
            return path
        if self.data_dir is None:
            return None
        return Path(self.data_dir).expanduser() / path

    def astdb_path(self) -> str:
        """The AstDB file, or ``":memory:"``."""
        if self.astdb == ":memory:":
            return self.astdb
        path = self._under_data_dir(self.astdb)
        return ":memory:" if path is None else str(path)

    def spool_paths(self) -> tuple[Path, Path] | None:
        """``(outgoing, outgoing_done)``, or None when the spooler is off."""
        if not self.spool:
            return None
        outgoing = self._under_data_dir(self.spool_dir)
        done = self._under_data_dir(self.spool_done_dir)
        if outgoing is None or done is None:
            return None
        return outgoing, done
