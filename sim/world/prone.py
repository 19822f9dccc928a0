"""Disaster-prone counties, shipped as data: the sites the 2-hour aviation target is about.

One YAML file per hazard under scenarios/disaster-prone/ lists zones (a fault, a flood-storage
area, a forest region), each with its source, the source's date and its counties by the names the
gazetteer resolves. Each zone says how far it is sourced: `status` is `official` when the zone
itself is named in an official list (`official:` gives the list, its date and its counts), else
`compiled` (our planning set from the cited reports); `mapping` says whether the county list
is `verified` against a source or still `unverified`. `reach` prints both, so nothing unsourced
passes for official. A misspelt or ambiguous county stops here with `file:line: field: message`.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.scenario.yamlio import ScenarioError, YamlDoc
from sim.world.geo import gazetteer

PRONE_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "disaster-prone"
Hazard = Literal["earthquake", "flood", "forest_fire"]


Status = Literal["official", "compiled"]
Mapping = Literal["verified", "unverified"]


class OfficialList(BaseModel):
    """An official list the zones come from, with the counts it states (to check the zones against)."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str
    issued: str = Field(description="who issued it and when, e.g. 'State Council, 2010-01-07'")
    source: str = Field(min_length=1)
    counts: dict[str, int] = {}         # zones per group (basin), as the list states them


class Zone(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    zone: str
    source: str = Field(min_length=1, description="where the list of counties comes from")
    date: str = Field(min_length=4, description="date (or year) of the source")
    status: Status = "compiled"
    group: str | None = None            # e.g. the basin, for the official list's counts
    mapping: Mapping = Field("unverified", description="is the county list checked against a source?")
    counties: list[str] = Field(min_length=1)


class ProneSet(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    hazard: Hazard
    title: str
    official: list[OfficialList] = []
    zones: list[Zone] = Field(min_length=1)


def load_prone(path: Path) -> dict[str, list[str]]:
    """County adcode -> zones it belongs to, for one hazard file; ScenarioError lists every problem."""
    doc = YamlDoc(path)
    prone = doc.validate(ProneSet)
    geo, problems, out = gazetteer(), [], {}
    if prone.hazard != path.stem.replace("-", "_"):
        problems.append(doc.problem(("hazard",), f"'{prone.hazard}' does not match the file name {path.name}"))
    for i, zone in enumerate(prone.zones):
        for j, name in enumerate(zone.counties):
            try:
                place = geo.find(name)
            except KeyError as exc:
                problems.append(doc.problem(("zones", i, "counties", j), exc.args[0]))
                continue
            if place.level != "county":
                problems.append(doc.problem(("zones", i, "counties", j), f"'{name}' is a {place.level}, not a county"))
            else:
                out.setdefault(place.id, []).append(zone.zone)
    problems += _count_problems(doc, prone)
    if problems:
        raise ScenarioError(problems)
    return out


def _count_problems(doc: YamlDoc, prone: ProneSet) -> list[str]:
    """An official list's stated counts per group must match its official zones in the file."""
    out = []
    for i, lst in enumerate(prone.official):
        for group, n in lst.counts.items():
            have = sum(1 for z in prone.zones if z.status == "official" and z.group == group)
            if have != n:
                out.append(doc.problem(("official", i, "counts", group),
                                       f"{lst.name} lists {n} zones in {group}, the file has {have}"))
    return out


@cache
def zones_of(path: Path) -> ProneSet:
    """The validated prone set of one file (for the labels `reach` prints)."""
    return YamlDoc(path).validate(ProneSet)


def sourcing(hazards: Iterable[str], directory: Path = PRONE_DIR) -> dict[str, tuple[Status, Mapping]]:
    """County adcode -> (best zone status, best county mapping) over the named hazard files."""
    geo, out = gazetteer(), {}
    rank = {("official", "verified"): 3, ("official", "unverified"): 2, ("compiled", "verified"): 1,
            ("compiled", "unverified"): 0}
    for hazard in hazards:
        for zone in zones_of(Path(directory) / f"{hazard.replace('_', '-')}.yaml").zones:
            label = (zone.status, zone.mapping)
            for name in zone.counties:
                code = geo.find(name).id
                if code not in out or rank[label] > rank[out[code]]:
                    out[code] = label
    return out


@cache
def _load_cached(path: Path) -> dict[str, list[str]]:
    return load_prone(path)


def prone_counties(hazards: Iterable[str], directory: Path = PRONE_DIR) -> dict[str, list[str]]:
    """County adcode -> hazards it is prone to, over the named hazard files (read once per process)."""
    out: dict[str, list[str]] = {}
    for hazard in hazards:
        for code in _load_cached(Path(directory) / f"{hazard.replace('_', '-')}.yaml"):
            out.setdefault(code, []).append(hazard)
    return out
