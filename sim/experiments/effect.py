"""`effect`: what one change to a scenario does, on the same seeds. The mechanisms a plan relies on
(aircraft saving lives, clearing teams reopening roads, flat command) show here as a paired
difference with its 95 % interval: the same disasters, draws and weather with and without it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.experiments.runner import Task, freeze, run_tasks
from sim.experiments.stats import describe, paired

HEADLINE = ("rescue.deaths", "rescue.critical_deaths", "rescue.rescued_alive", "aviation.share_within_2h",
            "relief.share_within_10h", "command.time_to_level_min")


def effect(scenario: Path, changes: dict[str, Any], runs: int, seed: int = 0, workers: int | None = None,
           kpis: tuple[str, ...] = HEADLINE, vary: bool = True) -> dict[str, Any]:
    """Baseline A and changed B on seeds seed..seed+runs-1: each KPI's mean and B - A with its CI."""
    overrides = tuple((k, freeze(v)) for k, v in changes.items())
    tasks = [Task(f"A-{i:06d}", str(scenario), seed + i, vary=vary) for i in range(runs)] + \
            [Task(f"B-{i:06d}", str(scenario), seed + i, overrides=overrides, vary=vary) for i in range(runs)]
    rows = run_tasks(tasks, workers, label="effect")
    failed = [r["error"].splitlines()[0] for r in rows if r["error"]]
    a = {r["task_id"][2:]: r for r in rows if r["task_id"].startswith("A-")}
    b = {r["task_id"][2:]: r for r in rows if r["task_id"].startswith("B-")}
    keys = sorted(set(a) & set(b))
    out = {"scenario": str(scenario), "changes": changes, "runs": runs, "seed": seed, "failed": failed, "kpis": []}
    for kpi in kpis:
        va = [float(a[k].get(kpi, float("nan"))) for k in keys]
        vb = [float(b[k].get(kpi, float("nan"))) for k in keys]
        out["kpis"].append({"kpi": kpi, "A": describe(va)["mean"], "B": describe(vb)["mean"], **paired(va, vb)})
    return out
