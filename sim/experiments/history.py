"""`history`: the model against documented disasters. Every bundled historical scenario carries a
`record:` block of facts with sources; each is run for N seeds (nominal event, the one runner) and
each fact is set beside the model's median and 90 % range, with the log-ratio where both are
positive numbers. The test suite keeps these within the bands in `tests/test_history.py`."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.runner import Task, run_tasks
from sim.hazards.earthquake import PAGER_G, Earthquake, pager_level
from sim.scenario.schema import LoadedScenario, load_scenario

LEVEL_RANK = {"I": 1, "II": 2, "III": 3, "IV": 4}
LEVEL_KPIS = ("command.level", "command.national.level")
DEGREE_KPIS = ("hazard.max_intensity",)       # continuous in the model, a whole degree in the record
Z90 = 1.6449                                  # standard normal 95 % quantile: a 90 % two-sided band
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def historical(folder: Path = SCENARIOS) -> list[Path]:
    """The bundled scenarios that carry a record."""
    return [p for p in sorted(folder.glob("*.yaml")) if load_scenario(p).scenario.record]


def history(paths: list[Path], runs: int, seed: int = 0, workers: int | None = None,
            scheduler: str | None = None) -> list[dict[str, Any]]:
    """One block per scenario: each recorded fact beside the model's distribution over `runs` seeds."""
    loaded = [load_scenario(p) for p in paths]
    tasks = [Task(f"{k:03d}-{i:06d}", str(p), seed + i, vary=False)
             for k, p in enumerate(paths) for i in range(runs)]
    rows = run_tasks(tasks, workers, scheduler, label="history")
    blocks = []
    for k, s in enumerate(loaded):
        mine = [r for r in rows if r["task_id"].startswith(f"{k:03d}-")]
        block = _compare(s, [r for r in mine if not r["error"]])
        block["failed"] = [r["error"].splitlines()[0] for r in mine if r["error"]]
        blocks.append(block)
    return blocks


def _compare(loaded: LoadedScenario, rows: list[dict[str, Any]]) -> dict[str, Any]:
    facts = []
    for fact in loaded.scenario.record:
        kpi, record = _as_number(fact.kpi, fact.value)
        values = np.array([r.get(kpi, math.nan) for r in rows], float)
        values = values[~np.isnan(values)]
        unit = "level" if fact.kpi in LEVEL_KPIS else "degree" if fact.kpi in DEGREE_KPIS else "number"
        if unit == "degree":
            values = pager_level(values)
        band = _band(values, record, _model_error(loaded, fact.kpi))
        if unit != "number":                   # ranks and degrees are not quantities: no ratio
            band["log10_ratio"] = None
        elif band["n"] and band["p05"] == band["p95"]:
            band["in_range"] = None            # one value in every run (seed-independent): the ratio says it
        facts.append({"kpi": fact.kpi, "record": fact.value, "unit": unit, "source": fact.source, "note": fact.note,
                      **band})
    return {"scenario": loaded.scenario.scenario, "title": loaded.scenario.title, "runs": len(rows), "facts": facts}


def _model_error(loaded: LoadedScenario, kpi: str) -> float:
    """The log-normal sigma of ln(record / model) that the model's own source states, beyond the spread
    over seeds: PAGER's G for earthquake deaths (the seeds only vary who is reached in time, not how
    deadly the shaking is). Zero where no source states one."""
    quake = any(isinstance(h, Earthquake) for h in loaded.scenario.hazards)
    return PAGER_G if quake and kpi == "rescue.deaths" else 0.0


def _as_number(kpi: str, value: float | str) -> tuple[str, float]:
    """A response level is compared by its rank (I = 1 ... IV = 4)."""
    if kpi in LEVEL_KPIS:
        return kpi + "_rank", float(LEVEL_RANK[str(value)])
    return kpi, float(value)


def _band(values: np.ndarray, record: float, sigma_ln: float = 0.0) -> dict[str, Any]:
    """Median and 90 % range over the seeds, widened by the model's stated error `sigma_ln` (its 5 % and
    95 % quantiles, exp(-+1.645 sigma)) when there is one."""
    if values.size == 0:
        return {"n": 0, "median": None, "p05": None, "p95": None, "in_range": False, "log10_ratio": None,
                "sigma_ln": sigma_ln}
    median, lo, hi = (float(np.percentile(values, q)) for q in (50, 5, 95))
    lo, hi = lo * math.exp(-Z90 * sigma_ln), hi * math.exp(Z90 * sigma_ln)
    ratio = math.log10(median / record) if median > 0 and record > 0 else None
    return {"n": int(values.size), "median": median, "p05": lo, "p95": hi, "in_range": lo <= record <= hi,
            "log10_ratio": None if ratio is None else round(ratio, 3), "sigma_ln": sigma_ln}
