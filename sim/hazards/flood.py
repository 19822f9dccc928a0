"""Flood (rainstorm or river): water depth over time per place -> closed roads, stranded people, deaths.

Depth at each place is a piecewise-linear curve: either declared (a hydrograph, [hour, metres]) or
built from an hourly rainfall series by a bucket model: water above the drainage capacity ponds in
the low-lying parts (depth = excess rain x `ponding`) and drains at that capacity after the rain.
Nothing ticks: the moments that matter (a threshold crossed up or down, the peak) are found in
closed form on the curve and scheduled.

Deaths among the people exposed follow the flood mortality functions of Jonkman, Vrijling &
Vrouwenvelder (2008), "Methods for the estimation of loss of life due to floods", Natural Hazards
46: 353-389: F(h) = Phi((ln h - mu) / sigma), mu = 7.60, sigma = 2.75 in general; mu = 1.46,
sigma = 0.28 where water rises fast (>= 0.5 m/h) and deep (>= 2.1 m). Who is exposed (street
level, basements, underpasses, low houses) is a per-place share: an assumption calibrated per
scenario. Stranded people need boats (`boat_team`) or helicopters; where every road is under
water, relief goes by air.
"""
from __future__ import annotations

import math
from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, field_validator, model_validator

from sim.hazards.earthquake import Damage
from sim.hazards.warnings import PublicWarning, evacuate, warn
from sim.world.geo import Place, gazetteer

MU_SIGMA = (7.60, 2.75)              # Jonkman et al. 2008, remaining zone
MU_SIGMA_RAPID = (1.46, 0.28)        # Jonkman et al. 2008, rapidly rising water
RAPID_RISE_M_PER_H, RAPID_DEPTH_M = 0.5, 2.1
INJURED_SHARE = 0.01                 # exposed survivors injured; assumption
STRANDED_SHARE = 0.5                 # exposed survivors cut off, waiting for boats or helicopters; assumption
STRANDED_LOSS_PER_DAY = 0.005        # stranded people lost per day of waiting (cold, water, illness); assumption
# The rainstorm warning a forecast of the declared rain calls for, most severe first: the CMA rainstorm
# signals (气象灾害预警信号及防御指南, China Meteorological Administration 2007): red >= 100 mm in 3 h,
# orange >= 50 mm in 3 h, yellow >= 50 mm in 6 h, blue >= 50 mm in 12 h.
RAIN_SIGNALS = (("red", 3, 100.0), ("orange", 3, 50.0), ("yellow", 6, 50.0), ("blue", 12, 50.0))


def mortality(peak_m: float, rise_m_per_h: float) -> float:
    """Share of exposed people killed by a flood of this peak depth and rise rate (Jonkman 2008)."""
    if peak_m <= 0:
        return 0.0
    rapid = rise_m_per_h >= RAPID_RISE_M_PER_H and peak_m >= RAPID_DEPTH_M
    mu, sigma = MU_SIGMA_RAPID if rapid else MU_SIGMA
    return 0.5 * (1 + math.erf((math.log(peak_m) - mu) / (sigma * math.sqrt(2))))


def stranded_survival(hours_waiting: float) -> float:
    """Share of stranded people still alive when a boat or a helicopter reaches them."""
    return (1 - STRANDED_LOSS_PER_DAY) ** (max(0.0, hours_waiting) / 24)


def rain_depth(rain_mm_per_h: list[float], start_h: float, drain_mm_per_h: float,
               ponding: float) -> tuple[np.ndarray, np.ndarray]:
    """Ponded depth (hours, metres) from an hourly rainfall series, including the drain-down after it."""
    hours, depth = [start_h], [0.0]
    rates = [(r - drain_mm_per_h) * ponding / 1000 for r in rain_mm_per_h]
    for i, rate in enumerate([*rates, -drain_mm_per_h * ponding / 1000]):
        t0, d0 = hours[-1], depth[-1]
        last = i == len(rates)
        if rate < 0 and (last or d0 + rate <= 0):
            if d0 > 0:
                hours.append(t0 + d0 / -rate)
                depth.append(0.0)
            if not last:
                hours.append(start_h + i + 1)
                depth.append(0.0)
        elif not last:
            hours.append(t0 + 1)
            depth.append(d0 + rate)
    return np.array(hours), np.array(depth)


def most_rain(rain_mm_per_h: list[float], hours: int) -> float:
    """Most rain (mm) in any `hours` consecutive hours of an hourly series (all of it if shorter)."""
    if not rain_mm_per_h:
        return 0.0
    total = np.concatenate([[0.0], np.cumsum(rain_mm_per_h)])
    k = min(hours, len(rain_mm_per_h))
    return float((total[k:] - total[:-k]).max())


