"""Sub-commands `stress` (one plan, many seeds) and `compare` (two plans, same seeds)."""
from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table

from cli import options

console = Console(markup=False, highlight=False)    # names from user files are printed as they are


def register(sub: argparse._SubParsersAction) -> None:
    s = options.command(sub, "stress", "seeded Monte Carlo of one plan (the scenario's varies: drawn per run): "
                                       "objectives met, KPI spread, sites missed")
    s.add_argument("scenario", help="scenario file")
    _common(s)
    s.set_defaults(func=cmd_stress)
    c = options.command(sub, "compare", "two plans on the same seeds (common random numbers)")
    c.add_argument("scenario", help="scenario file")
    c.add_argument("--plan", action="append", required=True, help="plan file; give exactly two")
    _common(c)
    c.set_defaults(func=cmd_compare)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runs", type=options.count, default=200, help="seeded runs (per plan)")
    p.add_argument("--seed", type=options.seed, default=0, help="seed of the first run; run i uses seed + i")
    options.cluster(p)
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def cmd_stress(args: argparse.Namespace) -> int:
    from sim.experiments.montecarlo import stress
    from sim.scenario.schema import load_scenario
    report = stress(load_scenario(args.scenario), args.runs, args.seed, args.workers, args.scheduler,
                    options.security(args))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    t = Table(title=f"{report['scenario']} · plan {report['plan']} · {report['runs']} runs from seed {report['seed']}")
    for col in ("objective", "target", "runs meeting it", "mean [95 % CI]", "p50", "p90"):
        t.add_column(col)
    for o in report["objectives"]:
        t.add_row(o["id"], f"{o['kpi']} {o['target']}", _pct(o["share_met"]), _mean_ci(o), _num(o["p50"]),
                  _num(o["p90"]))
    console.print(t)
    if len(report["by_province"]) > 1:
        console.print(_province_table(report["by_province"]))
    if report["most_missed"]:
        console.print("sites most often missed by the 2 h target: " + ", ".join(
            f"{m['name']} ({m['share_missed']:.0%})" for m in report["most_missed"]))
    if report["failed"]:
        console.print(f"{report['failed']} runs failed", style="red")
    return 0


def _province_table(rows: list[dict]) -> Table:
    """The 2 h share per province: mean over the runs in which the province had sites, with its CI."""
    t = Table(title="aviation within 2 h, by province (runs with sites there)")
    for col in ("province", "runs", "share of its sites [95 % CI]", "p50", "p90"):
        t.add_column(col)
    for r in sorted(rows, key=lambda r: r["mean"] if r["mean"] is not None else -1):
        t.add_row(r["name"], str(r["n"]), _mean_ci(r), _num(r["p50"]), _num(r["p90"]))
    return t


def cmd_compare(args: argparse.Namespace) -> int:
    if len(args.plan) != 2:
        return options.fail("compare needs exactly two --plan files")
    from sim.experiments.montecarlo import compare
    from sim.scenario.schema import load_scenario
    report = compare(load_scenario(args.scenario), args.plan, args.runs, args.seed, args.workers, args.scheduler,
                     options.security(args))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    a, b = report["plans"]
    console.print(f"A = {a}\nB = {b}\n{report['scenario']}, {report['runs']} paired runs from seed {report['seed']}")
    t = Table()
    for col in ("objective", "target", "A mean (runs met)", "B mean (runs met)", "B - A [95 % CI]", "verdict"):
        t.add_column(col)
    for o in report["objectives"]:
        d = o["b_minus_a"]
        diff = "n/a" if d["diff"] is None else f"{d['diff']:+.3f} [{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]"
        t.add_row(o["id"], f"{o['kpi']} {o['target']}", f"{_num(o['A']['mean'])} ({_pct(o['A_share_met'])})",
                  f"{_num(o['B']['mean'])} ({_pct(o['B_share_met'])})", diff, o["verdict"])
    console.print(t)
    c = Table(title="command (mean over runs where it applies; level rank 1 = I ... 4 = IV)")
    for col in ("KPI", "A", "B", "B - A [95 % CI]"):
        c.add_column(col)
    for k, v in report["command"].items():
        d = v["b_minus_a"]
        diff = "n/a" if d["diff"] is None else f"{d['diff']:+.1f} [{d['ci95'][0]:+.1f}, {d['ci95'][1]:+.1f}]"
        c.add_row(k, f"{_num(v['A']['mean'])} (n={v['A']['n']})", f"{_num(v['B']['mean'])} (n={v['B']['n']})", diff)
    console.print(c)
    return 0


def _pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0%}"


def _num(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3g}"


def _mean_ci(o: dict) -> str:
    if o["mean"] is None:
        return "n/a"
    return f"{o['mean']:.3g} [{o['ci95'][0]:.3g}, {o['ci95'][1]:.3g}]"
