"""Dispatcher: ``python -m bench <name> [args...]`` runs ``bench/<name>_bench.py``'s ``main``."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def _available() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name.removesuffix("_bench") for m in pkgutil.iter_modules([str(here)])
                  if m.name.endswith("_bench"))


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m bench <name> [args...]")
        print("benchmarks: " + ", ".join(_available()))
        return 0 if argv else 2
    name = argv[0]
    if name not in _available():
        print(f"no benchmark {name!r}; available: {', '.join(_available())}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{name}_bench")
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
