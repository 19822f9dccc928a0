"""Incident streams: routine and seasonal demand as Poisson processes of hazards, or a replayed catalogue.

A scenario's `incidents:` list says how often each kind of hazard strikes a set of places (the
disaster-prone sets, provinces, explicit counties) and how big it is (a stated distribution), or
names a catalogue CSV (time, place, kind, size) to replay. Each incident becomes an ordinary hazard
(earthquake, flood, typhoon, wildfire) or a `call` (a place that needs one aircraft) on the one clock.
A stream draws its times, places and sizes once, when the run is built, from its own substream
(`incidents:<i>:<kind>`), so a plan change faces the same season (common random numbers). Every
place an incident strikes records `incident=<id>` in its impact event, so the KPIs count one site
per incident even where incidents repeat at one place.
"""
from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, field_validator, model_validator

from sim.hazards.earthquake import Damage, Earthquake
from sim.hazards.flood import Flood, FloodPlace, flood_damage, stranded_survival
from sim.hazards.typhoon import TrackPoint, Typhoon
from sim.hazards.wildfire import Fuel, Grid, Wildfire
from sim.scenario.yamlio import ScenarioError, read_limited
from sim.world.geo import Place, gazetteer, haversine_km
from sim.world.prone import prone_counties

Kind = Literal["earthquake", "flood", "typhoon", "wildfire", "call"]
MAX_RATE_PER_DAY = 1000.0
MAX_REPLAY_ROWS = 100_000
KM_PER_DEG = 111.195
# Shapes of generated incidents (assumptions, flagged in scenarios/national-season.yaml):
QUAKE_DEPTH_KM = 10.0            # shallow crustal, where the attenuation relation holds
EPICENTRE_SD_KM = 10.0           # epicentre scattered around the county seat
FLOOD_RISE_H, FLOOD_DURATION_H = 6.0, 72.0
FLOOD_EXPOSED_SHARE = 0.002      # people in harm's way where a county floods: set so that a season kills hundreds
TYPHOON_TRACK = ((-12.0, -300.0, 1.0), (0.0, 0.0, 1.0), (12.0, 250.0, 0.5), (24.0, 450.0, 0.3))  # h, km, wind share
TYPHOON_HEADING_DEG = 315.0      # from the south-east, inland to the north-west (South China landfalls)
TYPHOON_R7_KM = 250.0
FIRE_GRID = Grid(rows=40, cols=40, cell_m=150.0)
FIRE_REACH_KM = 300.0            # crews and bombers a fire calls in: those based within this distance
FIRE_WIND_MS = (2.0, 8.0)        # summer afternoon wind, uniform
FIRE_REPORT_MIN = 240.0          # a perimeter for the viewer every 4 h (a season has ~100 fires)


