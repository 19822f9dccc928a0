"""Forest fire spread: the cost of one step (relaxation sweeps to the step's end) on a 500 x 500 grid.

Fixed configuration, warm-up, fastest of N (the mesa benchmark way): uniform fuel, 100 m cells,
R0 2 m/min, a 10 m/s west wind, the fire grown for 200 steps first so the front is long.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.hazards.wildfire import FireGrid  # noqa: E402

N, CELL_M, RUNS = 500, 100.0, 20


def main() -> None:
    fire = FireGrid(np.ones((N, N)), CELL_M, 2.0, 10.0, 270.0, (N // 2, N // 2))
    dt = CELL_M / max(fire.rates)
    t = 0.0
    for _ in range(200):                       # warm-up: grow the fire
        t += dt
        fire.step(t)
    times, sweeps = [], []
    for _ in range(RUNS):
        t += dt
        t0 = time.perf_counter()
        sweeps.append(fire.step(t))
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    fire.sweep(t)
    sweep = time.perf_counter() - t0
    print(f"500x500 grid, {fire.burned_ha(t):,.0f} ha burning: one step {min(times) * 1e3:.1f} ms "
          f"(fastest of {RUNS}; median {np.median(times) * 1e3:.1f} ms, {np.median(sweeps):.0f} sweeps a step), "
          f"one sweep {sweep * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
