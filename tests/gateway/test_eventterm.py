"""Event, call, fetch and log messages (§5.1, §6, §9.5, §10): shapes and exact bytes."""

from __future__ import annotations

from datetime import datetime

import pytest

from pyerlsw.etf.terms import Atom
from pyerlsw.gateway.eventterm import (
    FetchRequest,
    LogRecord,
    PreparedEvent,
    PreparedLog,
    format_log_line,
)
from pyerlsw.gateway.text import Encoding
from tests.gateway.conftest import etf_codec

A = Atom
S, B = Encoding.STRING, Encoding.BINARY
UUID = "4f77b818-e945-11dd-a442-9fe384e7e5a2"


def cl(text: str) -> list[int]:
    return list(text.encode())


CHANNEL_ANSWER = PreparedEvent(
    [
        ("Event-Name", "CHANNEL_ANSWER"),
        ("Core-UUID", "c0re"),
        ("Unique-ID", UUID),
        ("Caller-Caller-ID-Name", "John%20Smith"),
        ("Hangup-Cause", "A"),
        ("Hangup-Cause", "A"),
    ]
)


def test_event_term_shape_string():
    assert CHANNEL_ANSWER.term(S) == (
        A("event"),
        [
            cl(UUID),
            (cl("Event-Name"), cl("CHANNEL_ANSWER")),
            (cl("Core-UUID"), cl("c0re")),
            (cl("Unique-ID"), cl(UUID)),
            (cl("Caller-Caller-ID-Name"), cl("John Smith")),  # values are URL-decoded
            (cl("Hangup-Cause"), cl("A")),
            (cl("Hangup-Cause"), cl("A")),  # duplicates are kept
        ],
    )


def test_event_term_shape_binary_with_body_and_no_channel():
    event = PreparedEvent(
        [("Event-Name", "BACKGROUND_JOB"), ("Job-UUID", "j"), ("Empty-Value", "")],
        body="123\n",
    )
    assert event.term(B) == (
        A("event"),
        [
            A("undefined"),
            (b"Event-Name", b"BACKGROUND_JOB"),
            (b"Job-UUID", b"j"),
            (b"Empty-Value", b""),
            (b"body", b"123\n"),
        ],
    )
    assert event.term(S)[1][3] == (cl("Empty-Value"), [])


def test_unique_id_is_case_insensitive_and_not_decoded():
    event = PreparedEvent([("unique-id", "a%20b"), ("Event-Name", "CUSTOM")])
    assert event.term(B)[1][:2] == [b"a%20b", (b"unique-id", b"a b")]


def test_empty_body_is_sent():
    event = PreparedEvent([("Event-Name", "API")], body="")
    assert event.term(S)[1][-1] == (cl("body"), [])


def test_bytes_equal_the_codec_output():
    etf = etf_codec()
    events = [
        CHANNEL_ANSWER,
        PreparedEvent([("Event-Name", "API"), ("Big", "x" * 70000), ("Utf", "né%e9")], body="b"),
        PreparedEvent([]),
    ]
    for event in events:
        for encoding in (S, B):
            term = event.term(encoding)
            assert event.payload(encoding) == etf.encode(term)
            assert event.call_payload(encoding) == etf.encode((A("call"), term))
            assert event.call_event_payload(encoding) == etf.encode((A("call_event"), term))
            assert etf.decode(event.payload(encoding)) == term


def test_encoded_once_per_encoding_and_shared():
    event = PreparedEvent([("Event-Name", "HEARTBEAT"), ("Up-Time", "1")])
    first = event.payload(S)
    assert event.payload(S) is first
    assert event.payload(B) is not first
    assert event.call_event_payload(S) is event.call_event_payload(S)
    assert event.event_body(B) in event.call_payload(B)


def test_delivery_metadata():
    event = PreparedEvent([("Event-Name", "CUSTOM"), ("Event-Subclass", "sofia::register")])
    assert (event.event_type, event.subclass, event.unique_id) == (
        "CUSTOM",
        "sofia::register",
        None,
    )
    assert event.header("EVENT-SUBCLASS") == "sofia::register"
    explicit = PreparedEvent([("Event-Name", "x")], event_type="TRAP", subclass=None)
    assert explicit.event_type == "TRAP"
    assert PreparedEvent([("Event-Name", "bogus")]).event_type is None
    # explicit None: no subclass even though a header says otherwise
    told = PreparedEvent([("Event-Subclass", "x::y")], event_type="CUSTOM", subclass=None)
    assert told.subclass is None


# ---------------------------------------------------------------- fetch


def test_fetch_request_dialplan():
    params = PreparedEvent([("Event-Name", "REQUEST_PARAMS"), ("Unique-ID", "u")])
    request = FetchRequest("dialplan", None, None, None, "fid", params)
    assert request.term(S) == (
        A("fetch"),
        A("dialplan"),
        cl("undefined"),
        cl("undefined"),
        cl("undefined"),
        cl("fid"),
        [cl("u"), (cl("Event-Name"), cl("REQUEST_PARAMS")), (cl("Unique-ID"), cl("u"))],
    )
    request = FetchRequest("configuration", "configuration", "name", "x.conf", "fid")
    assert request.term(B) == (
        A("fetch"),
        A("configuration"),
        b"configuration",
        b"name",
        b"x.conf",
        b"fid",
        [],
    )