class Distribution(BaseModel):
    """One distribution (Ciw's idea: a small object with `sample` and `mean`); give exactly one key.
    `lognormal: [median, sigma]`; `gutenberg_richter: {b, min, max}` is the truncated exponential of
    magnitudes with that b-value."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    fixed: float | None = None
    uniform: tuple[float, float] | None = None
    exponential: PositiveFloat | None = Field(None, description="the mean")
    lognormal: tuple[PositiveFloat, PositiveFloat] | None = None
    gutenberg_richter: GutenbergRichter | None = None

    @model_validator(mode="after")
    def _one(self) -> Distribution:
        given = [k for k in type(self).model_fields if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(type(self).model_fields)}")
        if self.uniform is not None and self.uniform[1] < self.uniform[0]:
            raise ValueError("uniform: [low, high] with low <= high")
        return self

    def sample(self, rng: np.random.Generator, n: int | None = None) -> np.ndarray | float:
        """Draws (one float when `n` is None), each from `rng` alone."""
        if self.fixed is not None:
            return self.fixed if n is None else np.full(n, self.fixed)
        if self.uniform is not None:
            return rng.uniform(*self.uniform, size=n)
        if self.exponential is not None:
            return rng.exponential(self.exponential, size=n)
        if self.lognormal is not None:
            return rng.lognormal(math.log(self.lognormal[0]), self.lognormal[1], size=n)
        return self.gutenberg_richter.sample(rng, n)

    @property
    def mean(self) -> float:
        if self.fixed is not None:
            return self.fixed
        if self.uniform is not None:
            return sum(self.uniform) / 2
        if self.exponential is not None:
            return self.exponential
        if self.lognormal is not None:
            return self.lognormal[0] * math.exp(self.lognormal[1] ** 2 / 2)
        return self.gutenberg_richter.mean


class GutenbergRichter(BaseModel):
    """log10 N(>= M) = a - b M between `min` and `max` (Gutenberg & Richter 1944)."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    b: float = Field(1.0, gt=0, le=3)
    min: float = Field(ge=4.0, le=9.5)
    max: float = Field(ge=4.0, le=9.5)

    @model_validator(mode="after")
    def _ordered(self) -> GutenbergRichter:
        if self.max <= self.min:
            raise ValueError("max must exceed min")
        return self

    def sample(self, rng: np.random.Generator, n: int | None) -> np.ndarray | float:
        """Inverse transform of the truncated exponential: one uniform per magnitude."""
        beta, span = self.b * math.log(10), 1 - math.exp(-self.b * math.log(10) * (self.max - self.min))
        return self.min - np.log1p(-rng.uniform(size=n) * span) / beta

    @property
    def mean(self) -> float:
        beta, d = self.b * math.log(10), self.max - self.min
        return self.min + 1 / beta - d * math.exp(-beta * d) / (1 - math.exp(-beta * d))


Distribution.model_rebuild()


def _of_level(name: str, level: str) -> str:
    """The name, if the gazetteer knows it as a place of this level (else a schema error)."""
    try:
        place = gazetteer().find(name)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    if place.level != level:
        raise ValueError(f"'{name}' is a {place.level}, not a {level}")
    return name


def _county(name: str) -> str:
    return _of_level(name, "county")


def _province(name: str) -> str:
    return _of_level(name, "province")


class Over(BaseModel):
    """Where a stream strikes: the union of disaster-prone sets, provinces and counties (seats, uniformly)."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    disaster_prone: list[Literal["earthquake", "flood", "forest_fire"]] = []
    provinces: list[str] = []
    counties: list[str] = []
    _p = field_validator("provinces")(classmethod(lambda cls, names: [_province(n) for n in names]))
    _c = field_validator("counties")(classmethod(lambda cls, names: [_county(n) for n in names]))

    @model_validator(mode="after")
    def _some(self) -> Over:
        if not (self.disaster_prone or self.provinces or self.counties):
            raise ValueError("give disaster_prone sets, provinces or counties")
        return self

    def county_ids(self) -> tuple[str, ...]:
        """Adcodes of every county in the set, sorted (the order draws index into)."""
        return _county_ids(tuple(self.disaster_prone), tuple(self.provinces), tuple(self.counties))


@lru_cache(maxsize=64)
def _county_ids(prone: tuple[str, ...], provinces: tuple[str, ...], counties: tuple[str, ...]) -> tuple[str, ...]:
    """`Over.county_ids`, once per process for each set (every run of a sweep asks for the same ones)."""
    geo = gazetteer()
    ids = set(prone_counties(prone)) | {geo.find(n).id for n in counties}
    if provinces:
        ids.update(p.id for p in geo.counties_in(list(provinces)))
    return tuple(sorted(ids))


class Stream(BaseModel):
    """A Poisson process of one kind of incident over a set of places, within a window of the horizon.

    `size`: magnitude (earthquake), peak depth in m (flood), landfall wind in m/s (typhoon), Wang's
    calm spread rate R0 in m/min (wildfire), injured people to fly out (call; default none)."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Kind
    rate_per_day: float = Field(gt=0, le=MAX_RATE_PER_DAY)
    over: Over
    size: Distribution | None = None
    spread_counties: tuple[int, int] = Field((1, 1), description="a flood takes [low, high] neighbouring counties")
    from_h: NonNegativeFloat = 0.0
    to_h: PositiveFloat | None = None
    source: str = Field("", description="where the rate and sizes come from")

    @model_validator(mode="after")
    def _sized(self) -> Stream:
        if self.size is None and self.kind != "call":
            raise ValueError(f"a {self.kind} stream needs a size distribution")
        if not 1 <= self.spread_counties[0] <= self.spread_counties[1] <= 50:
            raise ValueError("spread_counties: [low, high] with 1 <= low <= high <= 50")
        return self


