"""Pure helpers: causes, dial strings, variable expansion, profiles, states."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyerlsw.switch.causes import CAUSES, cause_from_sip, cause_name, dial_status, parse_cause
from pyerlsw.switch.dialstring import DialStringError, parse
from pyerlsw.switch.profile import CallerProfile
from pyerlsw.switch.states import CallState, ChannelState, can_change_call_state, can_request_state
from pyerlsw.switch.variables import MAX_DEPTH, expand, split_array


def test_cause_names_and_numbers() -> None:
    assert cause_name(16) == "NORMAL_CLEARING"
    assert cause_name(487) == "ORIGINATOR_CANCEL"
    assert cause_name(9999) == "UNKNOWN"
    assert parse_cause("user_busy") == 17
    assert parse_cause("17") == 17
    assert parse_cause("9999abc") == 9999
    assert parse_cause("no-such-cause") == 16
    assert parse_cause("") == 16 and parse_cause(None) == 16
    assert len(CAUSES) == 82
    assert cause_from_sip(486) == 17 and cause_from_sip(404) == 1 and cause_from_sip(599) == 41
    assert dial_status(17) == "BUSY" and dial_status(19) == "NOANSWER" and dial_status(None)


def test_dial_string_groups_and_variables() -> None:
    dial = parse("{a=1,b='x,y'}[c=3]sim/one,sim/two|<d=4>sofia/gw/x/5551234")
    assert dial.variable("a") == "1" and dial.variable("b") == "x,y"
    assert [[leg.target for leg in g] for g in dial.groups] == [
        ["sim/one", "sim/two"],
        ["sofia/gw/x/5551234"],
    ]
    one, two = dial.groups[0]
    assert one.variable("c") == "3" and two.variable("c") is None
    assert one.variable("a") == "1"
    assert dial.groups[1][0].variable("d") == "4"
    assert dial.groups[1][0].technology == "sofia"
    assert dial.groups[1][0].address == "gw/x/5551234"


def test_dial_string_delimiter_and_escapes() -> None:
    dial = parse(r"{^^:a=1,2:b=3}[c=x\,y]sim/one")
    leg = dial.legs[0]
    assert leg.variable("a") == "1,2" and leg.variable("b") == "3" and leg.variable("c") == "x,y"


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ("", "INVALID_URL"),
        ("{a=1", "INVALID_URL"),
        ("{novalue}sim/x", "INVALID_URL"),
        ("nothing", "CHAN_NOT_IMPLEMENTED"),
        ("[a=1]", "INVALID_URL"),
        ("sim/a," * 300, "INVALID_URL"),
        ("x" * 70000, "INVALID_URL"),
    ],
)
def test_dial_string_errors(text: str, cause: str) -> None:
    with pytest.raises(DialStringError) as info:
        parse(text)
    assert info.value.cause == cause


@given(st.text(max_size=200))
def test_dial_string_parser_never_crashes(text: str) -> None:
    with contextlib.suppress(DialStringError):
        parse(text)


def _lookup(values: dict[str, str]):  # type: ignore[no-untyped-def]
    return values.get


def test_expand() -> None:
    chan = {"a": "hello", "b": "a", "num": "5551234"}
    glob = {"domain": "example.com"}
    look, glook = _lookup(chan), _lookup(glob)
    assert expand("${a} world", look, glook) == "hello world"
    assert expand("$${domain}", look, glook) == "example.com"
    assert expand("${${b}}", look, glook) == "hello"
    assert expand("${num:3}", look, glook) == "1234"
    assert expand("${num:-4}", look, glook) == "1234"
    assert expand("${num:0:3}", look, glook) == "555"
    assert expand("${missing}x", look, glook) == "x"
    assert expand(r"\${a}", look, glook) == "${a}"
    assert expand("${unterminated", look, glook) == "${unterminated"
    assert expand("${api call}", look, glook) == ""
    assert expand("${api call}", look, glook, lambda text: text.upper()) == "API CALL"
    assert expand("no refs", look, glook) == "no refs"


def test_expand_is_bounded() -> None:
    chan = {"loop": "${loop}"}
    deep = "${" * (MAX_DEPTH + 5) + "x" + "}" * (MAX_DEPTH + 5)
    assert isinstance(expand(deep, _lookup(chan), _lookup({})), str)
    assert expand("${loop}", _lookup(chan), _lookup({})) == "${loop}"  # no re-expansion


@given(st.text(max_size=100))
def test_expand_never_crashes(text: str) -> None:
    assert isinstance(expand(text, _lookup({"a": "1"}), _lookup({})), str)


def test_split_array() -> None:
    assert split_array("ARRAY::a|:b") == ["a", "b"]
    assert split_array("plain") is None


def test_profile_headers_and_fields() -> None:
    profile = CallerProfile(uuid="u", caller_id_number="1001", destination_number="2000")
    headers = dict(profile.headers("Caller"))
    assert headers["Caller-Caller-ID-Number"] == "1001"
    assert "Caller-Caller-ID-Name" not in headers
    assert headers["Caller-Channel-Answered-Time"] == "0"
    assert headers["Caller-Screen-Bit"] == "true"
    assert profile.field("destination_number") == "2000"
    assert profile.field("nonsense") is None
    assert profile.replace(context="x").context == "x" and profile.context == ""


def test_state_tables() -> None:
    s = ChannelState
    assert can_request_state(s.CS_EXECUTE, s.CS_ROUTING)
    assert not can_request_state(s.CS_HANGUP, s.CS_EXECUTE)
    assert not can_request_state(s.CS_DESTROY, s.CS_HANGUP)
    assert can_change_call_state(CallState.RINGING, CallState.ACTIVE)
    assert not can_change_call_state(CallState.HANGUP, CallState.ACTIVE)
    assert not can_change_call_state(CallState.ACTIVE, CallState.RINGING)
