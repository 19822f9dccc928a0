"""Earthquake: magnitude and epicentre -> seismic intensity per place -> casualties and road damage.

Intensity: the western-China attenuation relation of Wang Suyun, Yu Yanxiang, Gao Ajia & Yan Xiujie
(2000), "Determination of attenuation relations of ground motion in China by zones"
(汪素云等, 中国分区地震动衰减关系的确定, 中国地震 16(2): 99-106), elliptical form:
    long axis   I = 5.253 + 1.398 M - 4.164 lg(R + 26)
    short axis  I = 2.019 + 1.398 M - 2.943 lg(R + 8)      (R: epicentral distance, km)
A place off both axes lies on the ellipse through it; we find its intensity by Newton's method.
The relation is fitted on shallow crustal events, so depth is checked (<= 70 km) but not used.

Casualties follow the Coburn & Spence engineering model (Coburn, Spence & Pomonis 1992; Coburn &
Spence, "Earthquake Protection", 2nd ed., 2002, ch. 9): occupants of collapsed buildings (M1 x M2),
a share trapped (M3 = 0.5 for masonry), a share of those killed outright (M4 = 0.2), the rest
trapped alive awaiting rescue. The collapse and homeless shares by intensity below are our
assumption, calibrated so that the Luding 2022 scenario lands near the reported toll (93 dead,
25 missing); every figure is a setting of `EarthquakeModel`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat

from sim.world.geo import bearing_deg, haversine_km

TRAPPED_SHARE_M3 = 0.5       # Coburn & Spence 2002, masonry
KILLED_AT_ONCE_M4 = 0.2      # Coburn & Spence 2002, masonry: dead among trapped at collapse
INJURED_PER_COLLAPSE_OCCUPANT = 0.3   # non-trapped occupants injured; assumption
INTENSITY_POINTS = np.array([6.0, 7.0, 8.0, 9.0, 10.0, 11.0])
COLLAPSE_SHARE = np.array([0.0, 0.002, 0.01, 0.04, 0.12, 0.30])    # assumption, calibrated
HOMELESS_SHARE = np.array([0.01, 0.06, 0.25, 0.60, 0.90, 1.00])   # assumption, calibrated
ROAD_CLOSE_P = np.array([0.0, 0.0, 0.05, 0.30, 0.60, 0.85])        # landslides on mountain roads; assumption
ROAD_SLOW = np.array([1.0, 1.1, 1.5, 2.5, 4.0, 6.0])               # travel-time factor on open damaged roads
LN10 = np.log(10.0)


def occupancy(hour: float) -> float:
    """Share of people indoors: high at night (Coburn & Spence 2002 use ~0.8 night / ~0.5 day)."""
    return 0.8 if hour < 6 or hour >= 21 else 0.5


def intensity(magnitude: float, epicentre: tuple[float, float], strike_deg: float | None,
              lat: np.ndarray, lon: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Seismic intensity (continuous, China scale) at each point.

    The long-axis value bounds the intensity from above and the short-axis value from below;
    points whose upper bound is under `floor` get that bound instead of the exact elliptical
    value, which saves the root finding where nobody cares.
    """
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    r = haversine_km(epicentre[0], epicentre[1], lat, lon)
    if strike_deg is None:
        return 0.5 * (_long_axis(magnitude, r) + _short_axis(magnitude, r))
    out = _long_axis(magnitude, r)
    near = np.flatnonzero((out >= floor) & (r > 1e-3))     # at the epicentre itself both axes agree
    theta = np.radians(bearing_deg(epicentre[0], epicentre[1], lat[near], lon[near]) - strike_deg)
    cos2 = np.cos(theta) ** 2
    out[near] = _on_ellipse(magnitude, r[near] ** 2 * cos2, r[near] ** 2 * (1 - cos2), out[near],
                            _short_axis(magnitude, r[near]), cos2)
    return out


def _on_ellipse(m: float, x2: np.ndarray, y2: np.ndarray, hi: np.ndarray, lo: np.ndarray,
                cos2: np.ndarray) -> np.ndarray:
    """The intensity I in [lo, hi] whose isoseismal ellipse passes through (x, y) in the strike frame.

    g(I) = x²/ra(I)² + y²/rb(I)² - 1 rises and is convex in I, so Newton's method converges
    (monotonically after its first step) from a start blended between the axis values by direction:
    to 1e-9 in about five steps, where a bisection needs 24 for 1e-6."""
    ka, kb, a0, b0 = LN10 / 4.164, LN10 / 2.943, 5.253 + 1.398 * m, 2.019 + 1.398 * m
    i = hi * cos2 + lo * (1 - cos2)
    for _ in range(50):
        ea, eb = np.exp((a0 - i) * ka), np.exp((b0 - i) * kb)      # ra + 26 and rb + 8
        ra, rb = ea - 26, eb - 8
        qa, qb = x2 / (ra * ra), y2 / (rb * rb)
        step = (qa + qb - 1) / (qa * ea / ra * (2 * ka) + qb * eb / rb * (2 * kb))     # g / g'
        i = np.minimum(np.maximum(i - step, lo), hi)
        if not len(step) or np.abs(step).max() < 1e-9:
            break
    return i