class Replay(BaseModel):
    """A catalogue to play back: CSV with a header `time,place,kind,size` (ISO time with offset,
    a county name or adcode, a kind, its size as for a stream)."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    replay: str = Field(min_length=1)


IncidentSource = Stream | Replay


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    kind: str
    at_min: float
    place: Place
    size: float
    spread: int = 1               # counties a flood takes


# -- drawing a season ---------------------------------------------------------------------------
def draw_stream(stream: Stream, index: int, hours: float, rng: np.random.Generator,
                within: Collection[str] | None = None) -> list[Incident]:
    """The incidents of one stream over the horizon: times, then places, then sizes (fixed order).
    `within`: the county adcodes of the scenario's region (places of the set outside it never occur)."""
    ids = [c for c in stream.over.county_ids() if within is None or c in within]
    start, end = stream.from_h * 60, min(hours, stream.to_h or hours) * 60
    n = int(rng.poisson(stream.rate_per_day * max(0.0, end - start) / 1440)) if end > start and ids else 0
    times = np.sort(rng.uniform(start, end, n))
    picks = rng.integers(0, len(ids), n)
    sizes = stream.size.sample(rng, n) if stream.size is not None else np.zeros(n)
    spread = rng.integers(stream.spread_counties[0], stream.spread_counties[1] + 1, n)
    places = gazetteer().places
    return [Incident(f"{stream.kind}-{index}-{k}", stream.kind, float(t), places[ids[j]], float(s), int(m))
            for k, (t, j, s, m) in enumerate(zip(times, picks, sizes, spread))]


@lru_cache(maxsize=16)
def read_replay(path: Path, start: datetime) -> tuple[tuple[float, str, str, float], ...]:
    """(minutes since start, county adcode, kind, size) of each row of a catalogue CSV, read once per
    process; ScenarioError names the row of every bad field."""
    try:
        text = read_limited(path, 1 << 20).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([f"{path}:1: not UTF-8 text ({exc.reason})"]) from None
    rows, problems = [], []
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != ["time", "place", "kind", "size"]:
        raise ScenarioError([f"{path}:1: header must be time,place,kind,size"])
    for line, row in enumerate(reader, start=2):
        try:
            rows.append(_replay_row(row, start))
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(f"{path}:{line}: {str(exc.args[0] if exc.args else exc)[:200]}")
        if len(rows) > MAX_REPLAY_ROWS:
            problems.append(f"{path}:{line}: more than {MAX_REPLAY_ROWS} rows")
            break
    if problems:
        raise ScenarioError(problems)
    return tuple(rows)


def _replay_row(row: dict, start: datetime) -> tuple[float, str, str, float]:
    when = datetime.fromisoformat(row["time"])
    if when.tzinfo is None:
        raise ValueError(f"time {row['time']} has no UTC offset")
    kind = row["kind"]
    if kind not in Kind.__args__:
        raise ValueError(f"kind '{kind}' is not one of {', '.join(Kind.__args__)}")
    size = float(row["size"] or 0.0)
    if not math.isfinite(size) or size < 0:
        raise ValueError(f"size {row['size']} is not a non-negative number")
    return (when - start).total_seconds() / 60, gazetteer().find(_county(row["place"])).id, kind, size


