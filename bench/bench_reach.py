"""Benchmark of static reach and base siting at national scale, fastest of N after a warm-up.

Times (1) the static reach matrix of the national fleet over every county of China (all ~2,850
counties x all fleet bases, refuel search included), (2) the same for every candidate (airport,
helicopter type) pair, and (3) the MCLP MILP for K = 10 new bases over all candidate airports,
for the national disaster-prone sites and for every county; and (4) what real geography adds to
building a world (county areas from the cached polygons, DEM elevations), for Luding and the
national scope, from the on-disk cache.   Usage: python bench/bench_reach.py
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.scenario.catalogue import load_catalogue  # noqa: E402
from sim.scenario.schema import load_scenario  # noqa: E402
from sim.studies.reach import Sites, make_bases, scenario_reach, static_reach  # noqa: E402
from sim.studies.siting import candidate_bases, coverage, mclp  # noqa: E402
from sim.world import boundaries, terrain  # noqa: E402
from sim.world.geo import gazetteer  # noqa: E402

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "national-aviation.yaml"
LUDING = SCENARIO.with_name("luding-2022.yaml")


def fastest(fn, repeats: int) -> tuple[float, object]:
    """(fastest wall seconds, last result) of `repeats` calls after one warm-up call."""
    out, best = fn(), float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def geography(path: Path, repeats: int) -> tuple[float, int]:
    """(fastest seconds, counties) of the geography a world build adds, read from the on-disk cache."""
    counties = gazetteer().counties_in(load_scenario(path).scenario.region.provinces)
    provinces = tuple(sorted({c.province for c in counties}))

    def added() -> None:
        boundaries.counties_of.cache_clear()
        boundaries.areas.cache_clear()
        boundaries.county_areas(provinces)
        terrain.elevation_m([c.lat for c in counties], [c.lon for c in counties])
    return fastest(added, repeats)[0], len(counties)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    cat, geo = load_catalogue(), gazetteer()
    loaded = load_scenario(SCENARIO)
    s = loaded.scenario
    airports = list(geo.airports.values())
    counties = Sites.of([p for p in geo.places.values() if p.level == "county"])
    fleet = make_bases(s.forces.aviation, s.start, s.hours, cat)
    helicopters = [t for t, a in cat.aircraft.items() if a.kind == "helicopter"]
    cands = candidate_bases(airports, helicopters, s.start, s.hours, cat)
    print(f"fastest of {args.repeats}; {len(counties)} counties, {len(airports)} airports, "
          f"{len(fleet)} fleet type-bases, {len(cands)} candidate (airport, type) pairs")

    sec, reach = fastest(lambda: static_reach(fleet, counties, airports, cat), args.repeats)
    print(f"static reach, fleet x all counties      {sec * 1000:8.1f} ms  ({len(fleet)} x {len(counties)}, "
          f"{reach.share_within()[0]:.1%} of counties within 2 h)")
    sec, _ = fastest(lambda: static_reach(cands, counties, airports, cat), args.repeats)
    print(f"static reach, candidates x all counties {sec * 1000:8.1f} ms  ({len(cands)} x {len(counties)}, "
          f"full refuel search)")
    sec, cov = fastest(lambda: coverage(cands, counties, reach.minutes, airports, cat, 120.0), args.repeats)
    print(f"2 h coverage sets, candidates x counties {sec * 1000:7.1f} ms")
    sec, sol = fastest(lambda: mclp(cov, 10), args.repeats)
    print(f"MCLP K=10 MILP, all counties             {sec * 1000:7.1f} ms  (HiGHS {sol.seconds * 1000:.1f} ms; "
          f"{cov.share(cov.existing):.1%} -> {cov.share(sol.covered):.1%} of people)")
    for name, path in (("Luding", LUDING), ("national", SCENARIO)):
        sec, n = geography(path, args.repeats)
        print(f"geography added to a world, {name:8s}     {sec * 1000:7.1f} ms  ({n} counties: areas + DEM elevations)")
    prone = scenario_reach(loaded)
    pcov = coverage(cands, prone.sites, prone.minutes, airports, cat, 60.0)
    sec, sol = fastest(lambda: mclp(pcov, 10), args.repeats)
    print(f"MCLP K=10 MILP, {len(prone.sites)} prone sites, 1 h   {sec * 1000:7.1f} ms  "
          f"(HiGHS {sol.seconds * 1000:.1f} ms; {pcov.share(pcov.existing):.1%} -> "
          f"{pcov.share(sol.covered):.1%} of people)")


if __name__ == "__main__":
    main()
