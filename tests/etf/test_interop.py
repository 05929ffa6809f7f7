"""Interop with real Erlang nodes (never mocked).

A corpus of terms is built inside ``erl`` (edge cases and random terms); for each one
``term_to_binary`` output (plain and compressed) is decoded here, re-encoded (plain and
compressed, binary and charlist string modes do not matter: no ``str`` comes out of the
decoder) and sent back; ``binary_to_term`` of our bytes must be ``=:=`` the original.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from pyerlsw.etf import (
    Atom,
    BitString,
    ExportFun,
    FrozenList,
    FrozenMap,
    ImproperList,
    OpaqueFun,
    Pid,
    Port,
    Reference,
    decode,
    encode,
)

EDGE_CASES = """[
  hello, true, false, undefined, '', list_to_atom(lists:duplicate(255, $a)),
  list_to_atom(lists:duplicate(255, 26085)), list_to_atom([1071, 1103, 233, 128512]),
  'h\\x{e9}llo', 0, 255, 256, -1, 2147483647, 2147483648, -2147483648, -2147483649,
  1 bsl 64, -(1 bsl 64), (1 bsl 2040) - 1, 1 bsl 2040, 1 bsl 5000, -(1 bsl 4000) - 12345,
  0.0, binary_to_term(<<131,70,128,0,0,0,0,0,0,0>>), 1.5, -2.5e-300, 1.0e308, 5.0e-324,
  0.1, <<>>, <<1,2,3>>, <<1:3>>, <<255, 7:5>>, list_to_binary(lists:duplicate(70000, 7)),
  {}, {a}, list_to_tuple(lists:seq(1, 300)), [], [40, 2], "abc", [1, 256],
  lists:duplicate(70000, $x), lists:seq(1, 70000), lists:duplicate(1000, 1071),
  [a | b], [1, 2 | <<3>>], [[] | []], [[[]]], {[], [[]], <<>>},
  #{}, #{a => 1}, #{[1, 2] => #{#{a => [b]} => {[c], #{}}}, {x, [y]} => 1,
     <<\"bin\">> => [], [] => <<>>, [a | b] => c, {[]} => \"str\"},
  maps:from_list([{I, I * I} || I <- lists:seq(1, 100)]),
  self(), make_ref(), hd(erlang:ports()), fun erlang:node/0, fun lists:map/2,
  fun() -> ok end, fun(X) -> {X, self()} end,
  {event, [<<\"uuid\">> | [{<<\"Name\">>, <<\"Value\">>} || _ <- lists:seq(1, 40)]]},
  {event, [\"uuid\" | [{\"Name\", \"Value\"} || _ <- lists:seq(1, 40)]]},
  [{\"N\", \"v\"}, {\"N\", [0, 1, 2]}, {[1], \"v\"}, {\"a\", \"b\"}, {\"x\", <<\"y\">>},
   {lists:duplicate(300, $a), \"b\"}, {<<\"a\">>, <<0>>}, {<<>>, <<>>}, [1], \"s\", {\"a\"},
   {<<\"k\">>, lists:duplicate(300, $b)}, {\"a\", [256]}, <<\"tail\">> | \"str\"],
  #{{\"k\", \"v\"} => {\"k\", \"v\"}, [{\"a\", \"b\"}, {\"c\", \"d\"}] => [{\"e\", \"f\"}]}
]."""

RANDOM_GEN = """Gen = fun G(0) -> rand:uniform(1000);
  G(D) -> case rand:uniform(14) of
    1 -> rand:uniform(1 bsl 300) - (1 bsl 299);
    2 -> rand:uniform() * 1.0e10 - 5.0e9;
    3 -> list_to_atom([rand:uniform(2000) || _ <- lists:seq(1, rand:uniform(10))]);
    4 -> list_to_binary([rand:uniform(255) || _ <- lists:seq(1, rand:uniform(20))]);
    5 -> [G(D - 1) || _ <- lists:seq(1, rand:uniform(4))];
    6 -> list_to_tuple([G(D - 1) || _ <- lists:seq(1, rand:uniform(4) - 1)]);
    7 -> maps:from_list([{G(D - 1), G(D - 1)} || _ <- lists:seq(1, rand:uniform(3))]);
    8 -> [G(D - 1) | G(D - 1)];
    9 -> [rand:uniform(255) || _ <- lists:seq(1, rand:uniform(10))];
    10 -> N = rand:uniform(15), <<(rand:uniform(1 bsl N) - 1):N>>;
    11 -> self();
    12 -> make_ref();
    13 -> rand:uniform(1 bsl 40) - (1 bsl 39);
    _ -> G(0) end end."""


def _b64_list(binaries: list[bytes]) -> str:
    return "[" + ", ".join(f'base64:decode("{base64.b64encode(b).decode()}")'
                           for b in binaries) + "]"


def _check_corpus(node: Any) -> list[Any]:
    """Round-trip the list bound to ``Ts`` in ``node``; return the decoded terms."""
    plain = node.eval("[term_to_binary(T) || T <- Ts].")
    packed = node.eval("[term_to_binary(T, [compressed]) || T <- Ts].")
    v2 = node.eval("[term_to_binary(T, [{minor_version, 2}]) || T <- Ts].")
    old_floats = node.eval("[term_to_binary(T, [{minor_version, 0}]) || T <- Ts].")
    terms = [decode(b) for b in plain]
    for other in (packed, v2, old_floats):
        # A fun keeps its bytes verbatim, so its atoms' encoding is part of its value.
        assert [_without_fun_bytes(decode(b)) for b in other] == [
            _without_fun_bytes(t) for t in terms]
    ours = [encode(t) for t in terms]
    ours_packed = [encode(t, compressed=True) for t in terms]
    node.eval(f"Ours = {_b64_list(ours)}.")
    node.eval(f"OursPacked = {_b64_list(ours_packed)}.")
    same = node.eval("[binary_to_term(O) =:= T || {O, T} <- lists:zip(Ours, Ts)].")
    assert same == [True] * len(terms), [t for t, ok in zip(terms, same, strict=True) if not ok][:3]
    same = node.eval("[binary_to_term(O) =:= T || {O, T} <- lists:zip(OursPacked, Ts)].")
    assert same == [True] * len(terms)
    # Bytes identical to OTP's own UTF-8-atom encoding for everything but funs
    # (which we keep verbatim) and maps (whose key order is OTP's own business).
    identical = node.eval("[binary_to_list(O) =:= binary_to_list(term_to_binary(T, "
                          "[{minor_version, 2}])) || {O, T} <- lists:zip(Ours, Ts)].")
    return list(zip(terms, identical, strict=True))


def _check_edge_mapping(decoded: list[tuple[Any, bool]]) -> None:
    terms = [t for t, _ in decoded]
    assert terms[0] == Atom("hello")
    assert terms[1] is True and terms[2] is False
    assert terms[3] == Atom("undefined")
    assert terms[5] == Atom("a" * 255)
    assert terms[6] == Atom("\u65e5" * 255)
    assert [40, 2] in terms and [97, 98, 99] in terms
    assert [120] * 70_000 in terms
    assert list(range(1, 70_001)) in terms
    assert ImproperList([Atom("a")], Atom("b")) in terms
    assert BitString(b"\x20", 3) in terms
    kinds = {type(t) for t in terms}
    assert {Pid, Reference, Port, ExportFun, OpaqueFun, dict, tuple, list, bytes,
            float, int, bool, Atom, BitString, ImproperList} <= kinds
    big_map = next(t for t in terms if isinstance(t, dict) and FrozenList([1, 2]) in t)
    inner_key = next(iter(big_map[FrozenList([1, 2])]))
    assert type(inner_key) is FrozenMap
    assert type(inner_key[Atom("a")]) is FrozenList
    assert big_map[FrozenList()] == b""
    for term, identical in decoded:
        if not isinstance(term, (dict, OpaqueFun)) and not _contains_map(term):
            assert identical, term


def _without_fun_bytes(term: Any) -> Any:
    if isinstance(term, OpaqueFun):
        return ("fun", term.module, term.arity, _without_fun_bytes(list(term.free_vars)))
    if isinstance(term, list):
        return [_without_fun_bytes(t) for t in term]
    if isinstance(term, tuple):
        return tuple(_without_fun_bytes(t) for t in term)
    return term


def _contains_map(term: Any) -> bool:
    if isinstance(term, dict):
        return True
    if isinstance(term, (list, tuple)):
        return any(_contains_map(t) for t in term)
    return False


@pytest.mark.erlang
def test_otp25_edge_cases(erl25: Any) -> None:
    node = erl25()
    node.eval(f"Ts = {EDGE_CASES}")
    _check_edge_mapping(_check_corpus(node))


@pytest.mark.erlang
def test_otp25_random_terms(erl25: Any) -> None:
    node = erl25()
    node.eval(RANDOM_GEN)
    node.eval("rand:seed(exsss, {17, 42, 4711}).")
    node.eval("Ts = [Gen(rand:uniform(6)) || _ <- lists:seq(1, 400)].")
    _check_corpus(node)


def _check_old_formats(node: Any) -> None:
    """Old PID/PORT/REFERENCE encodings decode to the same classes; the new encodings
    we emit are =:= to what Erlang reads from the old ones."""
    node.eval("OldN = atom_to_binary(node()), OldL = byte_size(OldN).")
    node.eval("Old = [<<131,103,100,OldL:16,OldN/binary,0,0,0,9,0,0,0,1,3>>, "
              "<<131,102,100,OldL:16,OldN/binary,0,0,0,5,2>>, "
              "<<131,101,100,OldL:16,OldN/binary,0,0,0,5,2>>, "
              "<<131,114,0,2,100,OldL:16,OldN/binary,1,0,0,0,5,0,0,0,6>>, "
              "<<131,99,\"1.50000000000000000000e+00\",0,0,0,0,0>>].")
    olds = node.eval("Old.")
    terms = [decode(b) for b in olds]
    assert [type(t) for t in terms] == [Pid, Port, Reference, Reference, float]
    node.eval(f"OldOurs = {_b64_list([encode(t) for t in terms])}.")
    same = node.eval("[binary_to_term(O) =:= binary_to_term(B) || "
                     "{O, B} <- lists:zip(OldOurs, Old)].")
    assert same == [True] * len(terms)


@pytest.mark.erlang
def test_otp25_old_formats_reencode_equal(erl25: Any) -> None:
    _check_old_formats(erl25())


EXTREME_IDS = (
    "IdN = atom_to_binary(node()), IdL = byte_size(IdN), "
    "IdRaw = [<<131,90,0,5,119,IdL,IdN/binary,0,0,0,1,0,0,0,1,0,0,0,2,0,0,0,3,0,0,0,4,0,0,0,5>>, "
    "<<131,120,119,IdL,IdN/binary,0,0,1,0,0,0,0,0,0,0,0,1>>, "
    "<<131,88,119,IdL,IdN/binary,255,255,255,255,255,255,255,255,0,0,0,1>>].")


def _check_extreme_ids(node: Any) -> None:
    """5-word references, 64-bit port ids and full-range pids: what we build from the
    fields is =:= to what Erlang reads from the raw bytes."""
    node.eval(EXTREME_IDS)
    name = Atom(node.node)
    ours = [Reference(name, 1, (1, 2, 3, 4, 5)), Port(name, 1 << 40, 1),
            Pid(name, 0xFFFFFFFF, 0xFFFFFFFF, 1)]
    node.eval(f"IdOurs = {_b64_list([encode(t) for t in ours])}.")
    same = node.eval("[binary_to_term(O) =:= binary_to_term(R) || "
                     "{O, R} <- lists:zip(IdOurs, IdRaw)].")
    assert same == [True, True, True]
    assert [decode(b) for b in node.eval("IdRaw.")] == ours


@pytest.mark.erlang
def test_otp25_extreme_identifiers(erl25: Any) -> None:
    _check_extreme_ids(erl25())


@pytest.mark.otp28
def test_otp28_edge_and_random(erl28: Any) -> None:
    node = erl28()
    node.eval(f"Ts0 = {EDGE_CASES}")
    node.eval(RANDOM_GEN)
    node.eval("rand:seed(exsss, {1, 2, 3}).")
    node.eval("Ts = Ts0 ++ [Gen(rand:uniform(6)) || _ <- lists:seq(1, 200)].")
    _check_corpus(node)
    _check_extreme_ids(node)
    _check_old_formats(node)
