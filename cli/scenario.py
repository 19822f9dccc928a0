"""Sub-commands of the simulation core: `validate` and `run`."""
from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

console = Console()


def register(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser("validate", help="check a scenario file; exit 2 with file:line messages if wrong")
    v.add_argument("scenario")
    v.set_defaults(func=cmd_validate)
    r = sub.add_parser("run", help="run one seeded simulation headless")
    r.add_argument("scenario")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--out", default="runs/latest")
    r.set_defaults(func=cmd_run)


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.scenario.schema import load_scenario
    loaded = load_scenario(args.scenario)
    s = loaded.scenario
    console.print(f"[green]ok[/green] {args.scenario}: {s.scenario}, {len(s.hazards)} hazard(s), "
                  f"{sum(a.count for a in s.forces.aviation)} aircraft, {sum(g.count for g in s.forces.fire_rescue)} "
                  f"ground units, {len(s.forces.depots)} depots, plan {loaded.plan.plan}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.run import run_scenario
    from sim.scenario.schema import load_scenario
    loaded = load_scenario(args.scenario)
    _, summary = run_scenario(loaded, args.seed, Path(args.out))
    console.print(kpi_table(summary))
    console.print(f"wrote {args.out}/events.jsonl ({summary['events']} events) and {args.out}/summary.json")
    return 0


KPI_ROWS = [("aviation.share_within_2h", "{:.0%}"), ("aviation.p50_min", "{:.0f} min"),
            ("aviation.p90_min", "{:.0f} min"), ("relief.people", "{:,}"), ("relief.share_within_10h", "{:.0%}"),
            ("relief.p90_hours", "{:.1f} h"), ("rescue.trapped", "{:,}"), ("rescue.rescued_alive", "{:,}"),
            ("rescue.deaths", "{:,}"), ("rescue.still_trapped", "{:,}"), ("sites", "{}"),
            ("warning.coverage", "{:.0%}"), ("command.level", "{}"), ("command.time_to_level_min", "{:.0f} min"),
            ("command.requests", "{}"), ("command.request_median_min", "{:.0f} min"),
            ("command.mutual_aid_min", "{:.0f} min")]
NONE_TEXT = {"warning.coverage": "n/a (no warning)", "command.level": "none", "command.time_to_level_min": "n/a",
             "command.request_median_min": "n/a", "command.mutual_aid_min": "not requested"}


def kpi_table(summary: dict) -> Table:
    """The headline KPIs of one run as a rich table, objectives marked pass/fail."""
    table = Table(title=f"{summary['scenario']} · plan {summary['plan']} · seed {summary['seed']} "
                        f"· {summary['sim_hours']:g} h simulated in {summary['wall_s']:.2f} s")
    table.add_column("KPI")
    table.add_column("value", justify="right")
    table.add_column("objective")
    goals = {o["kpi"]: o for o in summary["objectives"]}
    for key, fmt in KPI_ROWS:
        value = summary.get(key)
        goal = goals.get(key)
        mark = "" if goal is None else (f"[green]pass[/green] {goal['target']}" if goal["pass"]
                                        else f"[red]FAIL[/red] {goal['target']}")
        table.add_row(key, NONE_TEXT.get(key, "never") if value is None else fmt.format(value), mark)
    return table