def forecast_signal(series: list[list[float]]) -> str | None:
    """The most severe rainstorm signal any of these hourly series calls for, as the condition key
    (`forecast_rainstorm_red` ...) flood-control ladders are declared on: a response opened before the rain."""
    return next((f"forecast_rainstorm_{colour}" for colour, hours, mm in RAIN_SIGNALS
                 if any(most_rain(rain, hours) >= mm for rain in series)), None)


def crossings(hours: np.ndarray, depth: np.ndarray, level: float) -> list[tuple[float, bool]]:
    """Times (hours) the curve crosses `level`: (t, True) going above it, (t, False) falling back below."""
    out = []
    for t0, t1, d0, d1 in zip(hours[:-1], hours[1:], depth[:-1], depth[1:]):
        if (d0 < level <= d1) or (d0 >= level > d1):
            out.append((float(t0 + (level - d0) / (d1 - d0) * (t1 - t0)), bool(d1 > d0)))
    return out


def peak(hours: np.ndarray, depth: np.ndarray) -> tuple[float, float, float]:
    """(hour of the peak, peak depth, fastest rise in m/h) of a curve."""
    i = int(np.argmax(depth))
    dt = np.diff(hours)
    rise = np.diff(depth) / np.where(dt > 0, dt, np.inf)
    return float(hours[i]), float(depth[i]), float(rise.max(initial=0.0))


def flood_damage(population: int, evacuated: int, exposed_share: float, peak_m: float, rise: float,
                 rng: np.random.Generator) -> Damage:
    """People killed, stranded (trapped), injured and needing relief among those who stayed."""
    exposed = int(rng.binomial(max(0, population - evacuated), exposed_share))
    killed = int(rng.binomial(exposed, mortality(peak_m, rise)))
    injured = int(rng.binomial(exposed - killed, INJURED_SHARE))
    stranded = int(rng.binomial(exposed - killed - injured, STRANDED_SHARE))
    return Damage(0.0, killed, stranded, injured, exposed - killed)


def known_place(name: str) -> str:
    """A place name the gazetteer resolves (a schema check: the error carries its did-you-mean)."""
    try:
        gazetteer().find(name)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    return name


def place_named(model, name: str) -> Place:
    """The model's own record of a named place (with the scenario's census override, if any)."""
    p = gazetteer().find(name)
    return model.world.places.get(p.id, p)


