"""Helpers shared by the gateway tests."""

from __future__ import annotations

from typing import Any

import pytest


def etf_codec() -> Any:
    """The project's ETF codec module, or skip when it is not importable yet."""
    try:
        import pyerlsw.etf as etf

        etf.encode  # noqa: B018
        etf.decode  # noqa: B018
    except (ImportError, AttributeError):
        pytest.skip("pyerlsw.etf.encode/decode not available")
    return etf
