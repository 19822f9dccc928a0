"""The counterfactual over many seeds: the drill's decisions and a branch's, replayed on N seeds.

One branch on the drill's own seed is one draw of the disaster; `drill --branch-at T --runs N` also
replays both decision sets (A: the log's; B: the log's before T, the script's after) headless on
seeds `seed .. seed + N - 1` and gives each KPI's paired difference B - A with its 95 % CI and the
share of seeds where B did better. Sessions run on the shared Dask cluster (parameters go to the
workers, never a model); a decision the other seed makes impossible is refused there as in a drill.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

KPIS = {"aviation.share_within_2h": 1, "relief.share_within_10h": 1, "rescue.rescued_alive": 1, "rescue.deaths": -1,
        "command.time_to_level_min": -1}     # +1: more is better, -1: less is better


def play(msel_path: str, decisions: list[dict[str, Any]], seed: int) -> dict[str, float | None]:
    """One headless drill on `seed` with these decisions; its scalar KPIs."""
    from drills.log import DrillLog
    from drills.msel import load_msel
    from drills.session import Session
    with tempfile.TemporaryDirectory() as tmp:
        session = Session(load_msel(msel_path), DrillLog(Path(tmp) / "drill.jsonl"), seed)
        session.queue([{k: v for k, v in d.items() if k not in ("t", "ok", "error", "site", "rec", "wall")}
                       for d in decisions], "script")
        summary = session.finish()
        session.log.close()
    return {k: summary.get(k) for k in KPIS}


def _pair(job: tuple[str, list[dict], list[dict], int]) -> tuple[int, dict, dict]:
    msel_path, a, b, seed = job
    return seed, play(msel_path, a, seed), play(msel_path, b, seed)


def over_seeds(msel_path: str, a: list[dict[str, Any]], b: list[dict[str, Any]], runs: int, seed: int,
               workers: int | None = None, scheduler: str | None = None) -> dict[str, Any]:
    """Both decision sets on each of `runs` seeds: per KPI, means, paired B - A with CI, share B better."""
    from sim.experiments.runner import _client
    from sim.experiments.stats import describe, paired
    jobs = [(msel_path, a, b, seed + i) for i in range(runs)]
    with _client(workers, scheduler) as client:
        results = sorted(client.gather(client.map(_pair, jobs, pure=False)))
    out: dict[str, Any] = {"runs": runs, "seed": seed, "kpis": {}}
    for k, sign in KPIS.items():
        va = [_num(r[1][k]) for r in results]
        vb = [_num(r[2][k]) for r in results]
        both = [(x, y) for x, y in zip(va, vb) if x == x and y == y]
        better = sum(1 for x, y in both if (y - x) * sign > 0) / len(both) if both else None
        out["kpis"][k] = {"A": describe(va), "B": describe(vb), "b_minus_a": paired(va, vb), "b_better": better}
    return out


def _num(value: Any) -> float:
    return float("nan") if value is None else float(value)


def write(folder: Path, result: dict[str, Any]) -> Path:
    path = folder / "seeds.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
