"""The `erlang` console command (§12)."""

from __future__ import annotations

import pytest

from pyerlsw.gateway.console import (
    USAGE,
    BindingReport,
    ConsoleSnapshot,
    ListenerReport,
    SessionReport,
    erlang_command,
)
from pyerlsw.gateway.eventnames import EVENT_TYPES
from pyerlsw.gateway.subscriptions import EventSubscription
from pyerlsw.gateway.xmlsections import XmlSection

EMPTY = ConsoleSnapshot()
SUB = EventSubscription()
SUB.subscribe(["CHANNEL_HANGUP", "API", "CHANNEL_CREATE", "CUSTOM", "sofia::register", "a::b"])
SNAPSHOT = ConsoleSnapshot(
    listeners=[
        ListenerReport(
            "erl@host",
            sessions=[SessionReport("u1", "CS_EXECUTE"), SessionReport("u2")],
            events_sent=120,
            events_lost=3,
            logs_sent=7,
            logs_lost=0,
            creates=2,
            hangups=1,
            event_types=SUB.subscribed_types(),
            subclasses=SUB.subclasses,
        ),
        ListenerReport("other@host"),
    ],
    bindings=[
        BindingReport("erl@host", XmlSection.DIALPLAN),
        BindingReport("erl@host", XmlSection.CONFIG),
        BindingReport("x@y", XmlSection.LANGUAGES),
        BindingReport("x@y", XmlSection.CHANNELS),
        BindingReport("x@y", XmlSection.CONFIG | XmlSection.DIALPLAN),
        BindingReport("x@y", XmlSection.DIRECTORY),
        BindingReport("x@y", XmlSection.CHATPLAN),
    ],
)


def run(text: str, snapshot: ConsoleSnapshot = SNAPSHOT) -> str:
    return erlang_command(text, snapshot).output


def test_usage():
    assert USAGE == (
        "USAGE:\n" + "-" * 80 + "\nerlang listeners\nerlang sessions <node_name>\n"
        "erlang bindings\nerlang handlers\nerlang debug <on|off>\n" + "-" * 80 + "\n"
    )
    for text in ("", "   ", "bogus", "sessions", "sessions a b", "listener"):
        assert run(text) == USAGE


def test_listeners():
    assert run("listeners") == (
        "Listener to erl@host with outbound sessions: 2 events: 120 (lost:3) logs: 7 (lost:0) 2/1\n"
        "Listener to other@host with outbound sessions: 0 events: 0 (lost:0) logs: 0 (lost:0) 0/0\n"
    )
    assert run("LISTENERS", EMPTY) == "No active listeners\n"


def test_sessions():
    assert run("sessions ERL@HOST") == (
        "Outbound session for u1 in state CS_EXECUTE\nOutbound session for u2 in state CS_NEW\n"
    )
    assert run("sessions other@host") == "No active sessions for other@host\n"
    assert run("Sessions nobody@host") == "Could not find a listener for nobody@host\n"


def test_handlers():
    assert run("handlers") == (
        "Listener erl@host:\n" + "-" * 32 + "\n"
        "CHANNEL_CREATE\nCHANNEL_HANGUP\nAPI\nCUSTOM:\n\tsofia::register\n\ta::b\n\n"
        "Listener other@host:\n" + "-" * 32 + "\nCUSTOM:\n\n"
    )
    assert run("handlers", EMPTY) == "No active handlers\n"


def test_handlers_with_all_lists_every_type_but_custom_and_all():
    everything = EventSubscription()
    everything.subscribe(["ALL"])
    snapshot = ConsoleSnapshot([ListenerReport("n", event_types=everything.subscribed_types())])
    lines = run("handlers", snapshot).splitlines()
    assert lines[2] == "CLONE"
    assert lines[-3:] == ["CERT_RELOAD", "CUSTOM:", ""]
    assert "CUSTOM" not in lines and "ALL" not in lines
    assert len(lines) == 2 + (len(EVENT_TYPES) - 2) + 2


def test_bindings():
    assert run("bindings") == (
        "erl@host dialplan\nerl@host config\nx@y phrases\nx@y unknown 32\nx@y unknown 5\n"
        "x@y directory\nx@y chatplan\n"
    )
    assert run("bindings", EMPTY) == "No bindings\n"


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        ("debug on", False, True),
        ("debug ON", False, True),
        ("debug off", True, False),
        ("debug maybe", True, False),
        ("debug", True, True),
        ("debug", False, False),
        ("debug on extra", False, False),
    ],
)
def test_debug(text, before, after):
    result = erlang_command(text, ConsoleSnapshot(debug=before))
    assert result.debug is after
    assert result.output == f"+OK debug {'on' if after else 'off'}\n"
