"""Subscriptions and delivery decisions (§4.1, §4.4-4.9, §5.2, §6, §7)."""

from __future__ import annotations

import pytest

from pyerlsw.gateway.eventnames import EVENT_TYPES, lookup_event_type
from pyerlsw.gateway.eventterm import PreparedEvent
from pyerlsw.gateway.replies import (
    ERROR_BADARG,
    ERROR_NOTLISTENING,
    OK,
    FilterAdded,
    filter_reply,
)
from pyerlsw.gateway.subscriptions import (
    CallEvents,
    ConnectionEvents,
    ConnectionLogs,
    EventSubscription,
)
from pyerlsw.gateway.text import Encoding

ALL_TYPES = EVENT_TYPES[:-1]


def ev(name: str, subclass: str | None = None, **headers: str) -> PreparedEvent:
    pairs = [("Event-Name", name)]
    if subclass is not None:
        pairs.append(("Event-Subclass", subclass))
    pairs += [(k.replace("_", "-"), v) for k, v in headers.items()]
    return PreparedEvent(pairs)


def wants(sub: EventSubscription, name: str, subclass: str | None = None) -> bool:
    return sub.wants(name, subclass)


# ---------------------------------------------------------------- name lookup


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("CHANNEL_CREATE", "CHANNEL_CREATE"),
        ("channel_create", "CHANNEL_CREATE"),
        ("SWITCH_EVENT_CHANNEL_CREATE", "CHANNEL_CREATE"),
        ("XXXXXXXXXXXXXapi", "API"),
        ("all", "ALL"),
        ("Custom", "CUSTOM"),
        ("CHANNEL_CREATEX", None),
        ("MEßAGE", None),
        ("", None),
    ],
)
def test_lookup(name, canonical):
    assert lookup_event_type(name) == canonical


# ---------------------------------------------------------------- event / nixevent / setevent


def test_event_accumulates_and_custom_swallows_names():
    sub = EventSubscription()
    sub.subscribe(["CHANNEL_ANSWER", "CUSTOM", "sofia::register", "CHANNEL_CREATE"])
    assert sub.subscribed_types() == ("CUSTOM", "CHANNEL_ANSWER")
    assert sub.subclasses == ("sofia::register", "CHANNEL_CREATE")
    sub.subscribe(["heartbeat", "nonsense"])
    assert sub.subscribed_types() == ("CUSTOM", "CHANNEL_ANSWER", "HEARTBEAT")
    assert wants(sub, "CHANNEL_ANSWER")
    assert not wants(sub, "CHANNEL_CREATE")
    assert wants(sub, "CUSTOM", "sofia::register")
    assert not wants(sub, "CUSTOM", "sofia::expire")
    assert not wants(sub, "CUSTOM", "Sofia::Register")  # subclasses are case-sensitive
    assert wants(sub, "CUSTOM", None)  # a CUSTOM event without subclass


def test_custom_bit_alone_only_gets_subclassless_custom_events():
    sub = EventSubscription()
    sub.subscribe(["CUSTOM"])
    assert wants(sub, "CUSTOM")
    assert not wants(sub, "CUSTOM", "conference::maintenance")


def test_all_means_everything():
    sub = EventSubscription()
    sub.subscribe(["ALL"])
    assert sub.all_set
    assert all(wants(sub, name) for name in ALL_TYPES)
    assert wants(sub, "CUSTOM", "any::thing")
    assert sub.subscribed_types() == EVENT_TYPES


def test_nixevent():
    sub = EventSubscription()
    sub.subscribe(["ALL"])
    sub.unsubscribe(["CHANNEL_CREATE"])  # ALL is expanded, then the bit cleared
    assert not sub.all_set
    assert not wants(sub, "CHANNEL_CREATE")
    assert wants(sub, "CHANNEL_ANSWER")
    assert not wants(sub, "CUSTOM", "x::y")  # ALL no longer covers subclasses
    assert wants(sub, "CUSTOM")

    sub = EventSubscription()
    sub.subscribe(["CUSTOM", "a::b", "c::d"])
    sub.unsubscribe(["CUSTOM", "a::b", "zz"])  # the CUSTOM bit stays
    assert sub.subscribed_types() == ("CUSTOM",)
    assert sub.subclasses == ("c::d",)

    sub.subscribe(["API"])
    sub.unsubscribe(["ALL"])  # every bit cleared, subclasses untouched
    assert sub.subscribed_types() == ()
    assert sub.subclasses == ("c::d",)


