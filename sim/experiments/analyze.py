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
    if len(by) == 1:
        _add_paired(con, out, by[0], kpis, rows)
    return rows


def _add_paired(con, out: Path, by: str, kpis: list[str], rows: list[dict[str, Any]]) -> None:
    """Per point, each KPI's change from the first point over the same seeds, with its paired 95 %
    t-interval (`{kpi}.paired`): a grid sweep runs every point on the same seeds, so the seeds' own
    spread, which swamps a small effect in the means' intervals, cancels. Only where each value of `by`
    holds each seed once (one parameter on a grid): else a seed's runs differ in other parameters."""
    from sim.experiments.stats import paired
    cols = ", ".join(f'"{k}"' for k in kpis)
    data = con.execute(f'SELECT "param.{by}", seed, {cols} FROM read_parquet(\'{out.as_posix()}/part-*.parquet\', '
                       f"union_by_name=true) WHERE error = '' OR error IS NULL").fetchall()
    by_point: dict[Any, dict[int, tuple]] = {}
    for value, seed, *kpi_values in data:
        runs = by_point.setdefault(value, {})
        if seed in runs:
            return
        runs[seed] = tuple(np.nan if v is None else v for v in kpi_values)
    base = by_point.get(rows[0][f"param.{by}"], {}) if rows else {}
    for r in rows:
        mine = by_point.get(r[f"param.{by}"], {})
        seeds = sorted(base.keys() & mine.keys())
        for i, k in enumerate(kpis):
            r[f"{k}.paired"] = paired([base[s][i] for s in seeds], [mine[s][i] for s in seeds])


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


BOOTSTRAP_SEED = 1      # SALib's analyze seeds its bootstrap only for a truthy seed: 0 leaves it random


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
    res = sobol.analyze(sobol_problem(len(names)), np.nan_to_num(y), calc_second_order=False,
                        seed=BOOTSTRAP_SEED)
    return {n: {"S1": float(res["S1"][i]), "S1_conf": float(res["S1_conf"][i]), "ST": float(res["ST"][i]),
                "ST_conf": float(res["ST_conf"][i])} for i, n in enumerate(names)}


def read_manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "sweep.json").read_text(encoding="utf-8"))


KPI_LABELS = {"aviation.share_within_2h": "share of sites reached by air within 2 h",
              "aviation.p50_min": "median first arrival by air (min)",
              "aviation.p90_min": "p90 first arrival by air (min)",
              "relief.share_within_10h": "share of people relieved within 10 h",
              "rescue.deaths": "deaths", "rescue.critical_deaths": "deaths of the critically injured",
              "rescue.rescued_alive": "rescued alive"}
OBJECTIVES = {"aviation.share_within_2h": 0.95, "relief.share_within_10h": 0.90}   # the national targets
SOBOL_CI = "bars clipped to [0, 1]; whiskers: 95 % bootstrap CI (SALib, 100 resamples)"


def kpi_label(kpi: str) -> str:
    return KPI_LABELS.get(kpi, kpi)


def _manifest_beside(path: Path) -> dict[str, Any]:
    """The sweep.json of the results folder a plot is written into ({} elsewhere): names and labels."""
    try:
        return read_manifest(path.parent)
    except (OSError, ValueError):
        return {}


def parameter_labels(manifest: dict[str, Any]) -> dict[str, str]:
    """Each parameter's `label:` from the sweep file, else its path."""
    return {p["path"]: p.get("label") or p["path"] for p in manifest.get("parameters", [])}


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _column(rows: list[dict[str, Any]], key: str, pick=lambda v: v) -> np.ndarray:
    return np.array([np.nan if r[key] is None else pick(r[key]) for r in rows], dtype=float)


