"""Hypothesis strategies for Python terms in their canonical (decoded) form."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from pyerlsw.etf import (
    Atom,
    BitString,
    ExportFun,
    FrozenList,
    FrozenMap,
    ImproperList,
    Pid,
    Port,
    Reference,
)

atom_names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=255
).filter(lambda s: s not in ("true", "false"))
atoms = st.builds(Atom, atom_names)
nodes = st.builds(Atom, st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}", fullmatch=True))
u32 = st.integers(0, 0xFFFFFFFF)

bitstrings = st.builds(
    lambda data, bits: BitString(data[:-1] + bytes([data[-1] & (0xFF << (8 - bits)) & 0xFF]),
                                 bits),
    st.binary(min_size=1, max_size=20), st.integers(1, 7))

leaves = st.one_of(
    st.booleans(),
    atoms,
    st.integers(),
    st.integers(-(1 << 3000), 1 << 3000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.binary(max_size=40),
    bitstrings,
    st.builds(Pid, nodes, u32, u32, u32),
    st.builds(Port, nodes, st.integers(0, (1 << 64) - 1), u32),
    st.builds(Reference, nodes, u32, st.lists(u32, min_size=1, max_size=5).map(tuple)),
    st.builds(ExportFun, atoms, atoms, st.integers(0, 255)),
    st.lists(st.integers(0, 255), max_size=30),  # becomes STRING_EXT
)


def _keys(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4).map(tuple),
        st.lists(children, max_size=4).map(FrozenList),
        st.dictionaries(children, children, max_size=3).map(FrozenMap),
        st.tuples(st.lists(children, min_size=1, max_size=3).map(FrozenList),
                  st.one_of(atoms, st.integers(), st.binary(max_size=4))).map(
            lambda p: ImproperList(p[0], p[1])),
    )


frozen_terms = st.recursive(leaves.filter(lambda v: type(v) is not list), _keys, max_leaves=8)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=6).map(tuple),
        st.lists(children, max_size=6),
        st.dictionaries(frozen_terms, children, max_size=4),
        st.tuples(st.lists(children, min_size=1, max_size=4),
                  st.one_of(atoms, st.integers(), st.binary(max_size=4),
                            st.lists(children, max_size=2).map(tuple))).map(
            lambda p: ImproperList(p[0], p[1])),
    )


terms = st.recursive(leaves, _containers, max_leaves=40)