def _long_axis(m: float, r: np.ndarray) -> np.ndarray:
    return 5.253 + 1.398 * m - 4.164 * np.log10(r + 26)


def _short_axis(m: float, r: np.ndarray) -> np.ndarray:
    return 2.019 + 1.398 * m - 2.943 * np.log10(r + 8)


@dataclass(frozen=True, slots=True)
class Damage:
    """What the earthquake did to one place, in people."""
    intensity: float
    killed: int
    trapped: int
    injured: int
    homeless: int


def damage(intensity_value: float, population: int, hour: float, rng: np.random.Generator) -> Damage:
    """People killed, trapped alive, injured and needing relief at a place of given intensity."""
    collapse = float(np.interp(intensity_value, INTENSITY_POINTS, COLLAPSE_SHARE))
    occupants = rng.binomial(population, min(1.0, collapse * occupancy(hour)))
    trapped_all = rng.binomial(occupants, TRAPPED_SHARE_M3)
    killed = rng.binomial(trapped_all, KILLED_AT_ONCE_M4)
    injured = rng.binomial(occupants - trapped_all, INJURED_PER_COLLAPSE_OCCUPANT)
    homeless_share = float(np.interp(intensity_value, INTENSITY_POINTS, HOMELESS_SHARE))
    homeless = rng.binomial(population - killed, homeless_share)
    return Damage(float(intensity_value), int(killed), int(trapped_all - killed), int(injured), int(homeless))


def road_factors(intensities: np.ndarray, mountain: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Travel-time factor of each road segment (inf where a landslide closes it); one draw per segment."""
    p_close = np.interp(intensities, INTENSITY_POINTS, ROAD_CLOSE_P) * np.where(mountain, 1.0, 0.3)
    closed = rng.random(len(intensities)) < p_close
    return np.where(closed, np.inf, np.interp(intensities, INTENSITY_POINTS, ROAD_SLOW))


class Earthquake(BaseModel):
    """An earthquake in a scenario's `hazards:` list, and the process that lets it strike."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: Literal["earthquake"]
    epicentre: tuple[float, float]
    magnitude: float = Field(ge=4.0, le=9.5)
    depth_km: float = Field(gt=0, le=70, description="the attenuation relation is for shallow crustal events")
    strike_deg: float | None = Field(None, ge=0, lt=360, description="long axis of the isoseismals")
    at_min: NonNegativeFloat = 0.0
    origin_key: ClassVar[str] = "epicentre"     # the field that places the hazard (checked against the region)

    @property
    def origin(self) -> tuple[float, float]:
        return self.epicentre

    def run(self, model):
        """At onset: shake every candidate place and road, create the affected groups, alert command."""
        yield model.env.timeout(self.at_min)
        floor = model.spec.min_intensity
        w = model.world
        cands, roads = w.candidates, w.roads
        # places and road midpoints in one call: one root finding instead of two
        ii = intensity(self.magnitude, self.epicentre, self.strike_deg, np.concatenate((w.cand_lat, roads.mid_lat)),
                       np.concatenate((w.cand_lon, roads.mid_lon)), floor)
        at_places, at_roads = ii[:len(cands)], ii[len(cands):]
        clock = model.clock(model.env.now)
        model.recorder.record(model.env.now, "quake", "hazard", "", magnitude=self.magnitude,
                              epicentre=list(self.epicentre), depth_km=self.depth_km,
                              max_intensity=float(at_places.max()))
        hit = np.flatnonzero(at_roads >= floor)
        model.damage_roads(hit, road_factors(at_roads[hit], roads.mountain[hit], model.streams["roads"]))
        model.command.take_lead(self.epicentre)
        rng = model.streams["hazard"]
        groups = [model.hit(place, damage(float(v), place.population, clock.hour + clock.minute / 60, rng))
                  for place, v in zip(cands, at_places) if v >= floor and place.population > 0]
        model.command.quick_report(self, groups)
