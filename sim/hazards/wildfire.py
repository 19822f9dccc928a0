"""Forest fire: spread over a fuel grid with wind, held by fire lines and water drops.

Spread rate follows Wang Zhengfei's model (王正非, 1983, 山火初始蔓延速度测算法, 山地研究 1(2): 42-51),
R = R0 Ks Kw with the wind factor Kw = exp(0.1783 V) (V in m/s); towards a direction at angle theta
from the downwind direction we use the wind component, Kw = exp(0.1783 V cos theta), so the burned
shape is an egg stretched downwind. On the grid, fire passes from a burning cell to each of its 8
neighbours after distance / R: a cellular automaton of the minimum-travel-time kind (cf.
Karafyllidis & Thanailakis 1997, Ecological Modelling 99: 87-97), advanced one step at a time by
vectorised relaxation (numpy). Without suppression its arrival times equal the shortest paths of
the same lattice, which is how warnings forecast the fire's arrival at each place (Dijkstra once).
Suppression is fire line: forest fire teams build it at `line_m_per_h`; each water drop is worth
water / coverage / strip width metres of it (catalogue `fire_settings`). Each step the line goes to
the threatened cells the fire would reach first; the fire is contained when none are left.
"""
from __future__ import annotations

import math
from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, PositiveInt

from sim.hazards.earthquake import Damage
from sim.hazards.warnings import PublicWarning, evacuate, warn
from sim.world.geo import gc_km

WIND_COEF = 0.1783                                      # Wang Zhengfei 1983
OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))   # (rows south, cols east)
KM_PER_DEG = 111.32
KILLED_SHARE, INJURED_SHARE, HOMELESS_SHARE = 1e-4, 1e-3, 0.3   # of people who stayed where fire arrives; assumption
AREA_REPORTS = ((1000.0, "burned_1000ha"), (100.0, "burned_100ha"), (1.0, "burned_1ha"))


