"""Typhoon: a best track (time, centre, maximum wind, gale radius) -> wind at every place and base.

Between track points the centre and intensity move linearly in time. The wind at distance r from
the centre follows a modified Rankine vortex (Depperman 1947; as used in typhoon hazard models):
V = Vmax r / Rmax inside the radius of maximum wind, V = Vmax (Rmax / r)^x outside, with x set so
that V is 13.9 m/s (Beaufort 7, the edge of China's gale circle) at the track's R7. Wind is
evaluated on a 5-minute grid once, when the typhoon starts (not a simulation tick): places where it
exceeds `damage_wind_ms` are struck when it first does; aircraft are grounded while the wind at
their base exceeds their type's limit (`wind_limit_ms` in the catalogue), and hold on the ground
rather than arrive at a site or depot while the wind there does. Rain-driven flooding is
the typhoon -> flood chain (`typhoon_flood` below).
"""
from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, field_validator

from sim.hazards.earthquake import Damage
from sim.hazards.flood import Flood, FloodPlace, known_place
from sim.hazards.warnings import PublicWarning, evacuate, warn
from sim.world.geo import gazetteer, haversine_km

GALE_MS = 13.9                       # Beaufort 7: the CMA "7-level wind circle"
# Tropical-cyclone grades by 2-min maximum wind near the centre (GB/T 19201-2006 热带气旋等级), m/s
LANDFALL_GRADES = ((51.0, "super_typhoon"), (41.5, "strong_typhoon"), (32.7, "typhoon"),
                   (24.5, "severe_tropical_storm"), (17.2, "tropical_storm"), (0.0, "tropical_depression"))
GRID_MIN = 5.0
DAMAGE_WIND = np.array([24.5, 32.7, 41.5, 51.0])         # Beaufort 10, 12, 14, 16 (m/s)
HOMELESS_SHARE = np.array([0.002, 0.01, 0.03, 0.08])     # houses damaged; assumption
KILLED_SHARE = np.array([0.0, 2e-7, 1e-6, 5e-6])         # of people who stayed; assumption
INJURED_PER_KILLED = 10                                  # assumption


class TrackPoint(BaseModel):
    """One best-track fix: hours since the scenario start (negative before it), centre, 2-min maximum wind,
    gale radius."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    h: float
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    wind_ms: PositiveFloat
    r7_km: PositiveFloat


class TyphoonRain(BaseModel):
    """Rain under the typhoon: this rate falls on the listed places while the centre is within radius."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    mm_per_h: PositiveFloat
    radius_km: PositiveFloat
    places: list[str] = Field(min_length=1)
    _known = field_validator("places")(classmethod(lambda cls, names: [known_place(n) for n in names]))
    exposed_share: float = Field(0.02, gt=0, le=1)
    drain_mm_per_h: NonNegativeFloat = 30.0
    ponding: PositiveFloat = 5.0


