"""Sub-commands `sweep` (run or resume a sweep file) and `analyze` (summaries, CIs, plots)."""
from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from cli import options

console = Console(markup=False, highlight=False)    # names and values from user files are printed as they are
HEADLINE = ["aviation.share_within_2h", "relief.share_within_10h", "rescue.deaths"]


def register(sub: argparse._SubParsersAction) -> None:
    s = options.command(sub, "sweep", "run a parameter sweep on Dask (every override checked first); results "
                                      "stream to Parquet; a re-run resumes")
    s.add_argument("sweep", help="sweep file (scenarios/sweeps/<name>.yaml)")
    options.cluster(s)
    s.add_argument("--out", type=options.folder, default=None, help="results folder (None: runs/sweeps/<name>)")
    s.add_argument("--chunk", type=options.count, default=50,
                   help="runs per Parquet file (memory holds at most one chunk)")
    s.set_defaults(func=cmd_sweep)
    a = options.command(sub, "analyze", "KPI per parameter point with 95 %% CIs (DuckDB), plots, Sobol indices")
    a.add_argument("dir", help="results folder of a sweep")
    a.add_argument("--by", action="append", default=None, help="parameter path(s) to group by (None: all)")
    a.add_argument("--kpi", action="append", default=None,
                   help=f"KPI(s) to report (None: {', '.join(HEADLINE)})")
    a.set_defaults(func=cmd_analyze)


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiments.sweep import run_sweep
    out = run_sweep(args.sweep, args.out, args.workers, args.scheduler, args.chunk, options.security(args))
    console.print(f"results in {out}/part-*.parquet; next: python3 run_sim.py analyze {out}")
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from sim.experiments.analyze import kpi_columns, plot_by, plot_sobol, read_manifest, results, sobol_indices
    out = Path(args.dir)
    if not (out / "sweep.json").is_file():
        return options.fail(f"{out}: no sweep.json there (run `sweep FILE --out {out}` first)")
    manifest = read_manifest(out)
    by = args.by or [p["path"] for p in manifest["parameters"]]
    available = kpi_columns(out)
    kpis = [k for k in (args.kpi or HEADLINE) if k in available]
    sobol = manifest["design"]["type"] == "sobol"
    rows = results(out, by, kpis)
    if not (sobol and args.by is None):          # a Sobol design has no repeated points to tabulate
        _print(rows, by, kpis)
    if sobol:
        for k in kpis:
            idx = sobol_indices(out, manifest, k)
            console.print(f"Sobol indices of {k}: " + ", ".join(
                f"{n}: S1 {v['S1']:.2f} ST {v['ST']:.2f}" for n, v in idx.items()))
            console.print(f"wrote {plot_sobol(idx, k, out / f'sobol-{k}.png')}")
    elif len(by) == 1:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in by[0])
        console.print(f"wrote {plot_by(rows, by[0], kpis, out / f'by-{safe}.png')}")
    return 0


def _change(pair: dict) -> str:
    """A paired change and its interval, e.g. '-3.9 [-8.2, +0.5]'."""
    if not pair["n"]:
        return "n/a"
    lo, hi = pair["ci95"]
    return f"{pair['diff']:+.2g} [{lo:+.2g}, {hi:+.2g}]"


def _print(rows: list[dict], by: list[str], kpis: list[str]) -> None:
    """The means per point; then, for a one-parameter grid, each point's change from the first on the
    same seeds (a second table: both at once would not fit a terminal)."""
    _table("KPI mean [95 % CI] per parameter point", rows, by, kpis, _mean, runs=True)
    if len(rows) > 1 and all(f"{k}.paired" in rows[0] for k in kpis):
        _table(f"change from {by[0]} = {_param(rows[0][f'param.{by[0]}'])} on the same seeds [paired 95 % CI]",
               rows[1:], by, kpis, lambda r, k: _change(r[f"{k}.paired"]))
    if len(rows) > 60:
        console.print(f"… {len(rows) - 60} more points (use --by to group)")


def _table(title: str, rows: list[dict], by: list[str], kpis: list[str], cell, runs: bool = False) -> None:
    t = Table(title=title)
    for name in [*by, *kpis] + ["runs (failed)"] * runs:
        t.add_column(name)
    for r in rows[:60]:
        t.add_row(*[_param(r[f"param.{b}"]) for b in by], *[cell(r, k) for k in kpis],
                  *[f"{r['runs']} ({r['failed']})"] * runs)
    console.print(t)


def _param(v) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def _mean(r: dict, k: str) -> str:
    m, ci = r[f"{k}.mean"], r[f"{k}.ci95"]
    return "n/a" if m is None else f"{m:.3g} [{ci[0]:.3g}, {ci[1]:.3g}]"
