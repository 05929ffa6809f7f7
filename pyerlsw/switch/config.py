"""Configuration of a :class:`~pyerlsw.switch.Switch` (a pydantic model).

Every limit the core enforces is here, with a safe default. Nothing is read from the
environment or the file system implicitly: build a :class:`SwitchConfig` (or pass the
fields as keyword arguments to ``Switch``) and everything else follows from it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pyerlsw.switch.dtmf import invalid_chars

__all__ = ["DEFAULT_TECHNOLOGIES", "SwitchConfig", "check_device_variables"]

#: Technologies that reach simulated devices unless configured otherwise, so dialplans
#: written for FreeSWITCH (``sofia/``, ``user/``) or Asterisk (``SIP/``, ``PJSIP/``,
#: ``IAX2/``, ``DAHDI/``) run unchanged.
DEFAULT_TECHNOLOGIES: dict[str, str] = {
    "sim": "sim",
    "sofia": "sim",
    "user": "sim",
    "sip": "sim",
    "pjsip": "sim",
    "iax2": "sim",
    "dahdi": "sim",
    "error": "error",
}


_SIM_SECONDS = ("sim_dtmf_after",)


def check_device_variables(variables: dict[str, str]) -> str:
    """What is wrong with a sim device's DTMF settings ("" when nothing):
    ``sim_dtmf_after`` must be a non-negative number, ``sim_dtmf`` a digit string."""
    for key in _SIM_SECONDS:
        value = variables.get(key)
        if value is None or not value.strip():
            continue
        try:
            seconds = float(value)
        except ValueError:
            return f"{key} must be a number of seconds, not {value!r}"
        if not seconds >= 0:  # negative or NaN
            return f"{key} must not be negative ({value!r})"
    digits = variables.get("sim_dtmf")
    if digits is not None:
        bad = invalid_chars(digits)
        if bad:
            return f"sim_dtmf {digits!r}: not DTMF: {bad!r} (use 0-9 A-D * # w W + @ms)"
    return ""


class SwitchConfig(BaseModel):
    """Everything a switch needs to know at start-up.

    Identity (``hostname`` ... ``version``) feeds the standard event headers and the
    ``status``/``version`` commands. ``clock`` chooses real time or the virtual clock
    (see :mod:`pyerlsw.switch.clock`). ``devices`` gives per-device channel variables
    for sim endpoints (``{"alice": {"sim_answer_after": "2"}}``); ``technologies`` maps a
    dial-string technology (case-insensitive) to the endpoint that serves it.
    """

    model_config = ConfigDict(extra="forbid")

    hostname: str = "pyerlsw"
    switchname: str | None = None
    core_uuid: str | None = None
    ipv4: str = "127.0.0.1"
    ipv6: str = "::1"
    version: str = "1.10.12"
    version_full: str | None = None
    version_human: str = "-release 64bit"

    clock: Literal["real", "virtual"] = "real"
    virtual_start: float | None = Field(
        default=None, description="epoch seconds the virtual clock starts at (None: now)"
    )
    virtual_autojump_threshold: float = Field(
        default=0.0,
        ge=0.0,
        description="real seconds the loop must stay idle before virtual time jumps "
        "(0: jump as soon as every task is waiting)",
    )

    event_queue_size: int = Field(default=10_000, ge=1, description="per-consumer events")
    log_queue_size: int = Field(default=10_000, ge=1, description="per-consumer log records")
    log_level: int = Field(default=7, ge=0, le=7, description="records above are dropped")
    message_queue_size: int = Field(
        default=1_000, ge=1, description="queued sendmsg commands per channel"
    )
    dtmf_queue_size: int = Field(
        default=1_000, ge=1, description="received DTMF digits queued per channel"
    )
    max_sessions: int = Field(default=10_000, ge=1)
    sessions_per_second: int = Field(default=30, ge=1, description="reported only")
    max_transfers: int = Field(
        default=100, ge=1, description="transfers per channel before it is hung up (loops)"
    )
    max_app_loops: int = Field(
        default=10_000, ge=1, description="cap on sendmsg 'loops' (negative = this many)"
    )
    soft_lock_timeout: float = Field(
        default=5.0, ge=0.0, description="how long channel destruction waits for soft locks"
    )
    hangup_hook_timeout: float = Field(
        default=30.0, ge=0.0, description="how long a hangup hook may run"
    )
    heartbeat_interval: float | None = Field(
        default=20.0, description="seconds between HEARTBEAT events (None: off)"
    )
    originate_timeout: float = Field(default=60.0, gt=0.0)
    playback_seconds: float = Field(
        default=1.0, ge=0.0, description="simulated length of a played file"
    )
    file_seconds: dict[str, float] = Field(
        default_factory=dict, description="simulated length per file path"
    )

    devices: dict[str, dict[str, str]] = Field(default_factory=dict)

    @field_validator("devices")
    @classmethod
    def _check_devices(cls, devices: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        """Sim-device settings that would otherwise only fail at call time."""
        for name, variables in devices.items():
            problem = check_device_variables(variables)
            if problem:
                raise ValueError(f"device {name!r}: {problem}")
        return devices

    technologies: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_TECHNOLOGIES))
    global_variables: dict[str, str] = Field(default_factory=dict)
    default_dialplan: str = "XML"
    default_context: str = "default"
    xml_conf_dir: str | None = Field(
        default=None, description="directory of static FreeSWITCH XML (freeswitch.xml)"
    )

    @property
    def effective_switchname(self) -> str:
        return self.switchname or self.hostname

    @property
    def effective_version_full(self) -> str:
        return self.version_full or f"{self.version}-release~64bit"
