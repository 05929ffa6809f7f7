"""docs/configuration.md documents every configuration key there is (no drift)."""

from __future__ import annotations

from pathlib import Path

from pyerlsw.config import PyerlswToml
from pyerlsw.gateway.config import ErlangEventConfig
from pyerlsw.runtime import RuntimeSettings
from pyerlsw.switch.asterisk.settings import AsteriskConfig
from pyerlsw.switch.config import SwitchConfig

DOC = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()


def test_every_key_is_documented() -> None:
    keys = [*SwitchConfig.model_fields, *AsteriskConfig.model_fields, *PyerlswToml.model_fields,
            *RuntimeSettings.model_fields]
    keys += [f.alias for n, f in ErlangEventConfig.model_fields.items()
             if f.alias and n not in ("cookie_sources", "ignored_params")]
    keys += ["cookie", "cookie-file"]
    missing = [k for k in keys if f"`{k}`" not in DOC]
    assert missing == []


def test_every_run_flag_is_documented() -> None:
    from pyerlsw.cli import build_parser

    run = build_parser()._subparsers._group_actions[0].choices["run"]  # type: ignore[union-attr]
    flags = [opt for action in run._actions for opt in action.option_strings
             if opt.startswith("--") and opt not in ("--help", "--clock")]
    assert [f for f in flags if f"`{f}" not in DOC] == []
