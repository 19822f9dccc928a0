"""Benchmark of the light commands: wall time of `run_sim.py validate` and `run_sim.py --help`.

Each command runs in a fresh subprocess (imports included, the gazetteer cache warm after one
warm-up run); prints the median and the fastest of N. `--root` points at another checkout of the
project, to compare a layout before and after in one run.
Usage: python bench/bench_cli.py [--runs 5] [--root DIR]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
COMMANDS = {"validate": ["validate", "scenarios/luding-2022.yaml"], "--help": ["--help"]}


def wall_s(root: Path, argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "run_sim.py", *argv], cwd=root, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--root", type=Path, default=HERE, help="checkout to time (default: this one)")
    args = ap.parse_args()
    for name, argv in COMMANDS.items():
        wall_s(args.root, argv)                       # warm-up: file cache, gazetteer cache
        times = [wall_s(args.root, argv) for _ in range(args.runs)]
        print(f"{name:9s} median {statistics.median(times):.3f} s, fastest {min(times):.3f} s "
              f"({args.runs} runs, {args.root})")


if __name__ == "__main__":
    main()