def test_setevent_replaces():
    sub = EventSubscription()
    sub.subscribe(["API", "CUSTOM", "old::sub"])
    assert sub.replace(["DTMF", "CUSTOM", "new::sub"])
    assert sub.subscribed_types() == ("CUSTOM", "DTMF")
    assert sub.subclasses == ("new::sub",)


def test_setevent_with_all_installs_the_partial_set():
    sub = EventSubscription()
    sub.subscribe(["API"])
    assert not sub.replace(["DTMF", "ALL", "HEARTBEAT"])
    assert sub.subscribed_types() == ("DTMF",)
    # after CUSTOM, ALL is just a subclass name
    assert sub.replace(["CUSTOM", "ALL"])
    assert sub.subclasses == ("ALL",)


def test_subclass_limit():
    sub = EventSubscription(max_subclasses=2)
    sub.subscribe(["CUSTOM", "a", "b", "c"])
    assert sub.subclasses == ("a", "b")


# ---------------------------------------------------------------- a connection


def test_connection_event_flow():
    conn = ConnectionEvents()
    assert not conn.wants(ev("HEARTBEAT"))
    assert conn.noevents() == ERROR_NOTLISTENING
    assert conn.register_handler() == OK
    assert not conn.wants(ev("HEARTBEAT"))  # no subscriptions yet
    assert conn.event(["HEARTBEAT"]) == OK
    assert conn.wants(ev("HEARTBEAT"))
    assert conn.filter(["Event-Name HEARTBEAT"], 0, Encoding.BINARY) == filter_reply(
        [FilterAdded("Event-Name", "HEARTBEAT")], Encoding.BINARY
    )
    assert conn.nixevent(["HEARTBEAT"]) == OK
    assert conn.enabled and not conn.wants(ev("HEARTBEAT"))
    assert conn.noevents() == OK
    assert not conn.enabled
    assert len(conn.filters) == 1  # noevents keeps filters


def test_event_turns_the_flag_on_without_a_handler():
    conn = ConnectionEvents()
    assert conn.event(["API"]) == OK
    assert conn.enabled and conn.wants(ev("API"))


def test_connection_setevent_and_filters():
    conn = ConnectionEvents()
    assert conn.setevent(["ALL"]) == ERROR_BADARG
    assert conn.enabled
    assert conn.setevent(["CHANNEL_CREATE", "CHANNEL_ANSWER"]) == OK
    conn.filter(["Caller-Caller-ID-Number 1000"], 0, Encoding.STRING)
    assert conn.wants(ev("CHANNEL_CREATE", Caller_Caller_ID_Number="1000"))
    assert not conn.wants(ev("CHANNEL_CREATE", Caller_Caller_ID_Number="2000"))
    assert not conn.wants(ev("HEARTBEAT"))


def test_handler_exit_clears_subscriptions_but_keeps_filters():
    conn = ConnectionEvents()
    conn.event(["ALL"])
    conn.filter(["Event-Name HEARTBEAT"], 0, Encoding.STRING)
    conn.handler_exited()
    assert not conn.enabled
    assert conn.subscription.subscribed_types() == ()
    assert len(conn.filters) == 1


def test_call_events_start_as_all_and_ignore_filters():
    call = CallEvents()
    assert call.wants(ev("CHANNEL_ANSWER"))
    assert call.wants(ev("CUSTOM", "x::y"))
    assert call.nixevent(["CHANNEL_ANSWER"]) == OK
    assert not call.wants(ev("CHANNEL_ANSWER"))
    assert call.setevent(["ALL"]) == ERROR_BADARG
    assert call.setevent(["CHANNEL_HANGUP"]) == OK
    assert call.wants(ev("CHANNEL_HANGUP")) and not call.wants(ev("CHANNEL_PARK"))
    assert call.event(["CHANNEL_PARK"]) == OK
    assert call.wants(ev("CHANNEL_PARK"))
    assert call.noevents() == OK
    assert not call.wants(ev("CHANNEL_HANGUP"))


# ---------------------------------------------------------------- logs


def test_log_levels():
    logs = ConnectionLogs()
    assert not logs.wants(0)
    assert logs.register_handler() == OK
    assert logs.wants(7) and not logs.wants(8)
    assert logs.set_level(3) == OK
    assert logs.wants(3) and not logs.wants(4)
    assert logs.set_level(-1) == OK  # disable: nothing passes
    assert not logs.wants(0)
    logs.register_handler()
    assert logs.level == 7
    assert logs.nolog() == OK
    assert not logs.wants(1)
    logs.register_handler()
    logs.handler_exited()
    assert not logs.enabled
