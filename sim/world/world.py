"""The world a scenario runs in: places in scope, the road graph between them, the airports.

Built once per scenario from the gazetteer; sites declared in the scenario either override a
county's census figures or add a town below county level.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from sim.scenario.catalogue import Catalogue
from sim.scenario.schema import Scenario
from sim.world.geo import Airport, Place, gazetteer, haversine_km
from sim.world.roads import Node, RoadNetwork
from sim.world.routes import Route


@dataclass
class World:
    places: dict[str, Place]            # counties of the region, their cities and provinces, towns
    candidates: list[Place]             # places a hazard can hit (counties and towns)
    county_of: dict[str, str]           # town id -> county id
    elevation: dict[str, float]         # metres, where the scenario gives it
    roads: RoadNetwork
    airports: list[Airport]
    airport_lat: np.ndarray
    airport_lon: np.ndarray
    _airport_km: dict[tuple[float, float], tuple[np.ndarray, float]] = field(default_factory=dict)
    routes: dict[tuple, Route | None] = field(default_factory=dict)     # aircraft routes, see plan_route
    cand_lat: np.ndarray = field(init=False)     # candidates' coordinates, for hazards that test them all
    cand_lon: np.ndarray = field(init=False)
    _counties: list[int] = field(init=False)     # indices of the candidates that are counties

    def __post_init__(self) -> None:
        self.cand_lat = np.array([p.lat for p in self.candidates])
        self.cand_lon = np.array([p.lon for p in self.candidates])
        self._counties = [i for i, p in enumerate(self.candidates) if p.level == "county"]

    def nearest_county(self, lat: float, lon: float) -> Place:
        """The county (of the region) whose seat is nearest a point."""
        i = self._counties
        d = haversine_km(lat, lon, self.cand_lat[i], self.cand_lon[i])
        return self.candidates[i[int(np.argmin(d))]]

    def km_to_airports(self, lat: float, lon: float) -> tuple[np.ndarray, float]:
        """Great-circle km from a point to every airport, and to the nearest one (cached by point)."""
        key = (lat, lon)
        if key not in self._airport_km:
            km = haversine_km(lat, lon, self.airport_lat, self.airport_lon)
            self._airport_km[key] = (km, float(km.min()) if len(km) else 0.0)
        return self._airport_km[key]


def build_world(s: Scenario, cat: Catalogue) -> World:
    """Places, roads and airports for one scenario."""
    geo = gazetteer()
    counties = {p.id: p for p in geo.counties_in(s.region.provinces)}
    places: dict[str, Place] = {}
    county_of: dict[str, str] = {}
    elevation: dict[str, float] = {}
    for i, site in enumerate(s.sites):
        known = geo.lookup(site.name)
        if known is not None and known.level == "county":
            counties[known.id] = replace(known, population=site.population, population_source="scenario")
            sid = known.id
        else:
            county = geo.find(site.county) if site.county else _nearest(list(counties.values()), site.lat, site.lon)
            sid = f"site:{i}:{site.name}"
            places[sid] = Place(sid, site.name, "site", site.lat, site.lon, county.province, county.city,
                                site.population, "scenario")
            county_of[sid] = county.id
            if county.id in counties:
                c = counties[county.id]
                counties[county.id] = replace(c, population=max(0, c.population - site.population))
        if site.elevation_m is not None:
            elevation[sid] = site.elevation_m
    candidates = list(counties.values()) + list(places.values())
    places.update(counties)
    for p in list(candidates):
        for upper in (p.city, p.province):
            if upper in geo.places:
                places.setdefault(upper, geo.places[upper])
    for name in _force_places(s):
        p = geo.find(name)
        places.setdefault(p.id, p)
    if s.roads is not None:
        roads = RoadNetwork.from_graphml(Path(s.roads.graphml), s.roads.default_speed_kmh)
    else:
        roads = _road_graph(list(places.values()), cat)
    airports = list(geo.airports.values())
    return World(places, candidates, county_of, elevation, roads, airports,
                 np.array([a.lat for a in airports]), np.array([a.lon for a in airports]))


def _force_places(s: Scenario) -> list[str]:
    names = [g.station for g in s.forces.fire_rescue] + [d.place for d in s.forces.depots]
    return names + [a.base for a in s.forces.aviation if a.base.upper() not in gazetteer().airports]


def _road_graph(places: list[Place], cat: Catalogue) -> RoadNetwork:
    rs = cat.road_settings
    mountain = tuple(rs.mountain_prefixes)
    nodes = [Node(p.id, p.lat, p.lon, p.city.startswith(mountain) or p.province.startswith(mountain))
             for p in places if p.level in ("county", "site", "city")]
    return RoadNetwork.approximate(nodes, rs)


def _nearest(places: list[Place], lat: float, lon: float) -> Place:
    d = haversine_km(lat, lon, np.array([p.lat for p in places]), np.array([p.lon for p in places]))
    return places[int(np.argmin(d))]