def test_fetch_bytes_equal_the_codec_output():
    etf = etf_codec()
    params = PreparedEvent([("Event-Name", "REQUEST_PARAMS"), ("domain", "example.com")])
    for request in (
        FetchRequest("directory", "domain", "name", "example.com", "fid", params),
        FetchRequest("dialplan", None, None, None, "fid"),
    ):
        for encoding in (S, B):
            assert request.payload(encoding) == etf.encode(request.term(encoding))


# ---------------------------------------------------------------- logs


def test_log_line_format():
    when = datetime(2024, 5, 14, 8, 23, 45, 123)
    assert (
        format_log_line("hello\n", level=7, file="switch_core.c", line=42, when=when, idle_cpu=97.5)
        == "2024-05-14 08:23:45.000123 97.50% [DEBUG] switch_core.c:42 hello\n"
    )
    assert "[ERR]" in format_log_line("x", level=3, file="f", line=1, when=when, idle_cpu=0)


def test_log_term_has_seven_entries():
    record = LogRecord(6, "mod_sofia.c", "sofia_reg", 1234, "text\n", None)
    log = PreparedLog(record)
    assert log.term() == (
        A("log"),
        [
            (A("level"), 6),
            (A("text_channel"), 6),
            (A("file"), cl("mod_sofia.c")),
            (A("func"), cl("sofia_reg")),
            (A("line"), 1234),
            (A("data"), cl("text\n")),
            (A("user_data"), []),
        ],
    )
    with_uuid = PreparedLog(LogRecord(7, "f.c", "fn", 1, "d", UUID))
    assert with_uuid.term()[1][-1] == (A("user_data"), cl(UUID))


def test_log_bytes_equal_the_codec_output():
    etf = etf_codec()
    for record in (
        LogRecord(6, "mod_sofia.c", "sofia_reg", 1234, "text\n"),
        LogRecord(0, "", "", 70000, "y" * 70000, UUID),
    ):
        log = PreparedLog(record)
        assert log.payload() == etf.encode(log.term())
        assert log.payload() is log.payload()


@pytest.mark.erlang
def test_erlang_reads_the_event_bytes(erl25):
    """A real OTP node decodes the hand-written bytes to the expected term."""
    import base64

    node = erl25()
    for encoding, expected in (
        (S, '{event, ["u1", {"Unique-ID", "u1"}, {"Event-Name", "API"}, {"K", "a b"},'
            ' {"body", "b"}]}'),
        (B, '{event, [<<"u1">>, {<<"Unique-ID">>, <<"u1">>}, {<<"Event-Name">>, <<"API">>},'
            ' {<<"K">>, <<"a b">>}, {<<"body">>, <<"b">>}]}'),
    ):  # fmt: skip
        event = PreparedEvent(
            [("Unique-ID", "u1"), ("Event-Name", "API"), ("K", "a%20b")], body="b"
        )
        wire = base64.b64encode(event.payload(encoding)).decode()
        assert node.eval(f'binary_to_term(base64:decode("{wire}")) =:= {expected}.') is True


def test_a_pair_cache_gives_the_same_bytes():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pyerlsw.gateway.eventterm import PairCache

    cache = PairCache(max_entries=5)
    text_st = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=12)

    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(["A", "b", "Unique-ID", "x%20y"]) | text_st,
                              st.sampled_from(["", "v", "50% done", "a\0b", "é"]) | text_st),
                    max_size=12),
           st.sampled_from(list(Encoding)))
    def check(headers, encoding):
        plain = PreparedEvent(headers, "body", event_type=None, subclass=None)
        cached = PreparedEvent(headers, "body", event_type=None, subclass=None, pairs=cache)
        assert cached.payload(encoding) == plain.payload(encoding)
        assert len(cache) <= 10  # bounded per encoding

    check()


def test_a_given_unique_id_skips_the_header_scan():
    event = PreparedEvent([("Unique-ID", "u-1"), ("unique-id", "u-2")], None,
                          event_type="CUSTOM", subclass=None)
    assert event.unique_id == "u-1"
    assert PreparedEvent([("Unique-ID", "u-1")], None, event_type=None, subclass=None,
                         unique_id="u-1").unique_id == "u-1"


async def test_dtmf_event_term_has_freeswitch_headers():
    """A DTMF event from the core reaches Erlang as {event, [UUID | Headers]} with
    the channel data and DTMF-Digit/-Duration/-Source last, as FreeSWITCH fires it."""
    from pyerlsw.gateway.gateway import prepare
    from tests.switch.support import make_switch, settle

    switch = make_switch()
    await switch.start()
    try:
        stream = switch.subscribe("DTMF")
        uuid = (await switch.api("originate", "sim/alice &park()")).output.split()[1]
        await switch.api("uuid_recv_dtmf", f"{uuid} 5@100")
        await settle(switch, 1)
        event = stream.drain()[0]
    finally:
        await switch.stop()
    tag, body = prepare(event).term(S)
    assert tag == A("event") and body[0] == cl(uuid)
    headers = [(bytes(k).decode(), bytes(v).decode()) for k, v in body[1:]]
    names = [k for k, _ in headers]
    assert names[:2] == ["Event-Name", "Core-UUID"]
    assert headers[0] == ("Event-Name", "DTMF")
    assert ("Event-Calling-Function", "switch_channel_dequeue_dtmf") in headers
    assert ("Unique-ID", uuid) in headers and ("Answer-State", "answered") in headers
    assert headers[-3:] == [("DTMF-Digit", "5"), ("DTMF-Duration", "800"), ("DTMF-Source", "APP")]