def plot_by(rows: list[dict[str, Any]], by: str, kpis: list[str], path: Path) -> Path:
    """KPI against one parameter with its 95 % CI band, one panel per KPI, named from the sweep file;
    below each, its change from the first point over the same seeds (paired), where the sweep has it."""
    plt = _pyplot()
    manifest = _manifest_beside(path)
    label = parameter_labels(manifest).get(by, by)
    with_pairs = bool(rows) and all(r.get(f"{k}.paired", {}).get("n") for r in rows for k in kpis)
    fig, axes = plt.subplots(1 + with_pairs, len(kpis), figsize=(5 * len(kpis), 4 + 3.2 * with_pairs),
                             squeeze=False)
    x = [r[f"param.{by}"] for r in rows]
    numeric = all(isinstance(v, (int, float)) for v in x)
    xs = x if numeric else list(range(len(x)))
    if with_pairs:
        for ax, k in zip(axes[1], kpis):
            _paired_panel(ax, rows, k, xs, x, numeric, label)
    for ax, k in zip(axes[0], kpis):
        ax.fill_between(xs, _column(rows, f"{k}.ci95", lambda c: c[0]), _column(rows, f"{k}.ci95", lambda c: c[1]),
                        alpha=0.25, label="95 % t-interval of the mean")
        ax.plot(xs, _column(rows, f"{k}.mean"), marker="o", label="mean over seeds")
        if k in OBJECTIVES:
            ax.axhline(OBJECTIVES[k], color="red", ls="--", lw=1, label=f"objective {OBJECTIVES[k]:g}")
        ax.set_title(kpi_label(k), fontsize=10)
        ax.set_xlabel(label)
        if not numeric:
            ax.set_xticks(xs, [str(v) for v in x])
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    seeds = manifest.get("seeds")
    fig.suptitle(f"{manifest.get('sweep', path.parent.name)}: KPIs against {label}"
                 + (f" ({seeds} seeds per point)" if seeds else ""), fontsize=12)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _paired_panel(ax, rows: list[dict[str, Any]], k: str, xs: list, x: list, numeric: bool, label: str) -> None:
    """One KPI's paired change from the first point, with its 95 % t-interval."""
    cells = [r[f"{k}.paired"] for r in rows]
    ax.fill_between(xs, [c["ci95"][0] for c in cells], [c["ci95"][1] for c in cells], alpha=0.25, color="C2",
                    label="95 % paired t-interval")
    ax.plot(xs, [c["diff"] for c in cells], marker="o", color="C2", label=f"change from {x[0]}, same seeds")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_title(f"{kpi_label(k)}: change from {x[0]}", fontsize=10)
    ax.set_xlabel(label)
    if not numeric:
        ax.set_xticks(xs, [str(v) for v in x])
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)


def sobol_bars(value: float, conf: float) -> tuple[float, float, float]:
    """Bar height and lower/upper whisker lengths with the index and its CI clipped to [0, 1]:
    estimates outside it are sampling error of a small design, not meaningful indices."""
    bar = float(np.clip(value, 0, 1))
    return bar, bar - float(np.clip(value - conf, 0, 1)), float(np.clip(value + conf, 0, 1)) - bar


def plot_sobol(indices: dict[str, dict[str, float]], kpi: str, path: Path) -> Path:
    """First-order and total Sobol indices as paired bars, clipped to [0, 1], raw estimates written above."""
    plt = _pyplot()
    manifest = _manifest_beside(path)
    labels = parameter_labels(manifest)
    names = list(indices)
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(2.2 * len(names) + 3, 4.2))
    for shift, key, text in ((-0.2, "S1", "first order S1"), (0.2, "ST", "total ST")):
        bars = np.array([sobol_bars(indices[n][key], indices[n][f"{key}_conf"]) for n in names])
        ax.bar(x + shift, bars[:, 0], 0.4, yerr=bars[:, 1:].T, capsize=3, label=text)
        for xi, n, top in zip(x + shift, names, bars[:, 0] + bars[:, 2]):
            ax.text(xi, top + 0.02, f"{indices[n][key]:.2f}", ha="center", fontsize=8)
    ax.set_xticks(x, [labels.get(n, n) for n in names], fontsize=9)
    ax.set_ylim(0, 1.15)
    ax.set_ylabel("Sobol index")
    design = manifest.get("design", {})
    ax.set_title(f"Sobol indices of the {kpi_label(kpi)}\n{manifest.get('sweep', '')}: "
                 f"{design.get('samples', '?')} Saltelli samples, {manifest.get('seeds', '?')} seeds per point; "
                 f"{SOBOL_CI}", fontsize=9)
    ax.legend(fontsize=8, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
