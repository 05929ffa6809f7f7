"""examples/erlang_walkthrough.md, step by step, against a `pyerlsw run` process.

A real OTP 25 node with the example's `myhandler` (compiled from examples/) and
`fsclient` does what the walkthrough shows from an `erl -sname` shell; every reply the
document shows is checked here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pyerlsw.etf import Atom, to_str
from tests.cli.runsupport import RunProcess
from tests.erlang_build import EXAMPLES, compile_strict

pytestmark = pytest.mark.erlang

OK, ERROR = Atom("ok"), Atom("error")
COLLECT = ("(fun F(Acc) -> receive M -> F([M | Acc]) after {ms} -> lists:reverse(Acc) end "
           "end)([]).")


def _collect(erl, ms: int = 500) -> list:  # type: ignore[no-untyped-def,type-arg]
    return erl.eval(COLLECT.format(ms=ms))  # type: ignore[no-any-return]


def _headers(event: object) -> dict[str, str]:
    assert isinstance(event, tuple) and event[0] == Atom("event")
    return {to_str(k): to_str(v) for k, v in event[1][1:]}


@pytest.fixture
def shell(running: RunProcess, erl25, ebin: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    example = tmp_path / "example_ebin"
    example.mkdir()
    compile_strict(EXAMPLES / "myhandler.erl", example)
    erl = erl25(cookie=running.cookie, code_paths=[ebin, example])  # last -pa wins
    erl.eval(f"FS = '{running.node}'.")
    return erl


def test_walkthrough(shell, running: RunProcess) -> None:  # type: ignore[no-untyped-def]
    erl = shell
    # 2. connect
    assert erl.eval("net_adm:ping(FS).") == Atom("pong")
    assert erl.eval("nodes(hidden).") == [Atom(running.node)]
    # 3. api
    status = erl.eval('{foo, FS} ! {api, status, ""}, receive R1 -> R1 after 5000 -> timeout end.')
    assert status[0] == OK and to_str(status[1]).startswith("UP 0 years")
    assert erl.eval('{foo, FS} ! {api, nosuch, ""}, receive R2 -> R2 after 5000 -> timeout end.') \
        == (ERROR, list(b"nosuch: Command not found!\n"))
    version = erl.eval('fsclient:api(FS, version, "short").')
    assert version[0] == OK and to_str(version[1]).startswith("1.10")
    # 4. background jobs
    job = erl.eval('{foo, FS} ! {bgapi, uptime, "s"}, receive J -> J after 5000 -> timeout end.')
    assert job[0] == OK and len(job[1]) == 36
    done = erl.eval("receive B -> B after 5000 -> timeout end.")
    assert done[0] == Atom("bgok") and done[1] == job[1]
    # 5. events
    assert erl.eval("{foo, FS} ! register_event_handler, "
                    "receive A1 -> A1 after 5000 -> timeout end.") == OK
    assert erl.eval("{foo, FS} ! {event, 'CHANNEL_CREATE', 'CHANNEL_ANSWER', "
                    "'CHANNEL_HANGUP_COMPLETE', 'BACKGROUND_JOB'}, "
                    "receive A2 -> A2 after 5000 -> timeout end.") == OK
    erl.eval('fsclient:bgapi(FS, uptime, "").')
    messages = _collect(erl, 1000)
    events = [m for m in messages if isinstance(m, tuple) and m[0] == Atom("event")]
    assert events, messages
    job_event = _headers(events[0])
    assert events[0][1][0] == Atom("undefined")
    assert job_event["Event-Name"] == "BACKGROUND_JOB"
    assert job_event["Job-Command"] == "uptime"
    assert erl.eval("fsclient:noevents(FS).") == OK
    _collect(erl, 200)
    # 6. a call handed to myhandler (get_pid mode)
    assert erl.eval("myhandler:start().") is True
    dial = erl.eval("""Dial = "sim/1000 '&erlang(myhandler:! " ++ atom_to_list(node()) ++ ")'".""")
    assert to_str(dial).startswith("sim/1000 '&erlang(myhandler:! ")
    placed = erl.eval('{ok, "+OK " ++ Rest} = fsclient:api(FS, originate, Dial).')
    uuid = erl.eval("UUID = string:trim(Rest).")
    assert len(uuid) == 36, placed
    exists = erl.eval('fsclient:api(FS, uuid_exists, UUID).')
    assert exists == (OK, list(b"true"))
    # 7. sendmsg: playback, then hangup
    assert erl.eval('fsclient:sendmsg(FS, UUID, [{"call-command", "execute"}, '
                    '{"execute-app-name", "playback"}, '
                    '{"execute-app-arg", "silence_stream://200"}]).') == OK
    assert erl.eval('fsclient:sendmsg(FS, UUID, [{"call-command", "hangup"}, '
                    '{"hangup-cause", "NORMAL_CLEARING"}]).') == OK
    gone = erl.eval('(fun W(0) -> still_there; W(N) -> case fsclient:api(FS, uuid_exists, UUID) '
                    'of {ok, "false"} -> gone; _ -> timer:sleep(100), W(N - 1) end end)(50).')
    assert gone == Atom("gone")
    assert erl.eval('fsclient:sendmsg(FS, UUID, [{"call-command", "hangup"}]).') \
        == (ERROR, Atom("nosession"))
    # 8. handlecall
    erl.eval('{ok, "+OK " ++ R3} = fsclient:api(FS, originate, "sim/1001 &park()"), '
             'U2 = string:trim(R3).')
    assert erl.eval("fsclient:handlecall(FS, U2).") == OK
    erl.eval("fsclient:api(FS, uuid_kill, U2).")
    messages = _collect(erl, 1000)
    tags = [m[0] for m in messages if isinstance(m, tuple)]
    assert Atom("call") in tags and Atom("call_event") in tags
    assert (Atom("call_hangup"), erl.eval("U2.")) in messages
    # 9. leaving
    assert erl.eval("fsclient:close(FS).") == OK
