"""The world a scenario runs in: places in scope, the road and rail graphs between them, the airports.

Built once per scenario from the gazetteer; sites declared in the scenario either override a
county's census figures or add a town below county level. Every place has an elevation (the
scenario's where it gives one, else the packaged DEM: sim/world/terrain.py) and every county the
geodesic area of its amap polygon (sim/world/boundaries.py), so density is people per real km².
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np

from sim.scenario.catalogue import Catalogue
from sim.scenario.schema import Scenario, Site
from sim.world import boundaries, census, terrain
from sim.world.bases import base_place
from sim.world.geo import Airport, Place, gazetteer, haversine_km
from sim.world.rail import build_rail
from sim.world.roads import Node, RoadNetwork
from sim.world.routes import Route


@dataclass
class World:
    places: dict[str, Place]            # counties of the region, their cities and provinces, towns
    candidates: list[Place]             # places a hazard can hit (counties and towns)
    county_of: dict[str, str]           # town id -> county id
    elevation: dict[str, float]         # metres, every place: the scenario's, else the DEM's (elevation_source)
    roads: RoadNetwork
    airports: list[Airport]
    airport_lat: np.ndarray
    airport_lon: np.ndarray
    _airport_km: dict[tuple[float, float], tuple[np.ndarray, float]] = field(default_factory=dict)
    routes: dict[tuple, Route | None] = field(default_factory=dict)     # aircraft routes, see plan_route
    elevation_source: dict[str, str] = field(default_factory=dict)     # place id -> "scenario" or "dem"
    area_km2: dict[str, float] = field(default_factory=dict)           # county id -> geodesic km² of its polygon
    provinces: tuple[str, ...] = ()                                    # the region's province adcodes
    rail: RoadNetwork | None = None                                    # railheads: sim/world/rail.py
    cand_lat: np.ndarray = field(init=False)     # candidates' coordinates, for hazards that test them all
    cand_lon: np.ndarray = field(init=False)
    _counties: list[int] = field(init=False)     # indices of the candidates that are counties
    _cells: tuple | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.cand_lat = np.array([p.lat for p in self.candidates])
        self.cand_lon = np.array([p.lon for p in self.candidates])
        self._counties = [i for i, p in enumerate(self.candidates) if p.level == "county"]

    def nearest_county(self, lat: float, lon: float) -> Place:
        """The county (of the region) whose seat is nearest a point."""
        i = self._counties
        d = haversine_km(lat, lon, self.cand_lat[i], self.cand_lon[i])
        return self.candidates[i[int(np.argmin(d))]]

    def density_per_km2(self, lat: float, lon: float, km: float = 50.0) -> float:
        """People per km² of the counties whose seats lie within `km` of a point (real county areas).

        Their towns' people count toward them; counties without a polygon are left out of both sums.
        """
        ids = [p.id for p in self.candidates if p.level == "county" and np.isfinite(self.area_km2.get(p.id, np.nan))]
        if not ids:
            return 0.0
        seats = np.array([[self.places[i].lat, self.places[i].lon] for i in ids])
        near = set(np.array(ids)[haversine_km(lat, lon, seats[:, 0], seats[:, 1]) <= km])
        people = sum(p.population for p in self.candidates if (self.county_of.get(p.id, p.id)) in near)
        area = sum(self.area_km2[i] for i in near)
        return float(people / area) if area else 0.0

    def county_cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The region's land cells as (lat, lon, km², index of the candidate county holding it or -1):
        where a county's people live, spread evenly over its land, for hazards that integrate
        over a county rather than judge it at its seat. Built once per world."""
        if self._cells is None:
            grid = boundaries.land_grid(self.provinces)
            amap = {c.amap: c.code for c in boundaries.county_areas(self.provinces).values() if c.amap}
            index = {p.id: i for i, p in enumerate(self.candidates) if p.level == "county"}
            owner = np.array([index.get(amap.get(code, ""), -1) for code in grid.counties], dtype=np.int64)
            self._cells = (grid.lat, grid.lon, grid.cell_km2, owner[grid.county] if len(grid.county) else owner[:0])
        return self._cells

    def land_area_km2_at_or_above(self, value, levels) -> dict[float, float]:
        """Land area of the region where `value(lat, lon)` >= each level (see boundaries.LandGrid)."""
        return boundaries.land_grid(self.provinces).area_km2_at_or_above(value, levels)

    def km_to_airports(self, lat: float, lon: float) -> tuple[np.ndarray, float]:
        """Great-circle km from a point to every airport, and to the nearest one (cached by point)."""
        key = (lat, lon)
        if key not in self._airport_km:
            km = haversine_km(lat, lon, self.airport_lat, self.airport_lon)
            self._airport_km[key] = (km, float(km.min()) if len(km) else 0.0)
        return self._airport_km[key]


