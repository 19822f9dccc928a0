"""Sub-commands of the simulation core: `validate` (any input file) and `run`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli import options

console = Console(markup=False, highlight=False)    # names from user files are printed as they are


def register(sub: argparse._SubParsersAction) -> None:
    v = options.command(sub, "validate", "check scenario, plan, MSEL, decisions, sweep or disaster-prone "
                                         "files; every problem as file:line: field: message (exit 2)")
    v.add_argument("files", nargs="+", metavar="FILE", help="files to check; the kind is told by their keys")
    v.add_argument("--msel", default=None, help="MSEL whose scenario a decisions file is checked against "
                                                "(None: <drill>.yaml beside it, if there)")
    v.set_defaults(func=cmd_validate)
    r = options.command(sub, "run", "run one seeded simulation headless; writes events.jsonl and summary.json")
    r.add_argument("scenario", help="scenario file (scenarios/<name>.yaml)")
    r.add_argument("--seed", type=options.seed, default=0, help="seed of every random draw (0 .. 2^32-1)")
    r.add_argument("--out", type=options.folder, default=Path("runs/latest"), help="folder for the outputs")
    r.add_argument("--vary", action="store_true", help="draw what the scenario's varies: block lets vary, "
                                                       "as stress and sweep do (default: the scenario as written)")
    r.set_defaults(func=cmd_run)


def cmd_validate(args: argparse.Namespace) -> int:
    """Every file checked, every problem of every file reported in one pass."""
    from sim.scenario.yamlio import ScenarioError
    problems: list[str] = []
    for path in args.files:
        try:
            console.print(Text.assemble(("ok", "green"), f" {path}: {describe(Path(path), args.msel)}"), soft_wrap=True)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    for line in problems:
        print(line, file=sys.stderr)
    return 2 if problems else 0


def describe(path: Path, msel: str | None = None) -> str:
    """Load a file as the kind its keys say it is; a one-line description, or ScenarioError."""
    from sim.scenario.yamlio import YamlDoc
    data = YamlDoc(path).data
    keys = set(data) if isinstance(data, dict) else set()
    if "sweep" in keys:
        return _sweep(path)
    if "injects" in keys:
        return _msel(path)
    if "decisions" in keys:
        return _decisions(path, data, msel)
    if "zones" in keys:
        return _prone(path)
    if "plan" in keys and not keys & {"scenario", "start", "region", "hazards"}:
        return _plan(path)
    return _scenario(path)


def _scenario(path: Path) -> str:
    from sim.scenario.schema import load_scenario
    loaded = load_scenario(path)
    s = loaded.scenario
    return (f"scenario {s.scenario}, {len(s.hazards)} hazard(s), {sum(a.count for a in s.forces.aviation)} aircraft, "
            f"{sum(g.count for g in s.forces.fire_rescue)} ground units, {len(s.forces.depots)} depots, "
            f"plan {loaded.plan.plan}")


def _plan(path: Path) -> str:
    from sim.scenario.schema import load_plan
    plan = load_plan(path)
    return f"plan {plan.plan}, {len(plan.objectives)} objective(s), {len(plan.mutual_aid)} mutual-aid agreement(s)"


def _msel(path: Path) -> str:
    from drills.msel import load_msel
    m = load_msel(path).msel
    return f"drill {m.drill}, {len(m.injects)} inject(s), {len(m.objectives)} objective(s), {len(m.roles)} role(s)"


def _decisions(path: Path, data: dict, msel: str | None) -> str:
    """A decisions file against its drill's scenario when the MSEL is known, else on its own."""
    from drills.msel import Script, load_msel, load_script
    from sim.scenario.yamlio import YamlDoc, safe_name
    drill = data.get("drill")
    beside = path.parent / f"{safe_name(drill)}.yaml" if isinstance(drill, str) else None
    msel_path = Path(msel) if msel else beside if beside is not None and beside.is_file() else None
    if msel_path is None:
        script = YamlDoc(path).validate(Script)
        return f"decisions, {len(script.decisions)} decision(s) (no MSEL: times and places not checked)"
    return f"decisions, {len(load_script(path, load_msel(msel_path)))} decision(s) for {msel_path}"


def _prone(path: Path) -> str:
    from sim.world.prone import load_prone
    return f"disaster-prone set, {sum(map(len, load_prone(path).values()))} county entries"


def _sweep(path: Path) -> str:
    from sim.experiments.sweep import load_sweep, point_count
    sweep = load_sweep(path)[0]
    return f"sweep {sweep.sweep}, {point_count(sweep)} point(s) x {sweep.seeds} seed(s), every override applied"


def cmd_run(args: argparse.Namespace) -> int:
    from sim.run import run_scenario
    from sim.scenario.schema import load_scenario
    loaded = load_scenario(args.scenario)
    try:
        _, summary = run_scenario(loaded, args.seed, args.out, vary=args.vary)
    except OSError as exc:
        print(f"{args.out}: cannot write the outputs ({exc.strerror or exc})", file=sys.stderr)
        return 1
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
    table = Table(title=Text(f"{summary['scenario']} · plan {summary['plan']} · seed {summary['seed']} "
                             f"· {summary['sim_hours']:g} h simulated in {summary['wall_s']:.2f} s"))
    table.add_column("KPI")
    table.add_column("value", justify="right")
    table.add_column("objective")
    goals = {o["kpi"]: o for o in summary["objectives"]}
    for key, fmt in KPI_ROWS:
        value = summary.get(key)
        goal = goals.get(key)
        mark = Text() if goal is None else Text.assemble(("pass", "green") if goal["pass"] else ("FAIL", "red"),
                                                          f" {goal['target']}")
        table.add_row(key, NONE_TEXT.get(key, "never") if value is None else fmt.format(value), mark)
    return table
