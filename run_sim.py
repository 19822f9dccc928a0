#!/usr/bin/env python3
"""Command line of the disaster-response simulation: one sub-command, one function, one exit code.

    python run_sim.py validate scenarios/luding-2022.yaml
    python run_sim.py run scenarios/luding-2022.yaml --seed 7 --out runs/luding
"""
import argparse
import sys

if sys.version_info < (3, 12):
    sys.exit(f"This platform needs Python >= 3.12 (Mesa >= 3.4); this is {sys.version.split()[0]}. "
             "Install 3.12 (e.g. `pyenv install 3.12`) and recreate .venv with it.")

from pathlib import Path  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from sim.schema import load_scenario  # noqa: E402
from sim.yamlio import ScenarioError  # noqa: E402

console = Console()


def cmd_validate(args: argparse.Namespace) -> int:
    loaded = load_scenario(args.scenario)
    s = loaded.scenario
    console.print(f"[green]ok[/green] {args.scenario}: {s.scenario}, {len(s.hazards)} hazard(s), "
                  f"{sum(a.count for a in s.forces.aviation)} aircraft, {sum(g.count for g in s.forces.fire_rescue)} "
                  f"ground units, {len(s.forces.depots)} depots, plan {loaded.plan.plan}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.run import run_scenario
    loaded = load_scenario(args.scenario)
    _, summary = run_scenario(loaded, args.seed, Path(args.out))
    console.print(kpi_table(summary))
    console.print(f"wrote {args.out}/events.jsonl ({summary['events']} events) and {args.out}/summary.json")
    return 0


def kpi_table(summary: dict) -> Table:
    """The headline KPIs of one run as a rich table, objectives marked pass/fail."""
    table = Table(title=f"{summary['scenario']} · plan {summary['plan']} · seed {summary['seed']} "
                        f"· {summary['sim_hours']:g} h simulated in {summary['wall_s']:.2f} s")
    table.add_column("KPI")
    table.add_column("value", justify="right")
    table.add_column("objective")
    goals = {o["kpi"]: o for o in summary["objectives"]}
    rows = [("aviation.share_within_2h", "{:.0%}"), ("aviation.p50_min", "{:.0f} min"),
            ("aviation.p90_min", "{:.0f} min"), ("relief.people", "{:,}"), ("relief.share_within_10h", "{:.0%}"),
            ("relief.p90_hours", "{:.1f} h"), ("rescue.trapped", "{:,}"), ("rescue.rescued_alive", "{:,}"),
            ("rescue.deaths", "{:,}"), ("rescue.still_trapped", "{:,}"), ("sites", "{}")]
    for key, fmt in rows:
        value = summary.get(key)
        shown = "never" if value is None else fmt.format(value)
        goal = goals.get(key)
        mark = "" if goal is None else (f"[green]pass[/green] {goal['target']}" if goal["pass"]
                                        else f"[red]FAIL[/red] {goal['target']}")
        table.add_row(key, shown, mark)
    return table


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="run_sim.py", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a scenario file; exit 2 with file:line messages if wrong")
    v.add_argument("scenario")
    v.set_defaults(func=cmd_validate)
    r = sub.add_parser("run", help="run one seeded simulation headless")
    r.add_argument("scenario")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--out", default="runs/latest")
    r.set_defaults(func=cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