def _counted(county: Place, when: date) -> Place:
    """A county with its census people and urban share on `when` (sim/world/census.py), where counted."""
    found = census.estimate(county.id, when)
    if found is None:
        return county
    return replace(county, population=found[0], population_source="census", urban_share=found[1])


def _overridden(county: Place, site: Site) -> Place:
    """A county as a scenario's site gives it: its own population and urban share, where given."""
    if site.population is not None:
        county = replace(county, population=site.population, population_source=_source(site))
    if site.urban_share is not None:
        county = replace(county, urban_share=site.urban_share)
    return county


def _source(site: Site) -> str:
    """Where a site's population comes from: a cited census or publication, or the scenario's own word."""
    return "cited" if site.source else "scenario"


def build_world(s: Scenario, cat: Catalogue) -> World:
    """Places, roads and airports for one scenario."""
    geo = gazetteer()
    counties = {p.id: _counted(p, s.start.date()) for p in geo.counties_in(s.region.provinces)}
    places: dict[str, Place] = {}
    county_of: dict[str, str] = {}
    elevation: dict[str, float] = {}
    for i, site in enumerate(s.sites):
        known = geo.lookup(site.name)
        if known is not None and known.level == "county":
            counties[known.id] = _overridden(counties.get(known.id) or _counted(known, s.start.date()), site)
            sid = known.id
        else:
            county = geo.find(site.county) if site.county else _nearest(list(counties.values()), site.lat, site.lon)
            sid = f"site:{i}:{site.name}"
            places[sid] = Place(sid, site.name, "site", site.lat, site.lon, county.province, county.city,
                                site.population, _source(site))
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
    provinces = tuple(sorted({p.province for p in counties.values()}))
    source = {pid: "scenario" for pid in elevation}
    elevation, source = _elevations(list(places.values()), elevation, source)
    return World(places, candidates, county_of, elevation, roads, airports,
                 np.array([a.lat for a in airports]), np.array([a.lon for a in airports]),
                 elevation_source=source, provinces=provinces, rail=_rail(s, list(places.values()), cat),
                 area_km2={c: a.area_km2 for c, a in boundaries.county_areas(provinces).items() if c in counties})


def _elevations(places: list[Place], typed: dict[str, float], source: dict[str, str]
                ) -> tuple[dict[str, float], dict[str, str]]:
    """Every place's elevation: the scenario's where it gives one, else the DEM's at the place."""
    dem = terrain.elevation_m([p.lat for p in places], [p.lon for p in places])
    out = {p.id: typed.get(p.id, float(z)) for p, z in zip(places, dem)}
    return out, {pid: source.get(pid, "dem") for pid in out}


def _force_places(s: Scenario) -> list[str]:
    names = [g.station for g in s.forces.fire_rescue] + [d.place for d in s.forces.depots]
    return names + [name for a in s.forces.aviation if (name := base_place(a.base))]


def _rail(s: Scenario, places: list[Place], cat: Catalogue) -> RoadNetwork | None:
    if s.rail is not None:
        return build_rail(places, cat.rail_settings, Path(s.rail.graphml), s.rail.default_speed_kmh)
    return build_rail(places, cat.rail_settings)


def _road_graph(places: list[Place], cat: Catalogue) -> RoadNetwork:
    rs = cat.road_settings
    mountain = tuple(rs.mountain_prefixes)
    nodes = [Node(p.id, p.lat, p.lon, p.city.startswith(mountain) or p.province.startswith(mountain))
             for p in places if p.level in ("county", "site", "city")]
    return RoadNetwork.approximate(nodes, rs)


def _nearest(places: list[Place], lat: float, lon: float) -> Place:
    d = haversine_km(lat, lon, np.array([p.lat for p in places]), np.array([p.lon for p in places]))
    return places[int(np.argmin(d))]
