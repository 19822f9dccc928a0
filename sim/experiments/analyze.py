"""Sweep analysis: DuckDB SQL over the Parquet results, 95 % CIs per point, plots, Sobol indices."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from sim.experiments.sweep import sobol_problem


def results(out: Path, by: list[str], kpis: list[str]) -> list[dict[str, Any]]:
    """Mean, sd, n and the 95 % t-interval of each KPI per value of the `by` parameters."""
    import duckdb
    cols = ", ".join(f'"param.{b}"' for b in by)
    aggs = ", ".join(f'avg("{k}") AS "{k}.mean", stddev_samp("{k}") AS "{k}.sd", count("{k}") AS "{k}.n"'
                     for k in kpis)
    sql = (f"SELECT {cols}, {aggs}, count(*) AS runs, sum(CASE WHEN error <> '' THEN 1 ELSE 0 END) AS failed "
           f"FROM read_parquet('{out.as_posix()}/part-*.parquet', union_by_name=true) "
           f"GROUP BY {cols} ORDER BY {cols}")
    con = duckdb.connect()
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    for r in rows:
        for k in kpis:
            r[f"{k}.ci95"] = _ci(r[f"{k}.mean"], r[f"{k}.sd"], r[f"{k}.n"])
    return rows


def _ci(mean: float | None, sd: float | None, n: int) -> list[float] | None:
    if mean is None:
        return None
    if not n or n < 2 or sd is None:
        return [mean, mean]
    half = float(stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n))
    return [mean - half, mean + half]


def kpi_columns(out: Path) -> list[str]:
    """Numeric KPI columns present in the results (aviation.*, relief.*, rescue.*, command.*)."""
    import duckdb
    cur = duckdb.connect().execute(f"DESCRIBE SELECT * FROM read_parquet('{out.as_posix()}/part-*.parquet', "
                                   "union_by_name=true)")
    families = ("aviation", "relief", "rescue", "command")
    return [name for name, kind, *_ in cur.fetchall()
            if kind in ("DOUBLE", "FLOAT", "BIGINT") and name.split(".")[0] in families]


def sobol_indices(out: Path, manifest: dict[str, Any], kpi: str) -> dict[str, dict[str, float]]:
    """First-order and total Sobol indices of one KPI (seed-averaged per design point), via SALib."""
    import duckdb
    from SALib.analyze import sobol
    sql = (f"SELECT substr(task_id, 2, 5)::INTEGER AS point, avg(\"{kpi}\") FROM read_parquet("
           f"'{out.as_posix()}/part-*.parquet', union_by_name=true) GROUP BY point ORDER BY point")
    y = np.array([v for _, v in duckdb.connect().execute(sql).fetchall()], dtype=float)
    if len(y) != manifest["points"]:
        raise ValueError(f"{len(y)} of {manifest['points']} design points finished: resume the sweep first")
    names = [p["path"] for p in manifest["parameters"]]
    res = sobol.analyze(sobol_problem(len(names)), np.nan_to_num(y), calc_second_order=False, seed=0)
    return {n: {"S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]), "ST": float(res["ST"][i]),
                "ST_conf": float(res["ST_conf"][i])} for i, n in enumerate(names)}


def read_manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "sweep.json").read_text(encoding="utf-8"))


def plot_by(rows: list[dict[str, Any]], by: str, kpis: list[str], path: Path) -> Path:
    """KPI against one parameter with its 95 % CI band, one panel per KPI."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(kpis), figsize=(5 * len(kpis), 3.6), squeeze=False)
    x = [r[f"param.{by}"] for r in rows]
    numeric = all(isinstance(v, (int, float)) for v in x)
    xs = x if numeric else list(range(len(x)))
    for ax, k in zip(axes[0], kpis):
        mean = np.array([np.nan if r[f"{k}.mean"] is None else r[f"{k}.mean"] for r in rows], dtype=float)
        lo = np.array([np.nan if r[f"{k}.ci95"] is None else r[f"{k}.ci95"][0] for r in rows], dtype=float)
        hi = np.array([np.nan if r[f"{k}.ci95"] is None else r[f"{k}.ci95"][1] for r in rows], dtype=float)
        ax.fill_between(xs, lo, hi, alpha=0.25, label="95 % CI")
        ax.plot(xs, mean, marker="o", label="mean")
        if k.endswith("share_within_2h") or k.endswith("share_within_10h"):
            ax.axhline(0.95 if "2h" in k else 0.90, color="red", ls="--", lw=1, label="plan objective")
        ax.set_xlabel(by)
        ax.set_ylabel(k)
        if not numeric:
            ax.set_xticks(xs, [str(v) for v in x])
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_sobol(indices: dict[str, dict[str, float]], kpi: str, path: Path) -> Path:
    """First-order and total Sobol indices as paired bars with their confidence half-widths."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    names = list(indices)
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(1.8 * len(names) + 3, 3.6))
    ax.bar(x - 0.2, [indices[n]["S1"] for n in names], 0.4, yerr=[indices[n]["S1_conf"] for n in names],
           label="first order S1")
    ax.bar(x + 0.2, [indices[n]["ST"] for n in names], 0.4, yerr=[indices[n]["ST_conf"] for n in names],
           label="total ST")
    ax.set_xticks(x, names, fontsize=8)
    ax.set_ylabel(f"Sobol index of {kpi}")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