def replayed(replay: Replay, base: Path, start: datetime, hours: float) -> list[Incident]:
    """The catalogue's incidents that fall within the horizon."""
    places = gazetteer().places
    return [Incident(f"replay-{k}", kind, t, places[code], size)
            for k, (t, code, kind, size) in enumerate(read_replay((base / replay.replay).resolve(), start))
            if 0 <= t < hours * 60]


def replay_problems(sources: list[IncidentSource], base: Path, start: datetime) -> list[tuple[tuple, str]]:
    """(location, message) of every replayed catalogue that cannot be read, for the scenario loader."""
    out = []
    for i, src in enumerate(sources):
        if isinstance(src, Replay):
            try:
                read_replay((base / src.replay).resolve(), start)
            except ScenarioError as exc:
                out.extend((("incidents", i, "replay"), p) for p in exc.problems)
    return out


# -- incidents as hazards -----------------------------------------------------------------------
class Call(BaseModel):
    """A place that needs one aircraft (a reconnaissance or medevac call): routine demand, and the
    clean arrival process of the queueing check (tests/test_queueing.py)."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: Literal["call"] = "call"
    place: str
    at_min: NonNegativeFloat
    injured: int = Field(0, ge=0)

    def run(self, model):
        yield model.env.timeout(self.at_min)
        place = gazetteer().places[self.place]
        model.command.take_lead((place.lat, place.lon))
        model.hit(model.world.places.get(place.id, place), Damage(0.0, 0, 0, self.injured, 0))


class IncidentFlood(Flood):
    """A flood incident: each one is a new site, also where an earlier incident struck the place
    (a scenario's own flood leaves a place already struck to that hazard's group)."""

    def _strike(self, model, place: Place, fp: FloodPlace, top: float, rise: float) -> None:
        new = place.id not in model.group_at
        dmg = flood_damage(place.population, 0, fp.exposed_share, top, rise, model.streams["hazard"])
        group = model.hit(place, dmg, depth_m=top)
        if new:                       # the stranded's survival starts with the group's first flood
            onset_h = model.env.now / 60
            group.survival_at = lambda hours: stranded_survival(hours - onset_h)


class _AsIncident:
    """The model as one incident's hazard sees it: every place it strikes records the incident, and a
    fire calls in only the crews and aircraft based within reach (not every idle unit in the country)."""

    def __init__(self, model, incident: Incident, reach_km: float | None = None) -> None:
        self._model, self._incident, self._reach = model, incident, reach_km

    def __getattr__(self, name: str):
        return getattr(self._model, name)

    def hit(self, place: Place, damage: Damage, **extra):
        extra.setdefault("hazard", self._incident.kind)
        return self._model.hit(place, damage, incident=self._incident.id, **extra)

    @property
    def aircraft(self) -> list:
        return self._near(self._model.aircraft, lambda a: (a.base.lat, a.base.lon))

    @property
    def teams(self) -> list:
        nodes = self._model.world.roads.nodes
        return self._near(self._model.teams, lambda u: (nodes[u.node].lat, nodes[u.node].lon))

    def _near(self, units: list, where: Callable) -> list:
        if self._reach is None:
            return units
        p = self._incident.place
        return [u for u in units if haversine_km(p.lat, p.lon, *where(u)) <= self._reach]


def hazard_of(inc: Incident, world, rng: np.random.Generator):
    """The hazard an incident is: built with the incident's times; `rng` scatters what the size leaves open."""
    p = inc.place
    if inc.kind == "earthquake":
        dlat, dlon = rng.normal(0.0, EPICENTRE_SD_KM / KM_PER_DEG, 2)
        return Earthquake(type="earthquake", epicentre=(p.lat + dlat, p.lon + dlon / max(math.cos(math.radians(p.lat)),
                          0.1)), magnitude=min(9.5, max(4.0, inc.size)), depth_km=QUAKE_DEPTH_KM, at_min=inc.at_min)
    if inc.kind == "flood":
        return _flood(inc, world)
    if inc.kind == "typhoon":
        return _typhoon(inc)
    if inc.kind == "wildfire":
        off = rng.normal(0.0, EPICENTRE_SD_KM / KM_PER_DEG, 2)
        return Wildfire(type="wildfire", ignition=(p.lat + off[0], p.lon + off[1]), at_h=inc.at_min / 60,
                        grid=FIRE_GRID, fuel=Fuel(forest_share=0.8), spread_m_per_min=max(0.05, inc.size),
                        wind_ms=float(rng.uniform(*FIRE_WIND_MS)), wind_from_deg=float(rng.uniform(0, 360)),
                        water_sources=[(p.lat, p.lon)], report_every_min=FIRE_REPORT_MIN)
    return Call(place=p.id, at_min=inc.at_min, injured=int(inc.size))


