"""parse_command and parse_net_kernel_message never raise, whatever the term."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyerlsw.etf.terms import Atom, BitString, ImproperList, Pid, Port, Reference
from pyerlsw.gateway.commands import (
    _TUPLE_COMMANDS,
    Ignored,
    NetKernelPing,
    Rejected,
    parse_command,
    parse_net_kernel_message,
)

_COMMAND_NAMES = [*_TUPLE_COMMANDS, "register_event_handler", "exit", "getpid", "$gen_call"]
_EVENT_WORDS = ["ALL", "CUSTOM", "CHANNEL_CREATE", "is_auth", "alias", "debug", "dialplan"]

atoms = st.one_of(
    st.sampled_from(_COMMAND_NAMES + _EVENT_WORDS).map(Atom),
    st.text(max_size=8).filter(lambda t: t not in ("true", "false")).map(Atom),
)
nodes = st.sampled_from([Atom("a@h"), Atom("b@h")])
words = st.integers(0, 2**32 - 1)
pids = st.builds(Pid, nodes, st.integers(0, 2**15), st.integers(0, 2**13), words)
refs = st.builds(Reference, nodes, words, st.lists(words, min_size=1, max_size=5).map(tuple))
leaves = st.one_of(
    atoms,
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.binary(max_size=20),
    st.lists(st.integers(0, 300), max_size=10),
    pids,
    refs,
    st.builds(Port, nodes, st.integers(0, 2**28), st.integers(0, 5)),
    st.just(BitString(b"\x80", 1)),
)


def _extend(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(
        st.lists(children, max_size=5),
        st.lists(children, max_size=5).map(tuple),
        st.tuples(atoms, children),
        st.tuples(atoms, children, children),
        st.tuples(atoms, children, children, children),
        st.tuples(refs, children),
        st.builds(ImproperList, st.lists(children, min_size=1, max_size=3), atoms | refs),
        st.dictionaries(st.integers(0, 3), children, max_size=3),
    )


terms = st.recursive(leaves, _extend, max_leaves=25)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(terms)
def test_parse_command_never_raises(term):
    result = parse_command(term)
    assert result is not None
    if isinstance(result, Rejected):
        assert isinstance(result.reply, tuple)


@settings(max_examples=100)
@given(terms)
def test_parse_net_kernel_never_raises(term):
    assert isinstance(parse_net_kernel_message(term), (Ignored, NetKernelPing))


@settings(max_examples=200)
@given(st.sampled_from(sorted(_TUPLE_COMMANDS)), st.lists(terms, max_size=4))
def test_every_command_tag_with_random_arguments(tag, arguments):
    parse_command((Atom(tag), *arguments))
