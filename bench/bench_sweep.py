"""Benchmark of the shared Dask runner on luding-2022: runs/s with 1 and 2 workers, parallel
efficiency, and Dask's overhead per task relative to the task's own time.

Workers are warmed first (geography loaded), so the figures are steady-state sweep speed.
Usage: python bench/bench_sweep.py [--runs 160]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.experiments.runner import Task, _client, _stream, run_task  # noqa: E402

SCENARIO = str(Path(__file__).resolve().parent.parent / "scenarios" / "luding-2022.yaml")


def measure(workers: int, runs: int, group: int) -> tuple[float, float]:
    """(runs per wall second, summed in-task seconds) for `runs` tasks on `workers` processes."""
    tasks = [Task(f"b-{i:05d}", SCENARIO, i) for i in range(runs)]
    with _client(workers, None) as client:
        client.run(run_task, Task("warm", SCENARIO, 0))
        t0 = time.perf_counter()
        rows = [r for batch in _stream(client, [tasks[i:i + group] for i in range(0, runs, group)], workers)
                for r in batch]
        wall = time.perf_counter() - t0
    assert all(not r["error"] for r in rows) and len(rows) == runs
    return runs / wall, sum(r["wall_s"] for r in rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=160)
    ap.add_argument("--group", type=int, default=4, help="runs per Dask task (the runner's default)")
    args = ap.parse_args()
    rate1, busy1 = measure(1, args.runs, args.group)
    rate2, busy2 = measure(2, args.runs, args.group)
    wall1 = args.runs / rate1
    print(f"runs                     {args.runs} of luding-2022 (72 h each), {args.group} runs per Dask task")
    print(f"1 worker                 {rate1:.1f} runs/s")
    print(f"2 workers                {rate2:.1f} runs/s")
    print(f"parallel efficiency      {rate2 / rate1 / 2:.2f}  (runs/s with 2 ÷ (2 × runs/s with 1))")
    print(f"Dask overhead per task   {(wall1 - busy1) / busy1:.1%} of the task's own time (1 worker: "
          f"wall {wall1:.2f} s vs {busy1:.2f} s inside tasks)")


if __name__ == "__main__":
    main()
