"""Sub-command `history`: the model against the documented record of bundled historical disasters."""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    h = sub.add_parser("history", help="model vs the documented record of historical scenarios (median, 90 % range)",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    h.add_argument("scenario", nargs="*", type=Path, help="scenario files with a record: block (default: all bundled)")
    h.add_argument("--runs", type=_positive, default=20, help="seeds per scenario")
    h.add_argument("--seed", type=int, default=0, help="first seed")
    h.add_argument("--workers", type=int, default=None, help="local worker processes (default: all cores)")
    h.add_argument("--json", action="store_true", help="print the comparison as JSON")
    h.set_defaults(func=cmd_history)


def _positive(text: str) -> int:
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def cmd_history(args: argparse.Namespace) -> int:
    from sim.experiments.history import historical, history
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
        if block["failed"]:
            console.print(f"  {len(block['failed'])} runs failed: {block['failed'][0]}")
    return 0


def history_table(block: dict):
    """One scenario's facts: record, model median and 90 % range, in range, log10 ratio."""
    from rich.table import Table
    t = Table(title=f"{block['scenario']} · {block['runs']} seeds · model vs record")
    for col, just in (("fact", "left"), ("record", "right"), ("model median", "right"), ("90 % range", "right"),
                      ("in range", "center"), ("log10 ratio", "right"), ("src", "right")):
        t.add_column(col, justify=just, no_wrap=col != "fact")
    sources = list(dict.fromkeys(f["source"] for f in block["facts"]))
    for f in block["facts"]:
        show = _level if f["kpi"].endswith(".level") else _number
        rng = "-" if f["median"] is None else f"{show(f['p05'])} – {show(f['p95'])}"
        t.add_row(f["kpi"], str(f["record"]) if isinstance(f["record"], str) else _number(f["record"]),
                  "never" if f["median"] is None else show(f["median"]), rng,
                  "[green]yes[/green]" if f["in_range"] else "[red]no[/red]",
                  "-" if f["log10_ratio"] is None else f"{f['log10_ratio']:+.2f}",
                  f"[{sources.index(f['source']) + 1}]")
    return t


def _number(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 10 else f"{v:.2g}"


def _level(rank: float) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(round(rank), "?")
