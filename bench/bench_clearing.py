"""Paired compare: Luding with and without its road-clearing teams, on the same seeds.

Prints the model's time until Moxi has a road again (against the 2022 record: the road into Moxi
reopened on 6 September at 16:00, about 27 h after the 12:52 quake) and the paired difference of
relief and rescue KPIs (with - without) with 95 % confidence intervals. Runs in-process, serially.

    .venv/bin/python bench/bench_clearing.py [seeds] [fleet_scale]

`fleet_scale` multiplies every depot's trucks (plan `relief.fleet_scale`): at the written fleets the
trucks bind everywhere and hide what a reopened road is worth; at 8x they no longer do.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.experiments.stats import describe, paired  # noqa: E402
from sim.run import run_scenario  # noqa: E402
from sim.scenario.overrides import apply_overrides  # noqa: E402
from sim.scenario.schema import load_scenario  # noqa: E402

MOXI = "site:5:磨西镇"
RECORD_H = 27.1        # 2022-09-05 12:52 -> 2022-09-06 16:00
KPIS = ("relief.share_within_10h", "relief.days_short", "relief.p90_hours", "rescue.rescued_alive",
        "rescue.deaths")


def main(seeds: int = 30, fleet_scale: float = 1.0) -> None:
    loaded = apply_overrides(load_scenario(ROOT / "scenarios" / "luding-2022.yaml"),
                             {"plan.relief.fleet_scale": fleet_scale})
    without = apply_overrides(loaded, {"forces.engineering": []})
    runs = {"with": [], "without": []}
    for seed in range(seeds):
        runs["with"].append(run_scenario(loaded, seed, vary=True)[1])
        runs["without"].append(run_scenario(without, seed, vary=True)[1])
    moxi = [s["roads.cut_off_h"].get(MOXI) for s in runs["with"]]
    cut = [h for h in moxi if h is not None]
    print(f"Moxi cut off in {sum(MOXI in s['roads.cut_off_h'] for s in runs['with'])} of {seeds} runs; "
          f"road again after {describe(cut)} h (record {RECORD_H} h)")
    for k in KPIS:
        a = [_num(s[k]) for s in runs["without"]]
        b = [_num(s[k]) for s in runs["with"]]
        d = paired(a, b)
        ci = "" if d["ci95"] is None else f"[{d['ci95'][0]:+.4g}, {d['ci95'][1]:+.4g}]"
        print(f"{k:28s} without {describe(a)['mean']:.4g}  with {describe(b)['mean']:.4g}  "
              f"diff {d['diff']:+.4g} 95% CI {ci} (n={d['n']})")


def _num(v) -> float:
    return math.nan if v is None else float(v)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30, float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
