from __future__ import annotations

import datetime as dt

from pyerlsw.switch.asterisk import logline
from pyerlsw.switch.asterisk.ami import ChannelSnapshot, format_event, hangup_handler_event
from pyerlsw.switch.asterisk.diagnostics import LogCollector
from pyerlsw.switch.asterisk.local import (
    LOCAL_SHOW_USAGE,
    local_bridge_fields,
    local_channel_names,
    local_show_channels,
    parse_local_resource,
)


def test_executing_lines() -> None:
    assert logline.executing(
        exten="201",
        context="devices",
        priority=2,
        app="Set",
        channel="Local/201@devices-00000000;2",
        data="DEVICE=SIP/0004f2040001",
    ) == (
        'Executing [201@devices:2] Set("Local/201@devices-00000000;2", '
        '"DEVICE=SIP/0004f2040001") in new stack'
    )
    line = logline.executing(
        exten="s", context="handler", priority=1, app="NoOp", channel="PJSIP/bob-00000002", data=""
    )
    assert line == 'Executing [s@handler:1] NoOp("PJSIP/bob-00000002", "") in new stack'
    assert logline.console_line(3, line).startswith("    -- Executing [s@handler:1]")


def test_verbose_prefixes() -> None:
    assert [logline.verbose_prefix(i) for i in range(6)] == [
        "",
        " ",
        "  == ",
        "    -- ",
        "       > ",
        "       > ",
    ]


def test_other_messages() -> None:
    assert (
        logline.spawn_exited_nonzero("devices", "201", 4, "Local/201@devices-ecf0;2")
        == "Spawn extension (devices, 201, 4) exited non-zero on 'Local/201@devices-ecf0;2'"
    )
    assert (
        logline.auto_fallthrough("X", None) == "Auto fallthrough, channel 'X' status is 'UNKNOWN'"
    )
    assert logline.auto_fallthrough("X", "BUSY") == "Auto fallthrough, channel 'X' status is 'BUSY'"
    assert logline.goto("c", "e", 3) == "Goto (c,e,3)"
    assert logline.gosub_start("PJSIP/alice-00000001", "hdlr1,s,1(args)") == (
        "PJSIP/alice-00000001 Internal Gosub(hdlr1,s,1(args)) start"
    )
    assert (
        logline.gosub_complete("C", "h,s,1", "") == "C Internal Gosub(h,s,1) complete GOSUB_RETVAL="
    )
    assert logline.gosub_abnormal_exit("C", "h,s,1") == (
        "C Abnormal 'Gosub(h,s,1)' exit.  Popping routine return locations."
    )
    assert logline.invalid_extension("C", "c", "99", 1) == (
        "Channel 'C' sent to invalid extension: context,exten,priority=c,99,1"
    )


def test_log_file_lines() -> None:
    moment = dt.datetime(2024, 3, 1, 13, 35, 23)
    assert logline.log_date(moment) == "Mar  1 13:35:23"
    msg = 'Executing [s@c:1] NoOp("X", "") in new stack'
    assert logline.log_file_line(moment, "VERBOSE", msg, lwp=16814, callid=1) == (
        f"[Mar  1 13:35:23] VERBOSE[16814][C-00000001] pbx.c: {msg}"
    )
    assert logline.log_file_line(
        moment, "VERBOSE", msg, lwp=16814, callid=1, verbose_level=3
    ).endswith(f"pbx.c:     -- {msg}")


def test_local_resources() -> None:
    t = parse_local_resource("201@devices/n")
    assert (t.exten, t.context, t.no_optimize) == ("201", "devices", True)
    t = parse_local_resource("201")
    assert (t.context, t.has_context) == ("default", False)
    t = parse_local_resource("a/b@ctx/nmj")
    assert (t.exten, t.context, t.jitterbuffer, t.moh_passthrough) == ("a/b", "ctx", True, True)
    legacy = parse_local_resource("a@ctx/n/x", legacy=True)
    assert (legacy.exten, legacy.no_optimize) == ("a", True)
    log = LogCollector()
    assert not parse_local_resource("1@c/j", log=log).jitterbuffer
    assert log.messages() == [
        "You must use the 'n' option with the 'j' option to enable the jitter buffer"
    ]
    assert not parse_local_resource("1@c/b").bridged_channel  # ignored in 12+


def test_local_names_and_cli() -> None:
    assert local_channel_names("dial_bar", "default", 0) == (
        "Local/dial_bar@default-00000000;1",
        "Local/dial_bar@default-00000000;2",
    )
    assert local_channel_names("201", "devices", 0x1F)[1] == "Local/201@devices-0000001f;2"
    assert local_show_channels(["show", "channels"], []) == "No local channels in use\n"
    assert (
        local_show_channels(
            ["show", "channels"],
            [("Local/201@devices-00000000;1", "201", "devices"), (None, "x", "y")],
        )
        == "Local/201@devices-00000000;1 -- 201@devices\n<unowned> -- x@y\n"
    )
    assert local_show_channels(["show"], []) == LOCAL_SHOW_USAGE


def test_ami_events() -> None:
    snap = ChannelSnapshot(
        name="PJSIP/alice-00000001",
        state=6,
        caller_num="1001",
        caller_name="Alice",
        context="default",
        exten="s",
        priority=2,
        uniqueid="1700000000.1",
        linkedid="1700000000.1",
    )
    text = format_event(
        "HangupHandlerPush", "dialplan", hangup_handler_event("Push", snap, "h,s,1")
    )
    assert text == (
        "Event: HangupHandlerPush\r\nPrivilege: dialplan,all\r\n"
        "Channel: PJSIP/alice-00000001\r\nChannelState: 6\r\nChannelStateDesc: Up\r\n"
        "CallerIDNum: 1001\r\nCallerIDName: Alice\r\nConnectedLineNum: <unknown>\r\n"
        "ConnectedLineName: <unknown>\r\nLanguage: en\r\nAccountCode: \r\nContext: default\r\n"
        "Exten: s\r\nPriority: 2\r\nUniqueid: 1700000000.1\r\nLinkedid: 1700000000.1\r\n"
        "Handler: h,s,1\r\n\r\n"
    )
    one = ChannelSnapshot(name="Local/dial_bar@default-00000000;1", state=0)
    two = ChannelSnapshot(name="Local/dial_bar@default-00000000;2", state=4)
    fields = dict(local_bridge_fields(one, two, context="default", exten="dial_bar", optimize=True))
    assert fields["LocalOneChannelStateDesc"] == "Down"
    assert fields["LocalTwoChannelStateDesc"] == "Ring"
    assert fields["LocalOptimization"] == "Yes"
