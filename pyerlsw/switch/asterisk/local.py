"""Local channels: the pure parts (``asterisk_local_channels.md``).

* :func:`parse_local_resource` splits ``exten[@context][/options]`` (Asterisk 12+:
  options after the **last** ``/``; ``legacy=True`` for <= 11: after the first);
  no ``@`` means context ``default``;
* :func:`local_channel_names` builds ``Local/exten@context-%08x;1`` and ``;2``;
* :func:`local_show_channels` is the ``local show channels`` CLI output;
* :func:`local_bridge_fields` and friends build the AMI event bodies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyerlsw.switch.asterisk.ami import ChannelSnapshot, snapshot_block
from pyerlsw.switch.asterisk.diagnostics import ERROR, LogRecord, LogSink, null_sink

__all__ = [
    "LOCAL_SHOW_USAGE",
    "LocalTarget",
    "local_bridge_fields",
    "local_channel_names",
    "local_optimization_begin_fields",
    "local_optimization_end_fields",
    "local_show_channels",
    "parse_local_resource",
]

LOCAL_SHOW_USAGE = (
    "Usage: local show channels\n"
    "       Provides summary information on active local proxy channels.\n"
)


@dataclass(frozen=True, slots=True)
class LocalTarget:
    """A parsed Local resource. ``jitterbuffer`` is only effective with ``no_optimize``;
    ``bridged_channel`` (``/b``) is ignored from Asterisk 12 on."""

    exten: str
    context: str
    no_optimize: bool = False
    jitterbuffer: bool = False
    moh_passthrough: bool = False
    bridged_channel: bool = False
    has_context: bool = True


def parse_local_resource(
    resource: str, *, legacy: bool = False, log: LogSink = null_sink
) -> LocalTarget:
    """Parse what follows ``Local/`` in a dial string."""
    cut = resource.find("/") if legacy else resource.rfind("/")
    options = ""
    if cut >= 0:
        resource, options = resource[:cut], resource[cut + 1 :]
    exten, at, context = resource.partition("@")
    no_optimize = "n" in options
    jitter = "j" in options
    if jitter and not no_optimize:
        log(
            LogRecord(
                ERROR,
                "You must use the 'n' option with the 'j' option to enable the jitter buffer",
            )
        )
        jitter = False
    return LocalTarget(
        exten=exten,
        context=context if at else "default",
        no_optimize=no_optimize,
        jitterbuffer=jitter,
        moh_passthrough="m" in options,
        bridged_channel="b" in options and legacy,
        has_context=bool(at),
    )


def local_channel_names(exten: str, context: str, counter: int) -> tuple[str, str]:
    """``(";1" name, ";2" name)`` for the pair numbered ``counter`` (a process-wide
    counter shared by all unreal channels in Asterisk; per switch here)."""
    base = f"Local/{exten}@{context}-{counter & 0xFFFFFFFF:08x}"
    return f"{base};1", f"{base};2"


def local_show_channels(args: Sequence[str], pairs: Iterable[tuple[str | None, str, str]]) -> str:
    """``local show channels``: ``args`` are the words after ``local``; ``pairs`` are
    ``(;1 name or None when gone, exten, context)`` in creation order."""
    if len(args) != 2 or [a.lower() for a in args] != ["show", "channels"]:
        return LOCAL_SHOW_USAGE
    lines = [f"{owner or '<unowned>'} -- {exten}@{context}\n" for owner, exten, context in pairs]
    return "".join(lines) if lines else "No local channels in use\n"


def local_bridge_fields(
    one: ChannelSnapshot, two: ChannelSnapshot, *, context: str, exten: str, optimize: bool
) -> list[tuple[str, str]]:
    """Body of ``LocalBridge`` (class ``call``)."""
    return [
        *snapshot_block(one, "LocalOne"),
        *snapshot_block(two, "LocalTwo"),
        ("Context", context),
        ("Exten", exten),
        ("LocalOptimization", "Yes" if optimize else "No"),
    ]


def local_optimization_begin_fields(
    one: ChannelSnapshot,
    two: ChannelSnapshot,
    *,
    dest_uniqueid: str,
    attempt_id: int,
    source: ChannelSnapshot | None = None,
) -> list[tuple[str, str]]:
    """Body of ``LocalOptimizationBegin``; ``source`` only for a swap."""
    fields = [*snapshot_block(one, "LocalOne"), *snapshot_block(two, "LocalTwo")]
    if source is not None:
        fields += snapshot_block(source, "Source")
    return [*fields, ("DestUniqueId", dest_uniqueid), ("Id", str(attempt_id))]


def local_optimization_end_fields(
    one: ChannelSnapshot, two: ChannelSnapshot, *, success: bool, attempt_id: int
) -> list[tuple[str, str]]:
    """Body of ``LocalOptimizationEnd``. Pass ``success`` as Asterisk computes it (for a
    swap that is ``res == 1``, i.e. inverted; see the spec)."""
    return [
        *snapshot_block(one, "LocalOne"),
        *snapshot_block(two, "LocalTwo"),
        ("Success", "Yes" if success else "No"),
        ("Id", str(attempt_id)),
    ]
