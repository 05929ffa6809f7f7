"""Benchmarks for pyerlsw (``python -m bench <name>``); never run by the test suite.

Each benchmark is a module ``bench/<name>_bench.py`` with ``main(argv) -> int``. Machines
are noisy (2 shared cores): benchmarks report ratios against a reference measured in
the same run, as medians of several rounds. Results and the commands that produced them
are recorded in ``bench/RESULTS.md``.
"""
