"""Validity sub-commands: `history` (the model against the documented record of bundled historical
disasters) and `effect` (what one change to a scenario does, paired on the same seeds)."""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    h = sub.add_parser("history", help="model vs the documented record of historical scenarios (median, 90 %% range)",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    h.add_argument("scenario", nargs="*", type=Path, help="scenario files with a record: block (default: all bundled)")
    h.add_argument("--runs", type=_positive, default=20, help="seeds per scenario")
    h.add_argument("--seed", type=int, default=0, help="first seed")
    h.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores)")
    h.add_argument("--json", action="store_true", help="print the comparison as JSON")
    h.set_defaults(func=cmd_history)
    c = sub.add_parser("calibrate", help="refit PAGER's China theta and beta on the historical quakes, leave-one-out",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    c.add_argument("scenario", nargs="*", type=Path, help="scenarios with deaths in their record (default: bundled)")
    c.add_argument("--official-map", action="store_true", help="each quake over the official map in its record "
                                                               "(only those with one, from VI to its maximum)")
    c.add_argument("--json", action="store_true", help="print the result as JSON")
    c.set_defaults(func=cmd_calibrate)
    e = sub.add_parser("effect", help="paired effect of changing a scenario (same seeds with and without)",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    e.add_argument("scenario", type=Path)
    e.add_argument("--set", action="append", required=True, metavar="PATH=YAML", type=_change,
                   help="a dotted path and its new value, e.g. 'forces.aviation[0].count=4' or "
                        "'forces.aviation=[{type: Y-12, base: ZUUU}]' (repeatable)")
    e.add_argument("--runs", type=_positive, default=30, help="paired seeds")
    e.add_argument("--seed", type=int, default=0, help="first seed")
    e.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores)")
    e.add_argument("--nominal", action="store_true", help="play the nominal scenario (default: draw its varies:)")
    e.add_argument("--json", action="store_true", help="print the result as JSON")
    e.set_defaults(func=cmd_effect)


def _change(text: str) -> tuple[str, object]:
    import yaml
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise argparse.ArgumentTypeError(f"expected PATH=VALUE, not {text!r}")
    try:
        return path.strip(), yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise argparse.ArgumentTypeError(f"{path}: value is not YAML: {exc}") from None


def cmd_effect(args: argparse.Namespace) -> int:
    from sim.experiments.effect import effect
    from sim.scenario.overrides import apply_overrides
    from sim.scenario.schema import load_scenario
    changes = dict(args.set)
    apply_overrides(load_scenario(args.scenario), changes)       # a bad change fails here, file:line, exit 2
    report = effect(args.scenario, changes, args.runs, args.seed, args.workers, vary=not args.nominal)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    from rich.console import Console
    from rich.table import Table
    t = Table(title=f"{args.scenario} · {report['runs']} paired seeds · B = " +
              "; ".join(f"{k} = {v}" for k, v in changes.items()))
    for col in ("KPI", "A mean", "B mean", "B - A", "95 % CI"):
        t.add_column(col, justify="left" if col == "KPI" else "right")
    for k in report["kpis"]:
        ci = "-" if not k["ci95"] else f"{k['ci95'][0]:+.3g} to {k['ci95'][1]:+.3g}"
        t.add_row(k["kpi"], _num(k["A"]), _num(k["B"]), "-" if k["diff"] is None else f"{k['diff']:+.3g}", ci)
    Console(width=max(Console().width, 110)).print(t)
    if report["failed"]:
        print(f"{len(report['failed'])} runs failed: {report['failed'][0]}", file=sys.stderr)
    return 0


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.3g}"


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def cmd_history(args: argparse.Namespace) -> int:
    from sim.experiments.history import Z90, deaths_error, historical, history
    paths = args.scenario or historical()
    report = history(paths, args.runs, args.seed, args.workers)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    from rich.console import Console
    console = Console(width=max(Console().width, 110))      # the fact names must not be cut
    for block in report:
        console.print(history_table(block))
        for i, source in enumerate(dict.fromkeys(f["source"] for f in block["facts"]), 1):
            console.print(f"  [{i}] {source}")
        for sigma in sorted({f["sigma_ln"] for f in block["facts"] if f["sigma_ln"]}):
            console.print(f"  * range over seeds widened by the model's stated error (PAGER's G = {sigma:.2f}: "
                          f"a factor {math.exp(Z90 * sigma):.0f} either way at 90 %)")
        if block["failed"]:
            console.print(f"  {len(block['failed'])} runs failed: {block['failed'][0]}")
    over = {"model": "the model's intensity", "model, quakes with a map": "the model's intensity, quakes with a map",
            "official map": "the official maps"}
    for given, (n, err) in deaths_error(report).items():
        console.print(f"earthquake deaths over {over[given]}: median error a factor {10 ** err:.1f} "
                      f"(|log10| {err:.2f}) over {n} quake{'s' * (n > 1)}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.experiments.calibrate import calibration
    from sim.experiments.history import historical
    report = calibration(args.scenario or historical(), over_map=args.official_map)
    if report is None:
        print("calibrate: fewer than 3 quakes with a recorded toll; leave-one-out needs 3", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    from rich.console import Console
    console = Console(width=max(Console().width, 110))
    console.print(calibration_table(report))
    for line in calibration_lines(report):
        console.print(line)
    return 0


def calibration_table(report: dict):
    """Per quake: record, PAGER's published prediction and a fit on the other quakes, log10 errors."""
    from rich.table import Table
    over = "over the official maps" if report["over_map"] else "over the model's intensity"
    t = Table(title=f"PAGER China, published vs refitted without each quake · {len(report['rows'])} quakes {over}")
    for col in ("quake", "record", "published", "log10", "fit on the others", "log10", "its theta, beta",
                "cited counts: people, deaths"):
        t.add_column(col, justify="left" if col == "quake" else "right")
    for r in report["rows"]:
        t.add_row(r["quake"], _number(r["record"]), _number(r["published"]), f"{r['published_log10']:+.2f}",
                  _number(r["loo"]), f"{r['loo_log10']:+.2f}", f"{r['loo_theta']:.2f}, {r['loo_beta']:.3f}",
                  f"{r['counted_people']:.0%}, {r['counted_deaths']:.0%}")
    return t


def calibration_lines(report: dict) -> list[str]:
    """The medians, the fit on all, and the out-of-sample check, one line each."""
    from sim.hazards.earthquake import PAGER_BETA, PAGER_G, PAGER_THETA
    lines = [f"median |log10|: published {report['published_median']:.2f}, leave-one-out {report['loo_median']:.2f}; "
             f"mean: {report['published_mean']:.2f}, {report['loo_mean']:.2f}",
             f"published theta {PAGER_THETA:.2f}, beta {PAGER_BETA:.3f}; fitted on all theta {report['theta']:.2f}, "
             f"beta {report['beta']:.3f}"]
    se = report["stated_error"]
    lines.append(f"against PAGER's own stated error for China (G = {PAGER_G:.2f} on ln deaths): median |log10| "
                 f"{se['measured_median']:.2f} measured, {se['expected_median']:.2f} expected; sum z² "
                 f"{se['chi2']:.1f} on {se['n']} quakes (p = {se['chi2_p']:.2f}), mean z {se['mean_z']:+.2f} "
                 f"(bias p = {se['bias_p']:.2f})")
    oos = report["out_of_sample"]
    if oos:
        tried = ", ".join(f"{r['quake']} {r['published_log10']:+.2f} -> {r['refit_log10']:+.2f}" for r in oos["rows"])
        lines.append(f"fitted over the official maps of {', '.join(oos['fit_on'])} (theta {oos['theta']:.2f}, beta "
                     f"{oos['beta']:.3f}), tried on {tried}: median |log10| {oos['published_median']:.2f} published, "
                     f"{oos['refit_median']:.2f} refitted")
    return lines


def history_table(block: dict):
    """One scenario's facts: record, model median and 90 % range, in range, log10 ratio."""
    from rich.table import Table
    t = Table(title=f"{block['scenario']} · {block['runs']} seeds · model vs record")
    for col, just in (("fact", "left"), ("record", "right"), ("model median", "right"), ("90 % range", "right"),
                      ("in range", "center"), ("log10 ratio", "right"), ("src", "right")):
        t.add_column(col, justify=just, no_wrap=col != "fact")
    sources = list(dict.fromkeys(f["source"] for f in block["facts"]))
    for f in block["facts"]:
        show = {"level": _level, "degree": _roman}.get(f["unit"], _number)
        name = f["kpi"] + (f" · over the {f['given']}" if f.get("given") else "")
        t.add_row(name, str(f["record"]) if isinstance(f["record"], str) else show(f["record"]),
                  "never" if f["median"] is None else show(f["median"]), _range(f, show),
                  {True: "[green]yes[/green]", False: "[red]no[/red]", None: "-"}[f["in_range"]],
                  "-" if f["log10_ratio"] is None else f"{f['log10_ratio']:+.2f}",
                  f"[{sources.index(f['source']) + 1}]")
    return t


def _range(fact: dict, show) -> str:
    """The 90 % range; one value when every run gave the same (a seed-independent fact)."""
    if fact["median"] is None:
        return "-"
    lo, hi = show(fact["p05"]), show(fact["p95"])
    return f"{lo} (every run)" if lo == hi else f"{lo} – {hi}" + (" *" if fact["sigma_ln"] else "")


def _number(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:.2g}"


def _level(rank: float) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(round(rank), "?")


def _roman(degree: float) -> str:
    """An intensity degree as the intensity scale writes it (I ... XII)."""
    names = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
    return names[int(degree) - 1] if 1 <= degree <= 12 else f"{degree:g}"
