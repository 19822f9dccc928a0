"""Flight routes: great-circle legs with at most one refuel stop, never stranding an aircraft at a site.

Routes depend only on where an aircraft is, its fuel, and where it goes, so the world keeps them
(aircraft ask the same ones again and again); `reach` and the aviation agents share this one function.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from sim.world.geo import Airport, gc_km


class AirportIndex(Protocol):
    """What routing needs of the world: the airports, distances to them, and a cache of routes."""
    airports: list[Airport]
    routes: dict[tuple, Route | None]

    def km_to_airports(self, lat: float, lon: float) -> tuple[np.ndarray, float]: ...


@dataclass(frozen=True, slots=True)
class Leg:
    to_lat: float
    to_lon: float
    km: float
    refuel_at: Airport | None     # an airport where the aircraft refuels after this leg


@dataclass(frozen=True, slots=True)
class Route:
    legs: tuple[Leg, ...]
    km: float                     # total distance flown
    stops: int                    # refuel stops on the way


def plan_route(lat: float, lon: float, fuel_km: float, full_km: float, to_lat: float, to_lon: float,
               world: AirportIndex, home: Airport | None = None) -> Route | None:
    """Legs from here to the destination, with at most one refuel stop; None if out of reach.

    A leg is allowed only if, on arrival, the aircraft can still reach some airport: it is
    never stranded at a site. Routes depend on nothing but their arguments, and aircraft keep
    asking the same ones (from base, full, to each site): they are kept in the world. `home`, an
    airport among the world's, only saves work: if it is in reach after the leg, some airport is.
    """
    key = (lat, lon, fuel_km, full_km, to_lat, to_lon)
    if key not in world.routes:
        world.routes[key] = _route(lat, lon, fuel_km, full_km, to_lat, to_lon, world, home)
    return world.routes[key]


def _route(lat: float, lon: float, fuel_km: float, full_km: float, to_lat: float, to_lon: float,
           world: AirportIndex, home: Airport | None) -> Route | None:
    d = gc_km(lat, lon, to_lat, to_lon)
    if home is not None and d + gc_km(to_lat, to_lon, home.lat, home.lon) <= fuel_km + 1e-9:
        return Route((Leg(to_lat, to_lon, d, None),), d, 0)
    second, to_airport = world.km_to_airports(to_lat, to_lon)
    if d + to_airport <= fuel_km + 1e-9:
        return Route((Leg(to_lat, to_lon, d, None),), d, 0)
    first, _ = world.km_to_airports(lat, lon)
    airports = world.airports
    ok = (first <= fuel_km + 1e-9) & (second + to_airport <= full_km + 1e-9)
    if not ok.any():
        return None
    total = np.where(ok, first + second, np.inf)
    i = int(np.argmin(total))
    a = airports[i]
    return Route((Leg(a.lat, a.lon, float(first[i]), a), Leg(to_lat, to_lon, float(second[i]), None)),
                 float(first[i] + second[i]), 1)
