"""Testing an Erlang call flow with pyerlsw: a self-contained pytest module to copy.

    pytest examples/test_erlang_call_flow.py

Two fixtures do the work:

* ``pbx``: a pyerlsw switch on the **virtual clock** with mod_erlang_event on a hidden
  node, so a call that lasts 30 seconds takes milliseconds of test time;
* ``app``: a real ``erl`` node running the application under test (here the
  ``myhandler`` of ``examples/myhandler.erl``, compiled with ``erlc``), with a unique
  name and a random cookie, stopped by its PID.

The test hands a call to the Erlang application through the ``erlang`` dialplan
application (``myhandler:launch`` through the node's rpc server, as in
mod_erlang_event) and asserts on what both sides saw. Set ``ERL_EPMD_PORT`` to use a
private EPMD. Needs ``erl`` and ``erlc`` (OTP 25 or newer) on the PATH.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from pyerlsw.gateway.config import ErlangEventConfig
from pyerlsw.gateway.gateway import Gateway
from pyerlsw.switch import Switch

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.skipif(shutil.which("erlc") is None, reason="needs Erlang/OTP")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cookie() -> str:
    return "T" + secrets.token_hex(8)


@pytest.fixture
def app(tmp_path: Path, cookie: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The application under test on a real erl node: (node name, process)."""
    subprocess.run(["erlc", "-o", str(tmp_path), str(HERE / "myhandler.erl")], check=True)
    alive = f"app{os.getpid()}{secrets.token_hex(2)}"
    proc = subprocess.Popen(
        ["erl", "-noshell", "-sname", alive, "-setcookie", cookie, "-pa", str(tmp_path),
         "-eval", "myhandler:start()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    yield f"{alive}@{socket.gethostname().split('.')[0]}", proc
    proc.kill()
    proc.wait(timeout=10)


@pytest.fixture
async def pbx(cookie: str) -> AsyncIterator[Gateway]:
    """A switch on the virtual clock with mod_erlang_event on a hidden node.

    The virtual clock jumps only after the loop has been idle for 20 ms of real time,
    so answers from Erlang (a millisecond away) arrive before virtual time moves on."""
    config = ErlangEventConfig.model_validate({
        "nodename": f"pbx{os.getpid()}{secrets.token_hex(2)}", "listen-ip": "0.0.0.0",
        "listen-port": _free_port(), "cookie_sources": [{"kind": "cookie", "value": cookie}],
    })
    switch = Switch(clock="virtual", virtual_autojump_threshold=0.02, heartbeat_interval=None)
    async with switch, Gateway.start(switch=switch, config=config) as gateway:
        yield gateway


async def test_call_handed_to_erlang_lasts_30_virtual_seconds(pbx: Gateway, app) -> None:  # type: ignore[no-untyped-def]
    app_node, app_proc = app
    switch = pbx.switch
    for _ in range(100):                          # erl takes about a second to start
        if await pbx.node.ping(app_node):
            break
        await asyncio.sleep(0.1)
    else:
        pytest.fail(f"{app_node} did not come up")
    events = switch.subscribe("CHANNEL_PARK", "CHANNEL_HANGUP_COMPLETE")

    started_real, started_virtual = time.monotonic(), switch.clock.now()
    reply = await switch.api(
        # originate splits its arguments on spaces: quote the application, as in FreeSWITCH
        "originate", f"{{sim_hangup_after=30}}sim/alice '&erlang(myhandler:launch {app_node})'")
    assert reply.ok, reply.output
    uuid = reply.output.split()[1]

    park = await events.get()                     # the erlang application parks the call
    assert (park.name, park.unique_id) == ("CHANNEL_PARK", uuid)
    done = await events.get()                     # alice hangs up after 30 s
    assert (done.name, done.get("Hangup-Cause")) == ("CHANNEL_HANGUP_COMPLETE",
                                                     "NORMAL_CLEARING")
    assert switch.clock.now() - started_virtual >= 30
    assert time.monotonic() - started_real < 10   # virtual time, not real time

    # The Erlang side saw the call (myhandler logs each call and event).
    app_proc.stdin.close()
    app_proc.kill()
    output = app_proc.stdout.read()
    assert f"new call received, UUID is \"{uuid}\"" in output or uuid in output
