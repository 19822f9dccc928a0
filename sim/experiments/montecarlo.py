"""Seeded Monte Carlo on the shared runner: `stress` one plan, `compare` two on common random numbers.

Run i uses seed `seed + i` for every plan, and the model draws the disaster, weather and failures
from purpose-named substreams, so plan A and plan B face identical draws: the paired difference
isolates the plan.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from sim.experiments.runner import Row, Task, run_tasks
from sim.experiments.stats import describe, paired
from sim.metrics import INCIDENT_SEP, share_within_2h_by_province
from sim.scenario.schema import LoadedScenario, Objective, load_plan
from sim.world.geo import gazetteer

COMMAND_KPIS = ("command.level_rank", "command.time_to_level_min", "command.requests", "command.request_median_min",
                "command.mutual_aid_min")
DEFAULT_OBJECTIVES = [Objective(id="aviation-2h", kpi="aviation.share_within_2h", at_least=0.95),
                      Objective(id="relief-10h", kpi="relief.share_within_10h", at_least=0.90)]


def objectives_of(loaded: LoadedScenario) -> list[Objective]:
    return list(loaded.plan.objectives) or DEFAULT_OBJECTIVES


def stress(loaded: LoadedScenario, runs: int, seed: int, workers: int | None = None,
           scheduler: str | None = None, security: Any = None) -> dict[str, Any]:
    """Share of runs meeting each objective, KPI distribution, and the sites most often missed."""
    tasks = [Task(f"run-{i:06d}", loaded.path, seed + i) for i in range(runs)]
    rows = run_tasks(tasks, workers, scheduler, label="stress", security=security)
    ok = [r for r in rows if not r["error"]]
    report = {"scenario": loaded.scenario.scenario, "plan": loaded.plan.plan, "runs": runs, "seed": seed,
              "failed": len(rows) - len(ok), "objectives": [], "most_missed": most_missed(ok),
              "by_province": by_province(ok)}
    for o in objectives_of(loaded):
        values = [r.get(o.kpi, float("nan")) for r in ok]
        met = [_meets(v, o) for v in values]
        report["objectives"].append({"id": o.id, "kpi": o.kpi, "target": _target(o),
                                     "share_met": sum(met) / len(met) if met else None, **describe(values)})
    return report


def compare(loaded: LoadedScenario, plans: list[str], runs: int, seed: int, workers: int | None = None,
            scheduler: str | None = None, security: Any = None) -> dict[str, Any]:
    """Plans A and B on the same seeds: each objective's values, paired difference B - A and a verdict."""
    names = [load_plan(p).plan for p in plans]
    tasks = [Task(f"{tag}-{i:06d}", loaded.path, seed + i, plan=str(Path(p)))
             for tag, p in zip("AB", plans) for i in range(runs)]
    rows = run_tasks(tasks, workers, scheduler, label="compare", security=security)
    by_plan = {tag: {r["task_id"][2:]: r for r in rows if r["task_id"].startswith(tag + "-")} for tag in "AB"}
    objectives = list(load_plan(plans[0]).objectives) or DEFAULT_OBJECTIVES
    out = {"scenario": loaded.scenario.scenario, "plans": names, "runs": runs, "seed": seed, "objectives": []}
    for o in objectives:
        a = [_kpi(by_plan["A"].get(k), o.kpi) for k in sorted(by_plan["A"])]
        b = [_kpi(by_plan["B"].get(k), o.kpi) for k in sorted(by_plan["A"])]
        diff = paired(a, b)
        out["objectives"].append({"id": o.id, "kpi": o.kpi, "target": _target(o), "A": describe(a), "B": describe(b),
                                  "A_share_met": _share(a, o), "B_share_met": _share(b, o),
                                  "b_minus_a": diff, "verdict": verdict(diff, o)})
    keys = sorted(by_plan["A"])
    out["command"] = {k: {"A": describe([_kpi(by_plan["A"][i], k) for i in keys]),
                          "B": describe([_kpi(by_plan["B"].get(i), k) for i in keys]),
                          "b_minus_a": paired([_kpi(by_plan["A"][i], k) for i in keys],
                                              [_kpi(by_plan["B"].get(i), k) for i in keys])}
                      for k in COMMAND_KPIS}
    return out


def verdict(diff: dict[str, Any], o: Objective) -> str:
    """Which plan is better on this objective, or no detectable difference (the CI straddles 0)."""
    ci = diff["ci95"]
    if ci is None or ci[0] <= 0 <= ci[1]:
        return "no detectable difference"
    b_higher = ci[0] > 0
    b_better = b_higher if o.at_least is not None else not b_higher
    return "B better" if b_better else "A better"


def most_missed(rows: list[Row], top: int = 5) -> list[dict[str, Any]]:
    """Places missing the 2 h target in the most runs (at any of their incidents, for incident streams)."""
    counts = Counter(place for r in rows for place in {site.partition(INCIDENT_SEP)[0]
                                                       for site in json.loads(r["missed_2h"])})
    places = gazetteer().places
    return [{"id": site, "name": places[site].name if site in places else site.rsplit(":", 1)[-1],
             "share_missed": n / len(rows)} for site, n in counts.most_common(top)]


def by_province(rows: list[Row]) -> list[dict[str, Any]]:
    """Per province, the share of its sites reached within 2 h: mean over the runs where it had sites,
    with the 95 % interval (`n` runs), from each run's per-site first arrivals."""
    shares: dict[str, list[float]] = {}
    for r in rows:
        for code, share in share_within_2h_by_province(json.loads(r["first_arrival_json"])).items():
            shares.setdefault(code, []).append(share)
    places = gazetteer().places
    return [{"province": code, "name": places[code].name if code in places else code, **describe(v)}
            for code, v in sorted(shares.items())]


def _kpi(row: Row | None, kpi: str) -> float:
    return float("nan") if row is None or row["error"] else float(row.get(kpi, float("nan")))


def _meets(value: float, o: Objective) -> bool:
    if value != value:  # NaN: never
        return False
    return value >= o.at_least if o.at_least is not None else value <= o.at_most


def _share(values: list[float], o: Objective) -> float | None:
    return sum(_meets(v, o) for v in values) / len(values) if values else None


def _target(o: Objective) -> str:
    return f">= {o.at_least}" if o.at_least is not None else f"<= {o.at_most}"
