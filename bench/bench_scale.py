"""Benchmark of scale: cost per SimPy event as concurrent incidents grow, the distance to the physical
limit at national scope, and sweep throughput with worker memory.

One scenario generator for every size (`scenario(n)`): n calls for an aircraft, each with 10 injured
to fly out, at n counties of the whole country (disaster-prone ones first) within the first hour (a replayed
catalogue, so exactly n), and forces scaled with them: one helicopter per two incidents, spread over
the bases of the national fleet. Prints:
  - run time against SimPy events from 1 to 400 incidents, and the log-log slope (overall and of the
    last step; target <= 1.1: the cost per event stays flat);
  - at 100 incidents, the model against the physical limit: a raw SimPy loop of the same number of
    events + writing the same records (JSON Lines) + only the shortest-path queries the run made
    (the distinct Dijkstra sources it asked for, in one batch); target within 3x;
  - runs/s of a sweep (Luding, the sweep's scenario) on the shared Dask runner, extrapolated to
    10,000 runs, and the resident memory of one process over a sequence of runs (flat or creeping).
Usage: python bench/bench_scale.py [--sizes 1 4 16 64 100 400] [--sweep-runs 400] [--memory-runs 1000]
"""
from __future__ import annotations

import argparse
import gc
import math
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import simpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_core import drive  # noqa: E402
from sim.model import ResponseModel  # noqa: E402
from sim.scenario.schema import load_scenario  # noqa: E402
from sim.world.geo import gazetteer  # noqa: E402
from sim.world.prone import prone_counties  # noqa: E402

BASES = ("ZUUU", "ZUXC", "ZPPP", "ZLLL", "ZWWW", "ZBAA", "ZHHH", "ZGGG", "ZSHC", "ZSFZ", "ZSCN", "ZHCC",
         "ZSJN", "ZGHA", "ZUCK", "ZYHB", "ZLXN", "ZSOF", "ZBSJ", "ZULS")
PROVINCES = ROOT / "scenarios" / "national-season.yaml"


