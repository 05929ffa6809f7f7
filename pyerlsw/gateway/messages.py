"""Messages FreeSWITCH sends on its own initiative, other than events, logs and fetch
requests (spec §4.18, §9): ``call_hangup``, ``get_pid``, the rpc to ``rex``,
``freeswitch_sendmsg``; and the references the module makes for them (§1).
"""

from __future__ import annotations

from pyerlsw.etf.terms import Atom, Pid, Reference, Term

from .text import Encoding, text_term

__all__ = [
    "ReferenceCounter",
    "call_hangup",
    "freeswitch_sendmsg",
    "get_pid_request",
    "rpc_request",
]


def call_hangup(uuid: str, encoding: Encoding) -> tuple[Atom, Term]:
    """``{call_hangup, UUID}``: the last message to a call's handler (§9.6)."""
    return (Atom("call_hangup"), text_term(uuid, encoding))


def get_pid_request(
    uuid: str, ref: Reference, own_pid: Pid, encoding: Encoding
) -> tuple[Term, ...]:
    """``{get_pid, UUID, Ref, FsPid}`` to the registered process of ``mod:!`` mode
    (§9.3); the answer ``{Ref, Pid}`` must come back over the same connection."""
    return (Atom("get_pid"), text_term(uuid, encoding), ref, own_pid)


def rpc_request(own_pid: Pid, module: str, function: str, ref: Reference) -> tuple[Term, ...]:
    """``{FsPid, {call, Mod, Fun, [Ref], user}}`` to the peer's ``rex`` (``mod:fun``
    mode, §9.3); ``rex`` answers ``{rex, {Ref, Pid}}``."""
    return (own_pid, (Atom("call"), Atom(module), Atom(function), [ref], Atom("user")))


def freeswitch_sendmsg(message: str, encoding: Encoding) -> tuple[Atom, Term]:
    """``{freeswitch_sendmsg, Text}`` from the ``erlang_sendmsg`` dialplan app (§9.4)."""
    return (Atom("freeswitch_sendmsg"), text_term(message, encoding))


class ReferenceCounter:
    """Makes references the way mod_erlang_event does (§1): node = own node name,
    three words, word 0 counts up to 2**18 and carries into words 1 and 2, creation 1.

    One counter per gateway (FreeSWITCH shares it across connections).
    """

    __slots__ = ("_node", "_words")

    _WORD0_LIMIT = 1 << 18
    _WORD_MASK = 0xFFFFFFFF

    def __init__(self, node: Atom) -> None:
        self._node = node
        self._words = [0, 0, 0]

    def next(self) -> Reference:
        """A fresh reference (the first one has word 0 = 1)."""
        words = self._words
        words[0] += 1
        if words[0] >= self._WORD0_LIMIT:
            words[0] = 0
            words[1] = (words[1] + 1) & self._WORD_MASK
            if words[1] == 0:
                words[2] = (words[2] + 1) & self._WORD_MASK
        return Reference(self._node, 1, tuple(words))