def _flood(inc: Incident, world) -> IncidentFlood:
    t = inc.at_min / 60
    curve = [(t, 0.0), (t + FLOOD_RISE_H, max(0.31, inc.size)), (t + FLOOD_DURATION_H, 0.0)]
    places = [FloodPlace(place=c.id, depth_m=curve, exposed_share=FLOOD_EXPOSED_SHARE)
              for c in _neighbours(world, inc.place, inc.spread)]
    return IncidentFlood(type="flood", kind="river", centre=(inc.place.lat, inc.place.lon), places=places)


def _neighbours(world, place: Place, n: int) -> list[Place]:
    """The place and its n - 1 nearest county seats in the world."""
    d = haversine_km(place.lat, place.lon, world.cand_lat, world.cand_lon)
    out = [place]
    for i in np.argsort(d, kind="stable"):
        c = world.candidates[int(i)]
        if len(out) >= n:
            break
        if c.level == "county" and c.id != place.id:
            out.append(c)
    return out


def _typhoon(inc: Incident) -> Typhoon:
    """A straight track through the landfall county (landfall at the incident's time): in from the sea
    (the track starts up to TYPHOON_LEAD_H before, never before the scenario), weakening inland."""
    p, t = inc.place, inc.at_min / 60
    heading = math.radians(TYPHOON_HEADING_DEG)
    points = [TrackPoint(h=max(0.0, t + h), lat=p.lat + km * math.cos(heading) / KM_PER_DEG,
                         lon=p.lon + km * math.sin(heading) / (KM_PER_DEG * math.cos(math.radians(p.lat))),
                         wind_ms=max(12.0, inc.size * share), r7_km=TYPHOON_R7_KM)
              for h, km, share in TYPHOON_TRACK]
    if points[0].h >= points[1].h:          # a landfall within the lead time of the start: begin at landfall
        points = points[1:]
    return Typhoon(type="typhoon", name=inc.id, landfall=(p.lat, p.lon), track=points)


def season(sources: list[IncidentSource], base: Path, start: datetime, hours: float,
           stream: Callable[[str], np.random.Generator], within: Collection[str] | None = None) -> list[Incident]:
    """Every incident of a scenario's `incidents:` list, in time order (ties: list order)."""
    out: list[Incident] = []
    for i, src in enumerate(sources):
        if isinstance(src, Replay):
            out.extend(replayed(src, base, start, hours))
        else:
            out.extend(draw_stream(src, i, hours, stream(f"incidents:{i}:{src.kind}"), within))
    return sorted(out, key=lambda inc: inc.at_min)


def start_incidents(model, stream: Callable[[str], np.random.Generator]) -> list[Incident]:
    """Build a run's incidents and start each as a hazard process on the model's clock."""
    spec = model.spec
    region = {p.id for p in model.world.candidates if p.level == "county"}
    incidents = season(spec.incidents, Path(model.loaded.path).parent, spec.start, spec.hours, stream, region)
    for inc in incidents:
        hazard = hazard_of(inc, model.world, stream(f"incident-shape:{inc.id}"))
        reach = FIRE_REACH_KM if inc.kind == "wildfire" else None
        model.env.process(hazard.run(_AsIncident(model, inc, reach)))
    return incidents