def scenario(n: int, folder: Path) -> Path:
    """The scenario of n concurrent incidents with forces scaled to match (the same generator for every n)."""
    rng = np.random.default_rng(2026)
    prone = sorted(prone_counties(["earthquake", "flood", "forest_fire"]))
    counties = prone + sorted({p.id for p in gazetteer().places.values() if p.level == "county"} - set(prone))
    picks = rng.permutation(len(prone))[:n] if n <= len(prone) else np.arange(n)     # prone counties first
    rows = [f"2025-07-15T{10 + int(m // 60):02d}:{int(m % 60):02d}:00+08:00,{counties[j]},call,10"
            for m, j in zip(np.sort(rng.uniform(0, 60, n)), picks)]
    (folder / f"calls-{n}.csv").write_text("time,place,kind,size\n" + "\n".join(rows) + "\n", encoding="utf-8")
    helicopters = max(1, n // 2)
    lines = [f"    - {{type: Mi-171, base: {BASES[k % len(BASES)]}, count: {c}}}"
             for k, c in enumerate(np.bincount(np.arange(helicopters) % len(BASES)).tolist()) if c]
    region = PROVINCES.read_text(encoding="utf-8").split("region:", 1)[1].split("plan:", 1)[0]
    path = folder / f"scale-{n}.yaml"
    path.write_text(f"scenario: scale-{n}\nstart: 2025-07-15T10:00:00+08:00\nduration_h: 24\nregion:{region}"
                    f"incidents:\n  - {{replay: calls-{n}.csv}}\nforces:\n  aviation:\n" + "\n".join(lines) + "\n",
                    encoding="utf-8")
    return path


def timed_run(path: Path, repeats: int = 3) -> tuple[float, int, ResponseModel]:
    """Fastest (build + run) wall time of `repeats`, SimPy events, and the last model. The garbage of the
    previous repeat (and of the previous, smaller size) is collected before the clock starts, so that a
    run is not charged with tearing down another."""
    loaded, best, model = load_scenario(path), math.inf, None
    for _ in range(repeats):
        del model
        gc.collect()
        t0 = time.perf_counter()
        model = ResponseModel(loaded, 7)
        steps = drive(model.env, loaded.scenario.hours * 60)
        model.run()
        best = min(best, time.perf_counter() - t0)
    return best, steps, model


def slope(sizes: list[int], folder: Path) -> None:
    print("incidents  SimPy events  records   wall ms   us/event")
    pts = []
    for n in sizes:
        wall, steps, model = timed_run(scenario(n, folder))
        pts.append((steps, wall))
        print(f"{n:9d}  {steps:12d}  {len(model.recorder.events):7d}  {wall * 1e3:8.1f}  {wall / steps * 1e6:9.1f}")
    x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    print(f"log-log slope of run time vs events: {np.polyfit(x, y, 1)[0]:.2f} overall, "
          f"{(y[-1] - y[-2]) / (x[-1] - x[-2]):.2f} over the last step (target <= 1.1)")


class Sources:
    """Counts the distinct sources of the road distances a run asks for (the queries it needs)."""

    def __init__(self, roads) -> None:
        self.seen: set[int] = set()
        minutes_from, warm = roads.minutes_from, roads.warm
        roads.minutes_from = lambda s: (self.seen.add(s), minutes_from(s))[1]
        roads.warm = lambda sources: (self.seen.update(sources), warm(sources))[1]


def limit(n: int, folder: Path) -> None:
    """The model at n incidents against raw SimPy + the same records written + the same Dijkstra sources."""
    loaded = load_scenario(scenario(n, folder))
    model_s, steps, sources, model = math.inf, 0, None, None
    for _ in range(3):
        del model
        gc.collect()                    # as in timed_run: no repeat pays for the previous one's garbage
        t0 = time.perf_counter()
        model = ResponseModel(loaded, 7)
        sources = Sources(model.world.roads)
        steps = drive(model.env, loaded.scenario.hours * 60)
        model.run()
        lines = model.recorder.lines()
        model_s = min(model_s, time.perf_counter() - t0)
    raw = min(_raw_simpy(steps) for _ in range(3))
    write = min(_time(lambda: model.recorder.lines()) for _ in range(3))
    from scipy.sparse.csgraph import dijkstra
    csr, todo = model.world.roads._csr(), sorted(sources.seen)
    paths = min(_time(lambda: dijkstra(csr, indices=todo)) for _ in range(3)) if todo else 0.0
    floor = raw + write + paths
    print(f"{n} incidents, national: model {model_s * 1e3:.0f} ms (build, run, records) for {steps} SimPy events, "
          f"{len(lines)} records, {len(todo)} Dijkstra sources; limit {floor * 1e3:.0f} ms = raw SimPy "
          f"{raw * 1e3:.0f} + records {write * 1e3:.0f} + paths {paths * 1e3:.0f}: ratio {model_s / floor:.1f}x "
          "(target <= 3)")


def _raw_simpy(events: int) -> float:
    env = simpy.Environment()

    def ticker(env):
        while True:
            yield env.timeout(1)

    for _ in range(100):
        env.process(ticker(env))
    t0 = time.perf_counter()
    drive(env, events / 100)
    return time.perf_counter() - t0


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def sweep(runs: int, memory_runs: int) -> None:
    """Sweep runs/s on the Dask runner (extrapolated to 10,000), and one process's memory over many runs."""
    from sim.experiments.runner import Task, run_task, run_tasks
    luding = str(ROOT / "scenarios" / "luding-2022.yaml")
    tasks = [Task(f"r{i:06d}", luding, i) for i in range(runs)]
    run_tasks(tasks[:8], label="warm-up")
    t0 = time.perf_counter()
    run_tasks(tasks, label="sweep")
    rate = runs / (time.perf_counter() - t0)
    print(f"sweep: {runs} Luding runs at {rate:.1f} runs/s -> 10,000 runs in {10_000 / rate / 60:.1f} min "
          "(extrapolated: the runner streams bounded batches, so the rate holds)")
    rss = []
    for i in range(memory_runs):
        run_task(Task(f"m{i}", luding, i))
        if i in (memory_runs // 10, memory_runs - 1):
            rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"one process, peak RSS after {memory_runs // 10} runs {rss[0]:.0f} MB, after {memory_runs} {rss[1]:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16, 64, 100, 400])
    ap.add_argument("--sweep-runs", type=int, default=400)
    ap.add_argument("--memory-runs", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        slope(args.sizes, Path(tmp))
        limit(100, Path(tmp))
    if args.sweep_runs:
        sweep(args.sweep_runs, args.memory_runs)


if __name__ == "__main__":
    main()
