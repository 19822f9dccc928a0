"""What a Monte Carlo varies between runs: distributions in the scenario's `varies:` block.

Draws come from the run's own named substreams (`varies` for the disaster and weather, `fleet` for
aircraft serviceability), so two plans run on one seed face the same disaster, weather and
failures (common random numbers), whatever their fleets.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

LIMIT = 1e6        # no varied quantity (magnitude, minutes, hours) is larger


class Dist(BaseModel):
    """One of: {normal: [mean, sd]}, {uniform: [low, high]}, {triangular: [low, mode, high]}."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    normal: tuple[float, float] | None = None
    uniform: tuple[float, float] | None = None
    triangular: tuple[float, float, float] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Dist:
        given = [k for k in ("normal", "uniform", "triangular") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of normal: [mean, sd], uniform: [low, high], "
                             "triangular: [low, mode, high]")
        if self.normal and self.normal[1] < 0:
            raise ValueError("normal sd must be >= 0")
        if self.uniform and self.uniform[0] > self.uniform[1]:
            raise ValueError("uniform low must be <= high")
        if self.triangular and not self.triangular[0] <= self.triangular[1] <= self.triangular[2]:
            raise ValueError("triangular needs low <= mode <= high")
        if self.triangular and self.triangular[0] == self.triangular[2]:
            raise ValueError("triangular needs low < high")
        params = self.normal or self.uniform or self.triangular
        if not all(math.isfinite(v) and abs(v) <= LIMIT for v in params):
            raise ValueError(f"parameters must be finite and within +/-{LIMIT:g}")
        return self

    def sample(self, rng: np.random.Generator) -> float:
        if self.normal:
            return float(rng.normal(*self.normal))
        if self.uniform:
            return float(rng.uniform(*self.uniform))
        low, mode, high = self.triangular
        return float(rng.triangular(low, mode, high))

    @property
    def mean(self) -> float:
        if self.normal:
            return self.normal[0]
        if self.uniform:
            return sum(self.uniform) / 2
        return sum(self.triangular) / 3


class SecondQuake(BaseModel):
    """A concurrent second earthquake that happens with probability p."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    p: float = Field(ge=0, le=1)
    epicentre: tuple[Annotated[float, Field(ge=-90, le=90)], Annotated[float, Field(ge=-180, le=180)]]
    magnitude: Dist
    depth_km: float = Field(10.0, gt=0, le=70)
    at_min: Dist = Dist(uniform=(0.0, 360.0))


class Weather(BaseModel):
    """Each aviation base is closed by weather from onset with probability p, for a drawn time."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    p_base_closed: float = Field(ge=0, le=1)
    closed_hours: Dist = Dist(uniform=(2.0, 12.0))


class Varies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    magnitude_sd: float = Field(0.0, ge=0, le=3, description="normal spread around each hazard's magnitude")
    epicentre_jitter_km: float = Field(0.0, ge=0, le=500)
    second_quake: SecondQuake | None = None
    weather: Weather | None = None
    unserviceable: float = Field(0.0, ge=0, le=1, description="share of aircraft out of service")


KM_PER_DEG_LAT = 111.32


def vary_hazards(hazards: list, varies: Varies, rng: np.random.Generator) -> list:
    """The hazards of this run: earthquakes' magnitude and epicentre drawn, a second quake maybe added.

    Every draw is made whether or not it is used, so the stream stays aligned between scenarios.
    """
    out = []
    for hz in hazards:
        if hz.type != "earthquake":            # floods, typhoons and fires vary through their own inputs
            out.append(hz)
            continue
        mag = hz.magnitude + varies.magnitude_sd * rng.standard_normal()
        dist_km = varies.epicentre_jitter_km * math.sqrt(rng.random())
        angle = rng.uniform(0, 2 * math.pi)
        lat = hz.epicentre[0] + dist_km * math.cos(angle) / KM_PER_DEG_LAT
        lon = hz.epicentre[1] + dist_km * math.sin(angle) / (KM_PER_DEG_LAT * math.cos(math.radians(hz.epicentre[0])))
        moved = {"magnitude": float(np.clip(mag, 4.0, 9.5)), "epicentre": (lat, lon)}
        if hz.rupture_centre is not None:      # the rupture moves with its epicentre
            moved["rupture_centre"] = (hz.rupture_centre[0] + lat - hz.epicentre[0],
                                       hz.rupture_centre[1] + lon - hz.epicentre[1])
        out.append(hz.model_copy(update=moved))
    second = varies.second_quake
    if second is not None:
        happens = rng.random() < second.p
        mag, at = second.magnitude.sample(rng), max(0.0, second.at_min.sample(rng))
        if happens and hazards:
            update = {"epicentre": second.epicentre, "magnitude": float(np.clip(mag, 4.0, 9.5)),
                      "depth_km": second.depth_km, "strike_deg": None, "at_min": at,
                      "rupture_centre": None, "isoseismals": None}        # its own field, not the first's
            out.append(hazards[0].model_copy(update=update))
    return out


def closed_bases(icaos: list[str], weather: Weather | None,
                 rng_for: Callable[[str], np.random.Generator]) -> dict[str, float]:
    """Minutes from onset each closed base stays closed.

    Each base draws from its own stream (`rng_for(icao)`), so adding a base to the plan does not
    change the weather at the others.
    """
    if weather is None:
        return {}
    out = {}
    for icao in sorted(set(icaos)):
        rng = rng_for(icao)
        closed = rng.random() < weather.p_base_closed
        hours = max(0.0, weather.closed_hours.sample(rng))
        if closed:
            out[icao] = hours * 60
    return out
