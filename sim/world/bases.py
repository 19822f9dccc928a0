"""Where an aviation force is based: an airport, a named place's nearest airport, or a named point.

Aerial forest-protection stations, hospital helipads and temporary landing points are not in any
airport list, so a base may be given as `{name, lat, lon}`; it becomes an `Airport` record named
after it (its `icao` is the name), with the DEM's elevation unless the scenario gives one, and the
aircraft, the reach study and the siting study treat it like any other base. Bases can also come
from a CSV file (columns name, lat, lon, type, count; optional kind, elevation_m) for `reach` and
`site --bases`.
"""
from __future__ import annotations

import csv
from pathlib import Path

from pydantic import ValidationError

from sim.scenario.schema import AviationForce, BasePoint
from sim.scenario.yamlio import ScenarioError
from sim.world import terrain
from sim.world.geo import Airport, gazetteer

CSV_COLUMNS = ("name", "lat", "lon", "type", "count")


def resolve_base(base: str | BasePoint) -> Airport:
    """The airport (or the point, as an Airport record) an aircraft flies from."""
    if isinstance(base, BasePoint):
        typed = base.elevation_m
        elevation = typed if typed is not None else float(terrain.elevation_m(base.lat, base.lon)[0])
        return Airport(base.name, base.name, base.lat, base.lon, elevation)
    geo = gazetteer()
    return geo.airport(base) if base.upper() in geo.airports else geo.nearest_airport(base)


def base_place(base: str | BasePoint) -> str | None:
    """The place name a base refers to, if it is neither an ICAO code nor a point (for the world's places)."""
    return base if isinstance(base, str) and base.upper() not in gazetteer().airports else None


def read_bases_csv(path: Path) -> list[AviationForce]:
    """Aviation forces from a CSV of bases; ScenarioError lists every bad row as `file:line: column: message`."""
    problems, out = [], []
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ScenarioError([f"{path}:1: header: missing column(s) {', '.join(missing)}; "
                                 f"expected {', '.join(CSV_COLUMNS)}"])
        for row in reader:
            try:
                point = BasePoint(name=row["name"], lat=row["lat"], lon=row["lon"], kind=row.get("kind") or "station",
                                  elevation_m=row.get("elevation_m") or None)
                out.append(AviationForce(type=row["type"], base=point, count=row["count"]))
            except ValidationError as exc:
                problems += [f"{path}:{reader.line_num}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                             for e in exc.errors()]
    if problems:
        raise ScenarioError(problems)
    return out
