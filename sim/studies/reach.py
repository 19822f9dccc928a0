"""Static aviation reach: how soon can the fleet be over each disaster-prone site, with nobody busy?

The answer a plan writer checks against the 2-hour target before running anything: for every
(base, site) pair, alert-to-airborne (civil dawn for day-only types) + great-circle flight at
block speed, with one refuel stop when the direct leg would leave the aircraft short of an
airport, and no service above the type's ceiling. These are the rules and figures the simulation
flies by (agents/aviation.py), so with zero report and decision delays the static reach of a site
equals its simulated first arrival. Everything is numpy over the whole (bases x sites) matrix.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from sim.hazards.earthquake import Earthquake
from sim.metrics import TWO_HOURS_MIN
from sim.scenario.catalogue import AircraftType, AviationSettings, Catalogue, load_catalogue
from sim.scenario.schema import AviationForce, LoadedScenario, Scenario
from sim.world import terrain
from sim.world.bases import resolve_base
from sim.world.geo import Airport, Place, gazetteer, haversine_km
from sim.world.prone import PRONE_DIR, prone_counties
from sim.world.sun import daylight_windows
from sim.world.world import World, build_world

LIMITS = ("direct", "refuel", "night", "ceiling", "unreachable")
EPS_KM = 1e-9    # the same float slack the flight planner allows on a leg


@dataclass(frozen=True, slots=True)
class Base:
    """One aircraft type at one airport, with its readiness at the reference time."""
    id: str
    type_name: str
    spec: AircraftType
    airport: Airport
    ready_min: float      # alert-to-airborne from the reference time, civil-dawn wait included
    night: bool           # darkness cost time: a wait for dawn or the longer night alert


@dataclass(frozen=True)
class Sites:
    """Places to reach, as parallel arrays; elevation is NaN where unknown (`of` fills it from the DEM)."""
    ids: list[str]
    names: list[str]
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray
    elevation: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, places: Sequence[Place], elevation: dict[str, float] | None = None) -> Sites:
        """Sites at these places: elevations from `elevation` (a world's), else the packaged DEM's."""
        elevation = elevation or {}
        lat, lon = np.array([p.lat for p in places], float), np.array([p.lon for p in places], float)
        dem = terrain.elevation_m(lat, lon) if len(places) else np.zeros(0)
        return cls([p.id for p in places], [p.name for p in places], lat, lon,
                   np.array([p.population for p in places], float),
                   np.array([elevation.get(p.id, z) for p, z in zip(places, dem)], float))


@dataclass(frozen=True)
class Reach:
    """Earliest arrival over every site and what set it."""
    sites: Sites
    bases: list[Base]
    minutes: np.ndarray        # per site; inf where no aircraft can get there
    best: np.ndarray           # index into bases, -1 where unreachable
    limited_by: list[str]      # one of LIMITS per site

    def share_within(self, limit_min: float = TWO_HOURS_MIN) -> tuple[float, float]:
        """(share of sites, share of population) reached within the limit."""
        if not len(self.sites):
            return 0.0, 0.0
        ok = self.minutes <= limit_min
        pop = self.sites.population.sum()
        return float(ok.mean()), float(self.sites.population[ok].sum() / pop) if pop else 0.0

    def percentile(self, q: float) -> float | None:
        """Percentile of arrival minutes, unreachable counted as never; None when it is never."""
        if not len(self.sites):
            return None
        v = float(np.percentile(self.minutes, q, method="inverted_cdf"))
        return None if np.isinf(v) else v

    def to_json(self) -> dict:
        share, pop_share = self.share_within()
        p50, p90 = self.percentile(50), self.percentile(90)
        return {
            "sites": [self.site_json(i) for i in range(len(self.sites))],
            "bases": [{"id": b.id, "icao": b.airport.icao, "lat": b.airport.lat, "lon": b.airport.lon,
                       "type": b.type_name, "cruise_kmh": b.spec.cruise_kmh, "ready_min": round(b.ready_min, 3)}
                      for b in self.bases],
            "share_within_2h": round(share, 4), "population_share_within_2h": round(pop_share, 4),
            "p50_min": None if p50 is None else round(p50, 3), "p90_min": None if p90 is None else round(p90, 3),
        }

    def site_json(self, i: int) -> dict:
        s, b = self.sites, self.best[i]
        minutes = float(self.minutes[i])
        return {"id": s.ids[i], "name": s.names[i], "lat": float(s.lat[i]), "lon": float(s.lon[i]),
                "population": int(s.population[i]),
                "minutes": round(minutes, 3) if np.isfinite(minutes) else None,
                "asset": self.bases[b].type_name if b >= 0 else None,
                "base": self.bases[b].airport.icao if b >= 0 else None, "limited_by": self.limited_by[i]}


# -- readiness ------------------------------------------------------------------------------------
def ready_minutes(spec: AircraftType, airport: Airport, start: datetime, hours: float) -> tuple[float, bool]:
    """(alert-to-airborne from `start`, whether darkness lengthened it), as the aircraft agent decides."""
    wait = next((max(0.0, dawn) for dawn, dusk in daylight_windows(start, hours, airport.lat, airport.lon)
                 if dusk >= 0), 0.0)
    if wait == 0:
        return spec.alert_min.day, False
    if spec.night:
        return spec.alert_min.night, spec.alert_min.night > spec.alert_min.day
    return wait + spec.alert_min.day, True


def make_bases(forces: Iterable[AviationForce], start: datetime, hours: float,
               cat: Catalogue | None = None) -> list[Base]:
    """One Base per (type, airport or point) of the fleet; a base given as a place name is its nearest airport."""
    cat = cat or load_catalogue()
    out: dict[str, Base] = {}
    for f in forces:
        airport = resolve_base(f.base)
        key = f"{f.type}@{airport.icao}"
        if key not in out:
            spec = cat.aircraft[f.type]
            out[key] = Base(key, f.type, spec, airport, *ready_minutes(spec, airport, start, hours))
    return list(out.values())


# -- the vectorised flight rule -------------------------------------------------------------------
def flight_km(b_lat: np.ndarray, b_lon: np.ndarray, full_km: np.ndarray, s_lat: np.ndarray, s_lon: np.ndarray,
              a_lat: np.ndarray, a_lon: np.ndarray, cutoff_km: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """(km flown, refuelled) for every (base, site), inf where out of reach.

    The direct leg must leave enough fuel to reach the airport nearest the site (never stranded);
    otherwise one refuel stop at the airport giving the shortest route whose first leg is in range
    and whose second leg still leaves fuel for that nearest airport. `full_km` is range less the
    reserve. Pairs whose direct distance exceeds `cutoff_km` skip the refuel search (they cannot
    matter to the caller), which keeps siting over every airport fast.
    """
    full = np.asarray(full_km, float)[:, None]
    direct = haversine_km(b_lat[:, None], b_lon[:, None], s_lat[None, :], s_lon[None, :])
    second = haversine_km(a_lat[:, None], a_lon[:, None], s_lat[None, :], s_lon[None, :])     # airports x sites
    home = second.min(axis=0) if len(a_lat) else np.full(len(s_lat), np.inf)
    km = np.where(direct + home[None, :] <= full + EPS_KM, direct, np.inf)
    refuelled = np.zeros(km.shape, bool)
    need = np.isinf(km)
    if cutoff_km is not None:
        need &= direct <= np.asarray(cutoff_km, float)[:, None]
    first = haversine_km(b_lat[:, None], b_lon[:, None], a_lat[None, :], a_lon[None, :])        # bases x airports
    landing: dict[float, np.ndarray] = {}     # per range: second leg where it leaves fuel for the nearest airport
    for b in np.flatnonzero(need.any(axis=1)):
        f = float(full[b, 0])
        if f not in landing:
            landing[f] = np.where(second + home[None, :] <= f + EPS_KM, second, np.inf)
        stops, cols = np.flatnonzero(first[b] <= f + EPS_KM), np.flatnonzero(need[b])
        via = (first[b, stops][:, None] + landing[f][np.ix_(stops, cols)]).min(axis=0, initial=np.inf)
        km[b, cols] = via
        refuelled[b, cols] = np.isfinite(via)
    return km, refuelled


def arrival_matrix(bases: Sequence[Base], sites: Sites, airports: Sequence[Airport],
                   settings: AviationSettings, horizon_min: float = np.inf
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(minutes, minutes ignoring ceilings, refuelled), each bases x sites; inf where out of reach.

    With a finite horizon, pairs that could not arrive within it even flying direct may show inf.
    """
    kmh = np.array([b.spec.cruise_kmh for b in bases]) * settings.block_speed_factor
    ready = np.array([b.ready_min for b in bases])
    full = np.array([b.spec.range_km for b in bases]) * (1 - settings.range_reserve)
    cutoff = np.maximum(horizon_min - ready, 0) / 60 * kmh if np.isfinite(horizon_min) else None
    km, refuelled = flight_km(np.array([b.airport.lat for b in bases]), np.array([b.airport.lon for b in bases]),
                              full, sites.lat, sites.lon, np.array([a.lat for a in airports]),
                              np.array([a.lon for a in airports]), cutoff)
    refuel_min = np.array([b.spec.refuel_min for b in bases])[:, None]
    free = ready[:, None] + km / kmh[:, None] * 60 + np.where(refuelled, refuel_min, 0.0)
    ceiling = np.array([b.spec.ceiling_m for b in bases])[:, None]
    too_high = sites.elevation[None, :] > ceiling          # NaN (unknown) compares False: rule not applied
    return np.where(too_high, np.inf, free), free, refuelled


def static_reach(bases: Sequence[Base], sites: Sites, airports: Sequence[Airport] | None = None,
                 cat: Catalogue | None = None) -> Reach:
    """Earliest arrival over every site, the base and type that makes it, and what limited it."""
    cat = cat or load_catalogue()
    airports = list(gazetteer().airports.values()) if airports is None else airports
    if not bases:
        return Reach(sites, [], np.full(len(sites), np.inf), np.full(len(sites), -1),
                     ["unreachable"] * len(sites))
    t, free, refuelled = arrival_matrix(bases, sites, airports, cat.aviation_settings)
    best = np.argmin(t, axis=0)
    cols = np.arange(len(sites))
    minutes = t[best, cols]
    best_free = free.min(axis=0)
    limited = [_limit(m, f, bases[b].night, r)
               for m, f, b, r in zip(minutes, best_free, best, refuelled[best, cols])]
    return Reach(sites, list(bases), minutes, np.where(np.isfinite(minutes), best, -1), limited)


def _limit(minutes: float, unlimited: float, night: bool, refuelled: bool) -> str:
    """What set a site's arrival: precedence ceiling > night > refuel > direct."""
    if np.isinf(minutes):
        return "ceiling" if np.isfinite(unlimited) else "unreachable"
    if unlimited < minutes:
        return "ceiling"
    return "night" if night else "refuel" if refuelled else "direct"


# -- what is in scope -----------------------------------------------------------------------------
def scope_sites(scenario: Scenario, world: World, prone_dir: Path = PRONE_DIR) -> Sites:
    """Affected places of the scenario's hazards plus its disaster-prone counties inside the region."""
    chosen: dict[str, Place] = {}
    cands = world.candidates
    lat, lon = world.cand_lat, world.cand_lon
    for hz in (h for h in scenario.hazards if isinstance(h, Earthquake)):
        ii = hz.field(lat, lon, scenario.min_intensity)
        chosen.update((p.id, p) for p, v in zip(cands, ii) if v >= scenario.min_intensity and p.population > 0)
    if scenario.scope and scenario.scope.disaster_prone:
        region = {p.id: p for p in cands}
        for code in prone_counties(scenario.scope.disaster_prone, prone_dir):
            if code in region:
                chosen.setdefault(code, region[code])
    return Sites.of(list(chosen.values()), world.elevation)


def scenario_reach(loaded: LoadedScenario, prone_dir: Path = PRONE_DIR,
                   extra: Sequence[AviationForce] = ()) -> Reach:
    """Static reach of a loaded scenario's fleet (plan pre-positioning included, plus `extra` forces,
    e.g. from a bases CSV) over its sites."""
    s, cat = loaded.effective(), load_catalogue()
    world = build_world(s, cat)
    bases = make_bases([*s.forces.aviation, *extra], s.start, s.hours, cat)
    return static_reach(bases, scope_sites(s, world, prone_dir), world.airports, cat)
