"""Disaster-prone counties, shipped as data: the sites the 2-hour aviation target is about.

One YAML file per hazard under scenarios/disaster-prone/ lists zones (a fault, a flood-storage
basin, a forest region), each with its source and its counties by the names the gazetteer
resolves. A misspelt or ambiguous county stops here with `file:line: field: message`.
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


class Zone(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    zone: str
    source: str = Field(min_length=1, description="where the list of counties comes from")
    counties: list[str] = Field(min_length=1)


class ProneSet(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    hazard: Hazard
    title: str
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
    if problems:
        raise ScenarioError(problems)
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
