"""Benchmark of the simulation core: the Luding 72 h run against a raw SimPy loop, same machine, same run.

Prints SimPy events/s of the model, of a raw timeout loop, their ratio, recorded events/s and the
real-time factor (simulated seconds per wall second). After a warm-up, model runs and raw loops
alternate, both driven by the same stepping loop; the ratio is the median over the pairs (each of five
model runs against one raw loop), with the fastest model run over the fastest raw loop beside it.
Usage: python bench/bench_core.py [--pairs 9]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import simpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.model import ResponseModel  # noqa: E402
from sim.scenario.schema import load_scenario  # noqa: E402

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "luding-2022.yaml"


def drive(env: simpy.Environment, until: float) -> int:
    """Step the clock to `until`, counting SimPy events: the same loop for the model and for raw SimPy."""
    steps = 0
    while env.peek() < until:
        env.step()
        steps += 1
    return steps


def raw_simpy(processes: int = 100, events: int = 200_000) -> float:
    """Events/s of bare SimPy: `processes` loops of timeouts."""
    env = simpy.Environment()

    def ticker(env):
        while True:
            yield env.timeout(1)

    for _ in range(processes):
        env.process(ticker(env))
    t0 = time.perf_counter()
    steps = drive(env, events / processes)
    return steps / (time.perf_counter() - t0)


def model_run(seed: int) -> tuple[int, int, float, float]:
    """(SimPy events, recorded events, build+run wall s, run-only wall s) of one 72 h run."""
    loaded = load_scenario(SCENARIO)
    t0 = time.perf_counter()
    model = ResponseModel(loaded, seed)
    t1 = time.perf_counter()
    steps = drive(model.env, loaded.scenario.hours * 60)
    model.run()
    t2 = time.perf_counter()
    return steps, len(model.recorder.events), t2 - t0, t2 - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=9)
    args = ap.parse_args()
    model_run(7)                                           # warm-up: geography, imports
    runs, ratios, raws = [], [], []
    for _ in range(args.pairs):        # interleaved, so that a machine slowing down hits both sides of a pair
        batch = [model_run(7) for _ in range(5)]           # one fixed configuration: scenario + seed 7
        runs += batch                  # five runs (~80 ms) against ~200 ms of raw SimPy: both sides averaged
        raws.append(raw_simpy(events=50_000))
        ratios.append(sum(r[0] for r in batch) / sum(r[3] for r in batch) / raws[-1])
    steps, recorded, total, run_only = min(runs, key=lambda r: r[3])
    model_rate, raw = steps / run_only, max(raws)
    hours = load_scenario(SCENARIO).scenario.hours
    print(f"scenario            luding-2022 seed 7, {hours:g} h simulated, {args.pairs} interleaved pairs of "
          f"5 model runs and a raw SimPy loop")
    print(f"model SimPy events  {steps:,} in {run_only * 1000:.1f} ms run ({total * 1000:.1f} ms with build), fastest")
    print(f"model events/s      {model_rate:,.0f}  (fastest run)")
    print(f"raw SimPy events/s  {raw:,.0f}  (100 timeout processes, fastest loop)")
    print(f"ratio model/raw     {statistics.median(ratios):.2f}  median of pairs "
          f"(range {min(ratios):.2f}-{max(ratios):.2f}; fastest/fastest {model_rate / raw:.2f})")
    print(f"recorded events/s   {recorded / run_only:,.0f}  ({recorded} events)")
    print(f"real-time factor    {hours * 3600 / total:,.0f}x  (simulated s per wall s, build included)")


if __name__ == "__main__":
    main()
