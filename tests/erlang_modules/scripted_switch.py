"""A pyerlsw node that stands in for the switch while the Erlang modules are tested.

The Erlang side (fsclient, myhandler, the test helpers) runs in a real erl node; the
switch side is a real pyerlsw :class:`~pyerlsw.node.Node` whose answers are scripted
here, so the tests can check the exact messages the modules send (``{Name, Node} !
Msg`` with its sender) and how they treat each answer mod_erlang_event can give,
before pyerlsw's own mod_erlang_event exists.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyerlsw.etf import Atom, Pid
from pyerlsw.node import Node

OK = Atom("ok")
ERROR = Atom("error")

Term = Any
Script = Callable[["Request"], list[Term]]


@dataclass(frozen=True, slots=True)
class Request:
    """One registered send the switch received (``own``: the switch's own pid)."""

    name: Atom
    sender: Pid
    message: Term
    own: Pid

    @property
    def head(self) -> Atom | None:
        """The atom naming the command: the message itself, or a tuple's first element."""
        if isinstance(self.message, Atom):
            return self.message
        if isinstance(self.message, tuple) and self.message and isinstance(
                self.message[0], Atom):
            return self.message[0]
        return None


def mod_erlang_event_script(request: Request) -> list[Term]:
    """Answers shaped like mod_erlang_event's (spec §4), enough for the client tests:

    * ``getpid`` -> ``{ok, <the switch's own pid>}``;
    * ``{api, fail, _}`` -> ``{error, "fail: Command not found!\\n"}``, other api ->
      ``{ok, "<cmd> <args>\\n"}``;
    * ``{bgapi, Cmd, _}`` -> ``{ok, "job-<cmd>"}`` then ``{bgok|bgerror, Job, Out}``
      (``fail`` errs, ``early`` sends the outcome first);
    * ``{sendevent, nosuch, _}`` -> no answer; ``{sendmsg, "nosuch", _}`` ->
      ``{error, nosession}``; ``{bind, phrases}`` -> ``{error, badarg}``;
    * ``{fetch_reply, Id, _}`` -> ``{ok, Id}``, except for the ids ``"late"``
      (``{error, invalid_uuid}``), ``"dup"`` (``{error, "dup", duplicate_response}``)
      and ``"bin"`` (``{ok, <<"bin">>}``: the id in the other representation);
    * ``{event}`` (arity 1) -> ``{error, badarg}``; everything else -> ``ok``.
    """
    msg, head = request.message, request.head
    if msg == Atom("getpid"):
        return [(OK, request.own)]
    if head == Atom("api") and len(msg) == 3:
        cmd = msg[1].name
        if cmd == "fail":
            return [(ERROR, list(b"fail: Command not found!\n"))]
        args = bytes(msg[2]) if isinstance(msg[2], list) else msg[2]
        return [(OK, list(cmd.encode() + b" " + args + b"\n"))]
    if head == Atom("bgapi") and len(msg) == 3:
        cmd = msg[1].name
        job = list(f"job-{cmd}".encode())
        outcome = (Atom("bgerror" if cmd == "fail" else "bgok"), job, list(b"done\n"))
        accepted = (OK, job)
        return [outcome, accepted] if cmd == "early" else [accepted, outcome]
    if head == Atom("sendevent") and msg[1] == Atom("nosuch"):
        return []
    if head == Atom("sendmsg") and msg[1] == list(b"nosuch"):
        return [(ERROR, Atom("nosession"))]
    if head == Atom("bind") and msg[1] == Atom("phrases"):
        return [(ERROR, Atom("badarg"))]
    if head == Atom("fetch_reply"):
        fetch_id = msg[1]
        if fetch_id == list(b"late"):
            return [(ERROR, Atom("invalid_uuid"))]
        if fetch_id == list(b"dup"):
            return [(ERROR, fetch_id, Atom("duplicate_response"))]
        if fetch_id == list(b"bin"):
            return [(OK, b"bin")]
        return [(OK, fetch_id)]
    if isinstance(msg, tuple) and len(msg) == 1:
        return [(ERROR, Atom("badarg"))]
    return [OK]


class ScriptedSwitch:
    """Records every ``{AnyName, ThisNode} ! Msg`` and answers the sender per ``script``.

    ``pid`` is the switch's own pid (a process of the node), used as ``FsPid`` in
    ``{get_pid, ..}`` and in the answer to ``getpid``; what Erlang sends to it can be
    read with ``await switch.own.receive(...)``.
    """

    def __init__(self, node: Node, script: Script = mod_erlang_event_script) -> None:
        self.node = node
        self.script = script
        self.requests: list[Request] = []
        self._arrived = asyncio.Event()
        self.own = node.make_process()
        node.set_unregistered_handler(self._on_message)

    @property
    def pid(self) -> Pid:
        return self.own.pid

    def _on_message(self, name: Atom, sender: Pid, message: Term) -> None:
        request = Request(name, sender, message, self.pid)
        self.requests.append(request)
        self._arrived.set()
        for reply in self.script(request):
            self.node.send(sender, reply, sender=self.pid)

    def send(self, dest: Term, message: Term) -> None:
        """Send as the switch (from ``pid``)."""
        self.node.send(dest, message, sender=self.pid)

    async def wait_request(self, predicate: Callable[[Request], bool],
                           timeout: float = 10.0) -> Request:
        """The first recorded request satisfying ``predicate`` (waiting for it)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for request in self.requests:
                if predicate(request):
                    return request
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no matching request; got {self.requests!r}")
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)

    def of(self, head: str) -> list[Request]:
        """The requests whose command is ``head``."""
        return [r for r in self.requests if r.head == Atom(head)]