class Grid(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    rows: PositiveInt = Field(le=2000)
    cols: PositiveInt = Field(le=2000)
    cell_m: PositiveFloat


class Fuel(BaseModel):
    """Burnable share of cells (the rest: rock, bog, water, roads) and Wang's fuel factor Ks."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    forest_share: float = Field(1.0, ge=0, le=1)
    ks: PositiveFloat = 1.0


class FireGrid:
    """Arrival times (minutes) over the grid; cells burn once reached, line cells never do."""

    def __init__(self, ks: np.ndarray, cell_m: float, r0_m_per_min: float, wind_ms: float, wind_from_deg: float,
                 origin: tuple[int, int]) -> None:
        self.ks, self.cell_m = ks, cell_m
        self.arr = np.full(ks.shape, np.inf)
        self.arr[origin] = 0.0
        self.line = ks <= 0
        to = math.radians(wind_from_deg + 180)                    # the direction the wind blows towards
        wx, wy = math.sin(to), math.cos(to)                       # east, north
        self.tt, self.rates = [], []
        for dr, dc in OFFSETS:
            dist = cell_m * math.hypot(dr, dc)
            cos = (dc * wx - dr * wy) / math.hypot(dr, dc)
            rate = r0_m_per_min * math.exp(WIND_COEF * wind_ms * cos)
            self.rates.append(rate)
            with np.errstate(divide="ignore"):
                self.tt.append(np.where(ks > 0, dist / (rate * ks), np.inf))

    def sweep(self, end: float) -> bool:
        """One relaxation: cells burning by `end` pass fire to their neighbours; True if one burning by
        `end` changed (so another sweep may move the fire on)."""
        src = np.where(self.arr <= end, self.arr, np.inf)
        before = self.arr.copy()
        for tt, (ts, ss) in zip(self.tt, _slices(self.arr.shape)):
            np.minimum(self.arr[ts], src[ss] + tt[ts], out=self.arr[ts])
        self.arr[self.line] = np.inf
        return bool(((self.arr < before) & (self.arr <= end)).any())

    def step(self, end: float) -> int:
        """Advance to `end`: relax until no new cell catches fire by then; the number of sweeps."""
        n = 1
        while self.sweep(end):
            n += 1
        return n

    def threatened(self, end: float) -> np.ndarray:
        """Flat indices of unburned cells the fire would reach next, soonest first."""
        flat = self.arr.ravel()
        idx = np.flatnonzero(np.isfinite(flat) & (flat > end))
        return idx[np.argsort(flat[idx], kind="stable")]

    def hold(self, cells: np.ndarray) -> None:
        """Fire line on these cells: they will not burn."""
        self.line.ravel()[cells] = True
        self.arr.ravel()[cells] = np.inf

    def burned_ha(self, at: float) -> float:
        return float((self.arr <= at).sum()) * self.cell_m ** 2 / 1e4

    def perimeter(self, at: float, most: int = 120) -> np.ndarray:
        """(row, col) of burned cells on the edge, ordered around the centroid, at most `most` of them."""
        burned = self.arr <= at
        pad = np.pad(burned, 1)
        inner = pad[:-2, 1:-1] & pad[2:, 1:-1] & pad[1:-1, :-2] & pad[1:-1, 2:]
        rc = np.argwhere(burned & ~inner)
        if len(rc) == 0:
            return rc
        c = rc.mean(axis=0)
        rc = rc[np.argsort(np.arctan2(rc[:, 0] - c[0], rc[:, 1] - c[1]), kind="stable")]
        return rc[np.linspace(0, len(rc) - 1, min(most, len(rc))).astype(int)]

    def forecast(self) -> np.ndarray:
        """Free-burn arrival times (no suppression from now on): Dijkstra on the same lattice."""
        from scipy.sparse import coo_matrix  # here, not at the top: validating a scenario needs no scipy
        from scipy.sparse.csgraph import dijkstra
        rows, cols = self.arr.shape
        ids = np.arange(rows * cols).reshape(rows, cols)
        u, v, w = [], [], []
        for tt, (ts, ss) in zip(self.tt, _slices(self.arr.shape)):
            ok = np.isfinite(tt[ts]) & ~self.line[ts]
            u.append(ids[ss][ok])
            v.append(ids[ts][ok])
            w.append(tt[ts][ok] + 1e-9)
        graph = coo_matrix((np.concatenate(w), (np.concatenate(u), np.concatenate(v))), shape=(ids.size, ids.size))
        first = float(self.arr.min())
        dist = dijkstra(graph.tocsr(), directed=True, indices=np.flatnonzero(self.arr.ravel() == first), min_only=True)
        return dist.reshape(rows, cols) + first


class Wildfire(BaseModel):
    """A forest fire in a scenario's `hazards:` list, and the process that spreads and fights it."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: Literal["wildfire"]
    ignition: tuple[float, float]
    at_h: NonNegativeFloat = 0.0
    grid: Grid
    fuel: Fuel = Fuel()
    spread_m_per_min: PositiveFloat = Field(description="R0: calm, flat spread rate of Wang's model")
    wind_ms: NonNegativeFloat = 0.0
    wind_from_deg: float = Field(270.0, ge=0, lt=360)
    detect_min: NonNegativeFloat = 30.0
    walk_in_min: NonNegativeFloat = Field(60.0, description="from the road end to the fire line on foot")
    water_sources: list[tuple[float, float]] = Field(min_length=1)
    report_every_min: PositiveFloat = 60.0
    warning: PublicWarning | None = None
    origin_key: ClassVar[str] = "ignition"

    @property
    def origin(self) -> tuple[float, float]:
        return self.ignition

    def build(self, rng: np.random.Generator) -> FireGrid:
        """The fuel grid (burnable cells drawn with `forest_share`) with the fire lit at its centre."""
        shape = (self.grid.rows, self.grid.cols)
        ks = np.where(rng.random(shape) < self.fuel.forest_share, self.fuel.ks, 0.0)
        centre = (self.grid.rows // 2, self.grid.cols // 2)
        ks[centre] = self.fuel.ks
        return FireGrid(ks, self.grid.cell_m, self.spread_m_per_min, self.wind_ms, self.wind_from_deg, centre)

    def latlon(self, rc: np.ndarray) -> np.ndarray:
        """Centres (lat, lon) of grid cells given as (row, col) rows."""
        rc = np.atleast_2d(rc).astype(float)
        km = self.grid.cell_m / 1000
        lat = self.ignition[0] - (rc[:, 0] - self.grid.rows // 2) * km / KM_PER_DEG
        lon = self.ignition[1] + (rc[:, 1] - self.grid.cols // 2) * km / (KM_PER_DEG * math.cos(math.radians(lat[0])))
        return np.column_stack([lat, lon])

    def cell_of(self, lat: float, lon: float) -> tuple[int, int] | None:
        km = self.grid.cell_m / 1000
        r = round(self.grid.rows // 2 - (lat - self.ignition[0]) * KM_PER_DEG / km)
        c = round(self.grid.cols // 2 + (lon - self.ignition[1]) * KM_PER_DEG * math.cos(math.radians(lat)) / km)
        return (r, c) if 0 <= r < self.grid.rows and 0 <= c < self.grid.cols else None

    def step_min(self, fire: FireGrid) -> float:
        """About one cell of head-fire advance per step."""
        return self.grid.cell_m / (max(fire.rates) * max(self.fuel.ks, 1e-9))

    def run(self, model):
        """Ignite, detect, warn the places in the forecast path, send crews and aircraft, spread."""
        env = model.env
        yield env.timeout(max(0.0, self.at_h * 60 - env.now))
        fire = FireState(self, self.build(model.streams["hazard"]), env.now)
        model.recorder.record(env.now, "ignition", "hazard", "", lat=self.ignition[0], lon=self.ignition[1])
        yield env.timeout(self.detect_min)
        model.command.take_lead(self.ignition)
        model.command.report_condition(self.type, "fire_reported", "")
        self._warn_path(model, fire)
        fire.dispatch(model)
        yield from fire.burn(model)

    def _warn_path(self, model, fire: FireState) -> None:
        forecast = fire.grid.forecast()
        for place, (r, c) in fire.places(model):
            if math.isfinite(forecast[r, c]):
                fire.forecast[place.id] = fire.start + float(forecast[r, c])
                warn(model, self.warning, place, fire.forecast[place.id], self.type)


class FireState:
    """One fire while it burns: its grid, the line built so far, the crews and aircraft on it."""

    def __init__(self, spec: Wildfire, grid: FireGrid, start: float) -> None:
        self.spec, self.grid, self.start = spec, grid, start
        self.line_m = 0.0            # line built or water dropped, not yet placed on the grid
        self.crew_m_per_h = 0.0
        self.held = 0                # cells held by line so far
        self.active = True
        self.forecast: dict[str, float] = {}
        self.reported: set[str] = set()

    def places(self, model) -> list:
        out = []
        for p in model.world.candidates:
            cell = self.spec.cell_of(p.lat, p.lon)
            if cell is not None and p.population > 0:
                out.append((p, cell))
        return out

    def dispatch(self, model) -> None:
        """Every idle forest fire team and every idle aircraft with a bucket or tank goes to the fire."""
        node = model.world.roads.nearest(*self.spec.ignition)
        for u in model.teams:
            if u.spec.line_m_per_h > 0 and u.status == "idle" and not u.missions.items:
                u.status = "firefighting"
                model.env.process(self._crew(model, u, node))
        drops = model.catalogue.water_drops
        for a in model.aircraft:
            if a.type_name in drops and a.status == "idle" and not a.missions.items:
                a.status = "firefighting"
                model.env.process(self._bomber(model, a, drops[a.type_name]))

    def _crew(self, model, unit, node: int):
        minutes = unit.eta_min(node) + self.spec.walk_in_min
        if math.isinf(minutes):
            unit.status = "idle"
            return
        here = model.world.roads.nodes[unit.node]
        model.recorder.record(model.env.now, "depart", unit.name, "fire", minutes=minutes, status="driving",
                              lat=here.lat, lon=here.lon, to=list(self.spec.ignition))
        yield model.env.timeout(minutes)
        model.recorder.record(model.env.now, "arrive", unit.name, "fire", mission="fire_line", status="working",
                              lat=self.spec.ignition[0], lon=self.spec.ignition[1])
        self.crew_m_per_h += unit.spec.line_m_per_h

    def _bomber(self, model, a, drop):
        """Launch, then cycle: to the nearest water source, fill, back, drop; refuel at base when short."""
        env, (lat, lon) = model.env, self.spec.ignition
        water_km = min(gc_km(lat, lon, w[0], w[1]) for w in self.spec.water_sources)
        home_km = gc_km(lat, lon, a.base.lat, a.base.lon)
        line_per_drop = drop.water_kg / model.catalogue.fire_settings.coverage_l_per_m2 / \
            model.catalogue.fire_settings.wet_strip_m
        while self.active:
            yield env.timeout(a.ready_delay(env.now))
            yield from _fly(model, a, lat, lon, home_km, "fire")
            while self.active and a.fuel_km >= 2 * water_km + home_km and _daylight(a, env.now):
                yield env.timeout(2 * water_km / a.kmh * 60 + drop.fill_min + drop.drop_min)
                a.fuel_km -= 2 * water_km
                self.line_m += line_per_drop
                model.recorder.record(env.now, "water_drop", a.name, "fire", kg=drop.water_kg, line_m=line_per_drop,
                                      lat=lat, lon=lon, status="working", water_km=water_km)
            yield from _fly(model, a, a.base.lat, a.base.lon, home_km, a.base.icao)
            yield env.timeout(a.spec.refuel_min)
            a.fuel_km = a.full_km
        a.status = "idle"
        model.command.aircraft_free(a)

    def burn(self, model):
        """Step the fire until it is contained or the scenario ends; events for the viewer and command."""
        env, grid, spec = model.env, self.grid, self.spec
        dt, last_report = spec.step_min(grid), -math.inf
        places = self.places(model)
        while env.now < model.spec.hours * 60:
            yield env.timeout(dt)
            end = env.now - self.start
            self.line_m += self.crew_m_per_h * dt / 60
            grid.step(end)
            held = self._hold(end)
            self._strike(model, places, end)
            self._report_area(model, end)
            contained = len(grid.threatened(end)) == 0
            if contained or env.now - last_report >= spec.report_every_min:
                last_report = env.now
                self._record_perimeter(model, end, held)
            if contained:
                self.active = False
                model.recorder.record(env.now, "fire_contained", "hazard", "", area_ha=grid.burned_ha(end))
                return

    def _hold(self, end: float) -> int:
        cells = int(self.line_m // self.grid.cell_m)
        if cells == 0:
            return 0
        front = self.grid.threatened(end)[:cells]
        self.grid.hold(front)
        self.held += len(front)
        self.line_m -= len(front) * self.grid.cell_m
        return len(front)

    def _strike(self, model, places: list, end: float) -> None:
        for place, (r, c) in places:
            if self.grid.arr[r, c] <= end and not any(g.place.id == place.id for g in model.groups):
                gone = evacuate(model, self.spec.warning, place, self.forecast.get(place.id, model.env.now))
                rng, stay = model.streams["hazard"], max(0, place.population - gone)
                killed = int(rng.binomial(stay, KILLED_SHARE))
                dmg = Damage(0.0, killed, 0, int(rng.binomial(stay - killed, INJURED_SHARE)),
                             int(rng.binomial(stay - killed, HOMELESS_SHARE)))
                group = model.hit(place, dmg, hazard=self.spec.type)
                group.evacuated += gone

    def _report_area(self, model, end: float) -> None:
        area = self.grid.burned_ha(end)
        for ha, key in AREA_REPORTS:
            if area >= ha and key not in self.reported:
                self.reported.add(key)
                model.command.report_condition(self.spec.type, key, "")
                break

    def _record_perimeter(self, model, end: float, held: int) -> None:
        pts = self.spec.latlon(self.grid.perimeter(end)) if self.grid.burned_ha(end) else np.zeros((0, 2))
        model.recorder.record(model.env.now, "fire_perimeter", "hazard", "", area_ha=self.grid.burned_ha(end),
                              line_cells=self.held, held_now=held,
                              perimeter=[[float(a), float(b)] for a, b in pts])


def _slices(shape: tuple[int, int]) -> list[tuple[tuple[slice, slice], tuple[slice, slice]]]:
    """(target, source) slices of the grid for each neighbour offset: target = source + offset."""
    rows, cols = shape
    return [((slice(max(dr, 0), rows + min(dr, 0)), slice(max(dc, 0), cols + min(dc, 0))),
             (slice(max(-dr, 0), rows + min(-dr, 0)), slice(max(-dc, 0), cols + min(-dc, 0)))) for dr, dc in OFFSETS]


def _daylight(aircraft, now: float) -> bool:
    """Water bombing by day: no wait for dawn or weather before another sortie (night types included)."""
    return aircraft.ready_delay(now) <= aircraft.spec.alert_min.day + 1e-9


def _fly(model, aircraft, lat: float, lon: float, km: float, place: str):
    """A direct leg (the fire is within range of the base: checked by the cycle's fuel rule)."""
    aircraft.status = "flying"
    model.recorder.record(model.env.now, "fly", aircraft.name, place, km=km, minutes=km / aircraft.kmh * 60,
                          fuel_km=aircraft.fuel_km, to=[lat, lon], status="flying", lat=aircraft.lat, lon=aircraft.lon)
    yield model.env.timeout(km / aircraft.kmh * 60)
    aircraft.fuel_km -= km
    aircraft.lat, aircraft.lon = lat, lon
    aircraft.status = "working"
