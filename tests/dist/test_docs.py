"""docs/node.md shows the handshake table and the default flags; keep them true."""

from __future__ import annotations

from pathlib import Path

from pyerlsw.dist.flags import DEFAULT_FLAGS
from pyerlsw.dist.handshake import TRANSITIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "node.md"


def test_handshake_table_in_docs_matches_the_code() -> None:
    text = DOC.read_text()
    rows = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[3].startswith("_on_"):
            rows.add(tuple(cells))
    expected = {
        (role.value, state.value, f"`{chr(tag)}`", handler,
         ", ".join(sorted(s.value for s in targets)))
        for (role, state, tag), (handler, targets) in TRANSITIONS.items()
    }
    assert rows == expected


def test_default_flags_in_docs() -> None:
    assert hex(DEFAULT_FLAGS) in DOC.read_text()