class Typhoon(BaseModel):
    """A typhoon in a scenario's `hazards:` list, and the process that moves it along its track."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: Literal["typhoon"]
    name: str = ""
    landfall: tuple[float, float]
    track: list[TrackPoint] = Field(min_length=2)
    rmax_km: PositiveFloat = Field(40.0, description="radius of maximum wind; assumption when unknown")
    damage_wind_ms: PositiveFloat = 24.5
    rain: TyphoonRain | None = None
    warning: PublicWarning | None = None
    origin_key: ClassVar[str] = "landfall"

    @property
    def origin(self) -> tuple[float, float]:
        return self.landfall

    @field_validator("track")
    @classmethod
    def _in_time_order(cls, track: list[TrackPoint]) -> list[TrackPoint]:
        if any(b.h <= a.h for a, b in zip(track, track[1:])):
            raise ValueError("track points must be in increasing time (h)")
        return track

    def position(self, hours: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Centre lat, lon, maximum wind and R7 at the given hours (held at the ends of the track)."""
        h = np.array([p.h for p in self.track])
        keys = ("lat", "lon", "wind_ms", "r7_km")
        return tuple(np.interp(hours, h, [getattr(p, k) for p in self.track]) for k in keys)

    def wind(self, hours: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Wind (m/s) at points (columns) over times (rows), modified Rankine vortex."""
        clat, clon, vmax, r7 = self.position(np.asarray(hours, float))
        r = haversine_km(clat[:, None], clon[:, None], np.asarray(lat)[None, :], np.asarray(lon)[None, :])
        return rankine(r, vmax[:, None], r7[:, None], self.rmax_km)

    def hours(self) -> np.ndarray:
        return np.arange(self.track[0].h, self.track[-1].h + 1e-9, GRID_MIN / 60)

    def forecast_grade(self) -> str:
        """The grade forecast at landfall (the track fix nearest the landfall point; the best track
        stands in for the forecast), by the national tropical-cyclone grades (GB/T 19201-2006)."""
        near = min(self.track, key=lambda p: float(haversine_km(p.lat, p.lon, *self.landfall)))
        return next(name for floor, name in LANDFALL_GRADES if near.wind_ms >= floor)

    def run(self, model):
        """Ground aircraft by base wind, strike places by wind, start the rain flood, alert command."""
        env = model.env
        yield env.timeout(max(0.0, self.track[0].h * 60 - env.now))
        model.command.take_lead(self.landfall)
        model.command.report_condition(self.type, f"forecast_{self.forecast_grade()}_landfall", "")
        model.recorder.record(env.now, "typhoon", "hazard", "", name=self.name, landfall=list(self.landfall),
                              track=[[p.h * 60, p.lat, p.lon, p.wind_ms] for p in self.track])
        env.process(self._track(model))
        ground_aircraft(model, self)
        self._strike_places(model)
        if self.rain is not None:
            env.process(typhoon_flood(self).run(model))

    def _track(self, model):
        """A `typhoon_position` event per track fix, for the viewer and the room."""
        for p in self.track:
            yield model.env.timeout(max(0.0, p.h * 60 - model.env.now))
            model.recorder.record(model.env.now, "typhoon_position", "hazard", "", lat=p.lat, lon=p.lon,
                                  wind_ms=p.wind_ms, r7_km=p.r7_km)

    def _strike_places(self, model) -> None:
        cands, hours = model.world.candidates, self.hours()
        v = self.wind(hours, model.world.cand_lat, model.world.cand_lon)
        close_destinations(model, hours, [p.id for p in cands], v)
        depots = {d.place.id: d.place for d in model.depots}
        close_destinations(model, hours, list(depots), self.wind(hours, [p.lat for p in depots.values()],
                                                                 [p.lon for p in depots.values()]))
        for j in np.flatnonzero(v.max(axis=0) >= self.damage_wind_ms):
            start = float(hours[np.argmax(v[:, j] >= self.damage_wind_ms)]) * 60
            warn(model, self.warning, cands[j], start, self.type)
            model.env.process(self._strike(model, cands[j], start, float(v[:, j].max())))

    def _strike(self, model, place, at_min: float, peak_ms: float):
        yield model.env.timeout(max(0.0, at_min - model.env.now))
        gone = evacuate(model, self.warning, place, at_min)
        group = model.hit(place, wind_damage(place.population - gone, peak_ms, model.streams["hazard"]),
                          hazard=self.type, wind_ms=peak_ms)
        group.evacuated += gone
        model.command.report_condition(self.type, "over_warning_level", place.id)


def rankine(r_km, vmax, r7_km, rmax_km: float):
    """Modified Rankine vortex wind (m/s) at r_km, with decay exponent fitted to 13.9 m/s at R7."""
    r7 = np.maximum(r7_km, rmax_km * 1.01)
    x = np.log(np.maximum(vmax, GALE_MS) / GALE_MS) / np.log(r7 / rmax_km)
    return np.where(r_km <= rmax_km, vmax * r_km / rmax_km, vmax * (rmax_km / np.maximum(r_km, 1e-9)) ** x)


def wind_damage(people: int, peak_ms: float, rng: np.random.Generator) -> Damage:
    """Dead, injured and homeless among the people who stayed, by peak wind (assumed shares)."""
    people = max(0, people)
    killed = int(rng.binomial(people, float(np.interp(peak_ms, DAMAGE_WIND, KILLED_SHARE))))
    injured = int(rng.binomial(people - killed, min(1.0, INJURED_PER_KILLED * float(np.interp(
        peak_ms, DAMAGE_WIND, KILLED_SHARE)))))
    homeless = int(rng.binomial(people - killed, float(np.interp(peak_ms, DAMAGE_WIND, HOMELESS_SHARE))))
    return Damage(0.0, killed, 0, injured, homeless)


def grounded_spells(hours: np.ndarray, wind: np.ndarray, limit: float) -> list[tuple[float, float]]:
    """(from, to) minutes of each spell where the wind exceeds the limit."""
    over = np.concatenate([[False], wind > limit, [False]])
    edges = np.flatnonzero(np.diff(over.astype(int)))
    return [(float(hours[a]) * 60, float(hours[min(b, len(hours) - 1)]) * 60) for a, b in zip(edges[::2], edges[1::2])]


def close_destinations(model, hours: np.ndarray, places: list[str], wind: np.ndarray) -> None:
    """Spells when each aircraft kind may not fly to each place (wind columns by place), for
    `AviationAsset._weather_hold`: the same limits that ground a base keep aircraft from a site."""
    limits = model.catalogue.wind_limit_ms
    for j in np.flatnonzero(wind.max(axis=0) > min(limits.values())) if len(places) else []:
        for kind, limit in limits.items():
            spells = grounded_spells(hours, wind[:, j], limit)
            if spells:
                model.flight_holds.setdefault((places[j], kind), []).extend(
                    (begin, end, "wind at destination over the limit") for begin, end in spells)
                model.flight_holds[(places[j], kind)].sort()


def ground_aircraft(model, typhoon: Typhoon) -> None:
    """Close each base to each type while the wind there exceeds the type's limit."""
    limits, hours = model.catalogue.wind_limit_ms, typhoon.hours()
    bases = {a.base.icao: a.base for a in model.aircraft}
    wind = typhoon.wind(hours, np.array([b.lat for b in bases.values()]), np.array([b.lon for b in bases.values()]))
    for j, icao in enumerate(bases):
        for kind, limit in limits.items():
            fleet = [a for a in model.aircraft if a.base.icao == icao and a.spec.kind == kind]
            for start, end in grounded_spells(hours, wind[:, j], limit) if fleet else []:
                model.env.process(_ground(model, fleet, icao, start, end, float(wind[:, j].max())))


def _ground(model, fleet: list, icao: str, start: float, end: float, peak_ms: float):
    yield model.env.timeout(max(0.0, start - model.env.now))
    for a in fleet:
        a.grounded_until = max(a.grounded_until, end)
    model.recorder.record(model.env.now, "base_grounded", "weather", icao, until_min=end, peak_wind_ms=peak_ms,
                          aircraft=[a.name for a in fleet])


def rain_series(typhoon: Typhoon, lat: float, lon: float) -> list[float]:
    """Hourly rain (mm) at a place from the track start: the rain rate while the centre is within radius."""
    rain = typhoon.rain
    hours = np.arange(rain_start(typhoon), typhoon.track[-1].h) + 0.5
    clat, clon, _, _ = typhoon.position(hours)
    near = np.asarray(haversine_km(clat, clon, lat, lon)) <= rain.radius_km
    return [float(rain.mm_per_h) if n else 0.0 for n in near]


def rain_start(typhoon: Typhoon) -> float:
    """Hour the rain series starts: the track's start, or the scenario's if the track began before it."""
    return max(0.0, typhoon.track[0].h)


def typhoon_flood(typhoon: Typhoon) -> Flood:
    """The flood the typhoon's rain makes on the places its `rain:` block names."""
    rain, geo = typhoon.rain, gazetteer()
    places = [FloodPlace(place=name, rain_mm_per_h=rain_series(typhoon, geo.find(name).lat, geo.find(name).lon),
                         exposed_share=rain.exposed_share) for name in rain.places]
    return Flood(type="flood", kind="rainstorm", centre=typhoon.landfall, places=places,
                 rain_start_h=rain_start(typhoon), drain_mm_per_h=rain.drain_mm_per_h, ponding=rain.ponding,
                 warning=None)          # the typhoon's own warning already went to these places
