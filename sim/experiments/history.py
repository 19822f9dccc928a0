"""`history`: the model against documented disasters. Every bundled historical scenario carries a
`record:` block of facts with sources; each is run for N seeds (nominal event, the one runner) and
each fact is set beside the model's median and 90 % range, with the log-ratio where both are
positive numbers. The test suite keeps these within the bands in `tests/test_history.py`.

Where the record holds the official intensity map (zone areas from VI up), the quake is run a second
time laid over that map (`Earthquake.isoseismals`): its deaths, beside the first, tell the error of the
intensity model from that of the casualty model."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.runner import Task, freeze, run_tasks
from sim.hazards.earthquake import PAGER_G, Earthquake, pager_level
from sim.hazards.isoseismals import DEGREES
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
    tasks = []
    for k, (p, s) in enumerate(zip(paths, loaded)):
        tasks += [Task(f"{k:03d}-{i:06d}", str(p), seed + i, vary=False) for i in range(runs)]
        if (mapped := official_map(s)) is not None:
            over = ((mapped[0], freeze(mapped[1])),)
            tasks += [Task(f"{k:03d}-map-{i:06d}", str(p), seed + i, overrides=over, vary=False) for i in range(runs)]
    rows = run_tasks(tasks, workers, scheduler, label="history")
    blocks = []
    for k, s in enumerate(loaded):
        mine = [r for r in rows if r["task_id"].startswith(f"{k:03d}-")]
        plain = [r for r in mine if "-map-" not in r["task_id"] and not r["error"]]
        block = _compare(s, plain, [r for r in mine if "-map-" in r["task_id"] and not r["error"]])
        block["failed"] = [r["error"].splitlines()[0] for r in mine if r["error"]]
        blocks.append(block)
    return blocks


def deaths_error(blocks: list[dict[str, Any]]) -> dict[str, tuple[int, float]]:
    """Over the quakes: how many, and the median |log10(model / record)| of their deaths, as run over
    the model's intensity ("model"), over the official maps ("official map") and, for a like-for-like
    pair, over the model's intensity on the quakes that have a map ("model, quakes with a map")."""
    plain: list[float] = []
    paired: list[tuple[float, float]] = []
    for block in blocks:
        deaths = {f["given"]: abs(f["log10_ratio"]) for f in block["facts"]
                  if f["kpi"] == "rescue.deaths" and f["sigma_ln"] and f["log10_ratio"] is not None}
        if None in deaths:
            plain.append(deaths[None])
            if "official map" in deaths:
                paired.append((deaths[None], deaths["official map"]))
    out = {"model": plain} if plain else {}
    if paired:
        out |= {"model, quakes with a map": [a for a, _ in paired], "official map": [b for _, b in paired]}
    return {k: (len(v), float(np.median(v))) for k, v in out.items()}


def official_map(loaded: LoadedScenario) -> tuple[str, dict[str, Any]] | None:
    """The record's intensity map as an override of the scenario's one earthquake (path, value), or None
    if the record has no VI area, or its top zone is not the recorded maximum (with no maximum recorded:
    a zone left out), the scenario not exactly one quake, or a map already. Zones between VI and the
    top may be left out (Ludian 2014: VI and IX); `Isoseismals` fills them in."""
    quakes = [k for k, h in enumerate(loaded.scenario.hazards) if isinstance(h, Earthquake)]
    areas = {f.kpi.rsplit(".", 1)[1]: (f.value, f.source) for f in loaded.scenario.record
             if f.kpi.startswith("hazard.intensity_area_km2.")}
    top = next((_degree(f.value) for f in loaded.scenario.record if f.kpi == "hazard.max_intensity"), None)
    wanted = [d for d in DEGREES if d in areas]
    whole = wanted == list(DEGREES[:len(wanted)])
    if len(quakes) != 1 or "VI" not in wanted or (wanted[-1] != top if top else not whole):
        return None
    if loaded.scenario.hazards[quakes[0]].isoseismals is not None:        # it is played over a map already
        return None
    source = areas["VI"][1] + ("" if whole else f"; zones between VI and {wanted[-1]} filled in")
    value = {"areas_km2": {d: areas[d][0] for d in wanted}, "source": source}
    return f"hazards[{quakes[0]}].isoseismals", value


def _degree(value: Any) -> str | None:
    """A recorded maximum intensity (a number, 9) as one of DEGREES, or None below VI, beyond XI or
    not a number."""
    try:
        k = int(float(value)) - 6
    except (TypeError, ValueError):
        return None
    return DEGREES[k] if 0 <= k < len(DEGREES) else None


def _compare(loaded: LoadedScenario, rows: list[dict[str, Any]], mapped: list[dict[str, Any]]) -> dict[str, Any]:
    """Each fact beside the plain runs; the deaths also beside the runs over the official map (if any)."""
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
                      "given": None, **band})
        if fact.kpi == "rescue.deaths" and mapped:
            over_map = np.array([r.get(kpi, math.nan) for r in mapped], float)
            facts.append({**facts[-1], "given": "official map",
                          **_band(over_map[~np.isnan(over_map)], record, _model_error(loaded, fact.kpi))})
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
