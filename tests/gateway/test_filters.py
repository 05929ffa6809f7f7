"""The filter command (§4.8) and the evaluation table of §5.3."""

from __future__ import annotations

import pytest

from pyerlsw.gateway.eventterm import PreparedEvent
from pyerlsw.gateway.filters import EventFilters
from pyerlsw.gateway.replies import FilterAdded, FilterDeleted, FilterInvalid


def event(**headers: str) -> PreparedEvent:
    return PreparedEvent([(k.replace("_", "-"), v) for k, v in headers.items()])


CREATE = event(Event_Name="CHANNEL_CREATE", Unique_ID="u1", Caller_Caller_ID_Number="1000")
ANSWER = event(Event_Name="CHANNEL_ANSWER", Unique_ID="u2", Caller_Caller_ID_Number="2000")
HEARTBEAT = event(Event_Name="HEARTBEAT")


def make(*specs: str) -> EventFilters:
    filters = EventFilters()
    filters.process(specs)
    return filters


# ---------------------------------------------------------------- parsing specs


@pytest.mark.parametrize(
    ("spec", "entry", "stored"),
    [
        ("Event-Name CHANNEL_CREATE", FilterAdded("Event-Name", "CHANNEL_CREATE"), 1),
        ("add Event-Name CHANNEL_CREATE", FilterAdded("Event-Name", "CHANNEL_CREATE"), 1),
        ("ADD Event-Name CHANNEL_CREATE", FilterAdded("Event-Name", "CHANNEL_CREATE"), 1),
        ("Caller-Caller-ID-Name John Smith", FilterAdded("Caller-Caller-ID-Name", "John Smith"), 1),
        ("Event-Name /^CHANNEL_/", FilterAdded("Event-Name", "/^CHANNEL_/"), 1),
        ("Event-Name", FilterInvalid(), 0),
        ("delete", FilterInvalid(), 0),
        ("add Event-Name", FilterInvalid(), 0),  # FreeSWITCH would crash here
        ("add", FilterInvalid(), 0),
        ("Event-Name ", FilterAdded("Event-Name", ""), 0),  # an empty value deletes
        (" A B", FilterAdded("A B", "A B"), 1),  # FreeSWITCH's pointer arithmetic
        ("delete Event-Name", FilterDeleted("Event-Name", ""), 0),
        ("delete all", FilterDeleted("all", ""), 0),
    ],
)
def test_single_spec(spec, entry, stored):
    filters = EventFilters()
    assert filters.apply(spec) == entry
    assert len(filters) == stored


def test_add_and_delete_sequence():
    filters = EventFilters()
    log = filters.process(
        [
            "Event-Name CHANNEL_CREATE",
            "Event-Name CHANNEL_ANSWER",
            "Unique-ID u1",
            "delete event-name CHANNEL_CREATE",  # header names are case-insensitive
        ]
    )
    assert log[-1] == FilterDeleted("event-name", "CHANNEL_CREATE")
    assert list(filters) == [("Event-Name", "CHANNEL_ANSWER"), ("Unique-ID", "u1")]
    filters.apply("delete Event-Name channel_answer")  # values are compared exactly
    assert len(filters) == 2
    filters.apply("delete Event-Name")
    assert list(filters) == [("Unique-ID", "u1")]
    filters.apply("Event-Name X")
    assert filters.apply("delete all whatever") == FilterDeleted("all", "whatever")
    assert len(filters) == 0


def test_unprocessed_elements_answer_invalid():
    filters = EventFilters()
    assert filters.process(["A 1"], unprocessed=2) == [
        FilterAdded("A", "1"),
        FilterInvalid(),
        FilterInvalid(),
    ]


def test_filter_limit():
    filters = EventFilters(max_filters=2)
    assert filters.process(["A 1", "A 2", "A 3"]) == [
        FilterAdded("A", "1"),
        FilterAdded("A", "2"),
        FilterInvalid(),
    ]


# ---------------------------------------------------------------- evaluation (§5.3)


@pytest.mark.parametrize(
    ("specs", "create", "answer", "heartbeat"),
    [
        ((), True, True, True),
        (("Event-Name CHANNEL_CREATE",), True, False, False),
        (("Event-Name +CHANNEL_CREATE",), True, False, False),
        (("Event-Name -CHANNEL_CREATE",), False, True, True),
        (("Event-Name channel_create",), True, False, False),  # case-insensitive
        (("Event-Name +-+CHANNEL_CREATE",), True, False, False),  # the last sign counts
        (("Event-Name - + -CHANNEL_CREATE",), False, True, True),
        # positive filters on one header are AND-ed: nothing passes both
        (("Event-Name CHANNEL_CREATE", "Event-Name CHANNEL_ANSWER"), False, False, False),
        # a filter on a header the event lacks is skipped
        (("Caller-Caller-ID-Number 1000",), True, False, True),
        (("Caller-Caller-ID-Number -1000",), False, True, True),
        # empty comparison: + keeps going, - drops events that have the header
        (("Event-Name +",), True, True, True),
        (("Event-Name -",), False, False, False),
        (("Caller-Caller-ID-Number -",), False, False, True),
        # regular expressions (only when the raw value starts with '/')
        (("Event-Name /^CHANNEL_/",), True, True, False),
        (("Event-Name /create/",), False, False, False),
        (("Event-Name /create/i",), True, False, False),
        (("Event-Name /^CHANNEL_.*$/s",), True, True, False),
        (("Event-Name /CHANNEL_(/",), False, False, False),  # bad regex: never matches
        (("Event-Name /CHANNEL_",), False, False, False),  # no closing slash
        # '-/re/' compares the literal text "/re/"
        (("Event-Name -/^CHANNEL_/",), True, True, True),
        (("Unique-ID -u1", "Event-Name /^CHANNEL_/"), False, True, False),
    ],
)
def test_evaluation_table(specs, create, answer, heartbeat):
    filters = make(*specs)
    assert (filters.passes(CREATE), filters.passes(ANSWER), filters.passes(HEARTBEAT)) == (
        create,
        answer,
        heartbeat,
    )


def test_filters_see_raw_header_values():
    encoded = event(Event_Name="CUSTOM", Caller_Name="John%20Smith")
    assert make("Caller-Name John%20Smith").passes(encoded)
    assert not make("Caller-Name John Smith").passes(encoded)


def test_first_header_occurrence_is_compared():
    doubled = PreparedEvent([("Event-Name", "X"), ("Hangup-Cause", "A"), ("Hangup-Cause", "B")])
    assert make("Hangup-Cause A").passes(doubled)
    assert not make("Hangup-Cause B").passes(doubled)