class FloodPlace(BaseModel):
    """One place under water: a declared hydrograph, its own rainfall, or a share of the hazard's."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    place: str
    depth_m: list[tuple[NonNegativeFloat, NonNegativeFloat]] | None = Field(None, description="[hour, metres]")
    rain_mm_per_h: list[NonNegativeFloat] | None = None
    rain_scale: NonNegativeFloat = 1.0
    exposed_share: float = Field(0.05, gt=0, le=1, description="people in harm's way where it floods")
    urban: bool = False

    _known = field_validator("place")(classmethod(lambda cls, name: known_place(name)))

    @field_validator("depth_m")
    @classmethod
    def _increasing(cls, pts: list | None) -> list | None:
        if pts is not None and (len(pts) < 2 or any(b[0] <= a[0] for a, b in zip(pts, pts[1:]))):
            raise ValueError("give at least two [hour, metres] points with increasing hours")
        return pts


class Flood(BaseModel):
    """A flood in a scenario's `hazards:` list, and the process that floods its places."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: Literal["flood"]
    kind: Literal["rainstorm", "river"] = "rainstorm"
    centre: tuple[float, float]
    places: list[FloodPlace] = Field(min_length=1)
    rain_mm_per_h: list[NonNegativeFloat] | None = Field(None, description="hourly series at the reference gauge")
    rain_start_h: NonNegativeFloat = 0.0
    drain_mm_per_h: NonNegativeFloat = 40.0
    ponding: PositiveFloat = Field(5.0, description="ponded depth in low-lying parts / excess rain depth")
    road_close_depth_m: PositiveFloat = Field(0.3, description="cars stall and roads close above this")
    impact_depth_m: PositiveFloat = 0.3
    waterlogging_depth_m: PositiveFloat = Field(0.5, description="severe urban waterlogging (flood plan level III)")
    warning: PublicWarning | None = None
    origin_key: ClassVar[str] = "centre"

    @property
    def origin(self) -> tuple[float, float]:
        return self.centre

    @model_validator(mode="after")
    def _depth_source(self) -> Flood:
        for p in self.places:
            if p.depth_m is None and p.rain_mm_per_h is None and self.rain_mm_per_h is None:
                raise ValueError(f"{p.place}: give depth_m or rain_mm_per_h (here or for the whole flood)")
        return self

    def curve(self, p: FloodPlace) -> tuple[np.ndarray, np.ndarray]:
        """Depth over time (hours since start, metres) at one place."""
        if p.depth_m is not None:
            return np.array([h for h, _ in p.depth_m]), np.array([d for _, d in p.depth_m])
        return rain_depth(self.rain_at(p), self.rain_start_h, self.drain_mm_per_h, self.ponding)

    def rain_at(self, p: FloodPlace) -> list[float] | None:
        """The hourly rain at one place: its own series, or the gauge's scaled (None: a declared hydrograph)."""
        if p.rain_mm_per_h is not None:
            return p.rain_mm_per_h
        return None if p.depth_m is not None else [r * p.rain_scale for r in self.rain_mm_per_h]

    def forecast(self, model) -> None:
        """Report the rainstorm warning the forecast calls for, at the start: the declared rain stands in for
        the forecast (as a typhoon's best track does), and the worst series of the area decides."""
        signal = forecast_signal([r for r in [self.rain_mm_per_h, *map(self.rain_at, self.places)] if r])
        if signal:
            model.command.report_condition(self.type, signal, "")

    def run(self, model, called_off=None):
        """Schedule every place's crossings; `called_off` (an event) cancels what has not happened yet."""
        model.command.take_lead(self.centre)
        self.forecast(model)
        roads = FloodedRoads(model)
        for p in self.places:
            model.env.process(self._place(model, p, roads, called_off))
        yield model.env.timeout(0)

    def _place(self, model, fp: FloodPlace, roads: FloodedRoads, called_off):
        env, place = model.env, place_named(model, fp.place)
        hours, depth = self.curve(fp)
        t_peak, top, rise = peak(hours, depth)
        impact = next((t for t, up in crossings(hours, depth, self.impact_depth_m) if up), None)
        if impact is not None:
            warn(model, self.warning, place, impact * 60, self.type)
        for t, what in self._moments(hours, depth, fp, impact, t_peak):
            yield env.timeout(max(0.0, t * 60 - env.now))
            if called_off is not None and called_off.triggered:
                return
            model.recorder.record(env.now, "flood_depth", "hazard", place.id, depth_m=float(np.interp(t, hours, depth)),
                                  moment=what, lat=place.lat, lon=place.lon)
            self._act(model, what, place, roads, (fp, top, rise))

    def _moments(self, hours, depth, fp: FloodPlace, impact: float | None, t_peak: float) -> list[tuple[float, str]]:
        roads = crossings(hours, depth, self.road_close_depth_m)
        out = [(t, "road_flooded" if up else "road_reopened") for t, up in roads]
        if impact is not None:
            out.append((impact, "impact"))
        if fp.urban:
            out += [(t, "waterlogging") for t, up in crossings(hours, depth, self.waterlogging_depth_m) if up][:1]
        out.append((t_peak, "peak"))
        return sorted(out)

    def _act(self, model, what: str, place: Place, roads: FloodedRoads, damage_args) -> None:
        if what == "road_flooded":
            roads.flood(place)
        elif what == "road_reopened":
            roads.drain(place)
        elif what == "waterlogging":
            model.command.report_condition(self.type, "severe_urban_waterlogging", place.id)
        elif what == "impact":
            model.command.report_condition(self.type, "over_warning_level", place.id)
            self._strike(model, place, *damage_args)

    def _strike(self, model, place: Place, fp: FloodPlace, top: float, rise: float) -> None:
        if any(g.place.id == place.id for g in model.groups):
            return                        # already struck by another hazard: one group per place
        gone = evacuate(model, self.warning, place, model.env.now)
        dmg = flood_damage(place.population, gone, fp.exposed_share, top, rise, model.streams["hazard"])
        group = model.hit(place, dmg, hazard=self.type, depth_m=top)
        group.evacuated += gone
        onset_h = model.env.now / 60
        group.survival_at = lambda hours: stranded_survival(hours - onset_h)


class FloodedRoads:
    """Roads into a place under water close (factor inf) and reopen, with their earlier factor, once
    neither end is flooded."""

    def __init__(self, model) -> None:
        self.model, self.wet, self.saved = model, set(), {}

    def _edges(self, node: int) -> np.ndarray:
        roads = self.model.world.roads
        return np.flatnonzero((roads.u == node) | (roads.v == node))

    def flood(self, place: Place) -> None:
        node = self.model.node_at(place)
        self.wet.add(node)
        edges = np.array([e for e in self._edges(node) if e not in self.saved], dtype=np.int64)
        if len(edges):
            self.saved.update({int(e): float(self.model.world.roads.factor[e]) for e in edges})
            self.model.damage_roads(edges, np.full(len(edges), np.inf))
            self.model.recorder.record(self.model.env.now, "road_flooded", "hazard", place.id, edges=len(edges))

    def drain(self, place: Place) -> None:
        roads, node = self.model.world.roads, self.model.node_at(place)
        self.wet.discard(node)
        edges = [int(e) for e in self._edges(node) if e in self.saved and roads.u[e] not in self.wet
                 and roads.v[e] not in self.wet]
        if edges:
            self.model.damage_roads(np.array(edges, dtype=np.int64), np.array([self.saved.pop(e) for e in edges]))
            self.model.recorder.record(self.model.env.now, "road_reopened", "hazard", place.id, edges=len(edges))
