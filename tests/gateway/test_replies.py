"""Reply terms for both encodings (spec §3.4, §4)."""

from __future__ import annotations

import pytest

from pyerlsw.etf.terms import Atom, ImproperList, Pid, Reference
from pyerlsw.gateway.messages import (
    ReferenceCounter,
    call_hangup,
    freeswitch_sendmsg,
    get_pid_request,
    rpc_request,
)
from pyerlsw.gateway.replies import (
    ERROR_ACLDENY,
    ERROR_BADARG,
    INVALID_SYNTAX,
    OK,
    ApiOutcome,
    FilterAdded,
    FilterDeleted,
    FilterInvalid,
    api_reply,
    background_job_headers,
    bgapi_accepted,
    bgapi_result,
    fetch_reply_accepted,
    fetch_reply_late,
    filter_reply,
    getpid_reply,
    ping_reply,
)
from pyerlsw.gateway.text import Encoding
from tests.gateway.conftest import etf_codec

A = Atom
S, B = Encoding.STRING, Encoding.BINARY
NODE = A("freeswitch@host")
JOB = "1f0e8f5a-1c7e-11ee-9c3a-5f1f1c2f0001"


def cl(text: str) -> list[int]:
    return list(text.encode())


def test_error_atoms():
    assert A("ok") == OK
    assert (A("error"), A("badarg")) == ERROR_BADARG
    assert (A("error"), A("acldeny")) == ERROR_ACLDENY


@pytest.mark.parametrize(
    ("outcome", "string_reply", "binary_reply"),
    [
        (
            ApiOutcome("status", True, "UP 0 years\n"),
            (A("ok"), cl("UP 0 years\n")),
            (A("ok"), b"UP 0 years\n"),
        ),
        (
            ApiOutcome("uuid_kill", True, "-ERR No such channel!\n"),
            (A("error"), cl("-ERR No such channel!\n")),
            (A("error"), b"-ERR No such channel!\n"),
        ),
        (
            ApiOutcome("global_getvar", True, ""),
            (A("error"), cl("Command returned no output!")),
            (A("error"), b"Command returned no output!"),
        ),
        (
            ApiOutcome("nosuch", False, "INVALID COMMAND!"),
            (A("error"), cl("nosuch: Command not found!\n")),
            (A("error"), b"nosuch: Command not found!\n"),
        ),
    ],
)
def test_api_reply(outcome, string_reply, binary_reply):
    assert api_reply(outcome, S) == string_reply
    assert api_reply(outcome, B) == binary_reply


def test_bgapi_replies():
    assert bgapi_accepted(JOB, S) == (A("ok"), cl(JOB))
    assert bgapi_accepted(JOB, B) == (A("ok"), JOB.encode())
    assert bgapi_result(JOB, ApiOutcome("uptime", True, "123\n"), S) == (
        A("bgok"),
        cl(JOB),
        cl("123\n"),
    )
    # empty output stays a success for bgapi
    assert bgapi_result(JOB, ApiOutcome("global_getvar", True, ""), B) == (
        A("bgok"),
        JOB.encode(),
        b"",
    )
    assert bgapi_result(JOB, ApiOutcome("originate", True, "-ERR NO_ANSWER\n"), S) == (
        A("bgerror"),
        cl(JOB),
        cl("-ERR NO_ANSWER\n"),
    )
    assert bgapi_result(JOB, ApiOutcome("nosuch", False, ""), B) == (
        A("bgerror"),
        JOB.encode(),
        b"nosuch: Command not found!\n",
    )


def test_background_job_event():
    headers, body = background_job_headers(JOB, "", ApiOutcome("uptime", True, "5\n"))
    assert headers == (
        ("Job-UUID", JOB),
        ("Job-Command", "uptime"),
        ("Job-Successful", "true"),
    )
    assert body == "5\n"
    headers, body = background_job_headers(JOB, "s", ApiOutcome("uptime", True, "-USAGE: x\n"))
    assert ("Job-Command-Arg", "s") in headers
    assert ("Job-Successful", "false") in headers
    assert body == "-USAGE: x\n"


def test_misc_replies():
    pid = Pid(NODE, 0, 0, 0)
    assert getpid_reply(pid) == (A("ok"), pid)
    assert fetch_reply_accepted("id", S) == (A("ok"), cl("id"))
    assert fetch_reply_accepted("id", B) == (A("ok"), b"id")
    assert fetch_reply_late("id", "timeout", B) == (A("error"), b"id", A("timeout"))
    with pytest.raises(ValueError):
        fetch_reply_late("id", "bogus", B)
    ref = Reference(A("x@y"), 1, (1, 2, 3))
    assert ping_reply(ref) == (ref, A("yes"))
    alias = ImproperList([A("alias")], ref)
    assert ping_reply(alias) == (alias, A("yes"))


def test_filter_reply_matches_wiki_example():
    entries = [
        FilterAdded("CC-Action", "agent-offering"),
        FilterAdded("CC-Queue", "support@default"),
    ]
    assert filter_reply(entries, S) == (
        A("filter_command_processing_log"),
        [
            (cl("added"), cl("CC-Action"), cl("agent-offering")),
            (cl("added"), cl("CC-Queue"), cl("support@default")),
        ],
    )
    entries = [FilterDeleted("Event-Name", ""), FilterInvalid()]
    assert filter_reply(entries, B) == (
        A("filter_command_processing_log"),
        [(b"deleted", b"Event-Name", b""), INVALID_SYNTAX],
    )
    assert A("-ERR invalid syntax") == INVALID_SYNTAX


def test_unsolicited_messages():
    pid = Pid(NODE, 0, 0, 0)
    ref = Reference(NODE, 1, (1, 0, 0))
    assert call_hangup("u", S) == (A("call_hangup"), cl("u"))
    assert call_hangup("u", B) == (A("call_hangup"), b"u")
    assert get_pid_request("u", ref, pid, B) == (A("get_pid"), b"u", ref, pid)
    assert rpc_request(pid, "mod", "fun", ref) == (
        pid,
        (A("call"), A("mod"), A("fun"), [ref], A("user")),
    )
    assert freeswitch_sendmsg("hello world", S) == (A("freeswitch_sendmsg"), cl("hello world"))


def test_reference_counter_carries():
    counter = ReferenceCounter(NODE)
    first = counter.next()
    assert first == Reference(NODE, 1, (1, 0, 0))
    counter._words[0] = (1 << 18) - 1
    assert counter.next().ids == (0, 1, 0)
    counter._words[:] = [(1 << 18) - 1, 0xFFFFFFFF, 0]
    assert counter.next().ids == (0, 0, 1)


def test_reply_terms_encode():
    etf = etf_codec()
    outcome = ApiOutcome("status", True, "x" * 70000)
    for encoding in (S, B):
        reply = api_reply(outcome, encoding)
        assert etf.decode(etf.encode(reply)) == reply
