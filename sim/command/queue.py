"""The queue of requests nobody could fill yet, and which waiting flights each idle aircraft reaches.

Each time a unit came free, every waiting aviation request was tried again: with hundreds of sites
waiting, each freed helicopter re-asked all of them (a cost growing as incidents squared). Whether an
idle aircraft reaches a site depends only on where it stands, its fuel and its range (`plan_route`),
and an idle aircraft mostly stands at its base on full tanks: the queue keeps, for each such state
of an aircraft (its class), the waiting requests it reaches, and serving the queue looks only at
those some idle aircraft reaches. Any other request would find every idle aircraft out of reach
(`pick_aircraft` returns None) and change nothing.
"""
from __future__ import annotations

from itertools import count
from typing import Any

import numpy as np

from sim.command.dispatch import first_stop
from sim.world.geo import Airport, gc_km
from sim.world.routes import AirportIndex, plan_route


class RequestQueue:
    """Waiting requests by kind in arrival order, with the index of the aviation requests each class of
    aircraft reaches. Classes of aircraft at their base on full tanks (a few per base) stay indexed;
    an aircraft idle elsewhere (stranded where it could not fly home) is a class of its own, kept only
    while it is idle."""

    def __init__(self, world: AirportIndex) -> None:
        self.world = world
        self._by_kind: dict[str, dict[Any, None]] = {}    # kind -> requests in arrival order (an ordered set)
        self._arrival: dict[Any, int] = {}                 # request -> its place in arrival order
        self._reached: dict[tuple, set] = {}               # aircraft class -> waiting aviation requests it reaches
        self._homes: dict[tuple, Airport] = {}             # aircraft class -> the base it routes home to
        self._sites: dict[Any, tuple[float, float]] = {}   # waiting aviation request -> (lat, lon) of its first stop
        self._legs: dict[Any, dict[float, int]] = {}       # waiting request -> range -> `_one_leg` bits
        self._airports_within: dict[tuple, int] = {}       # aircraft class -> `_within` bits
        self._idle: dict[tuple, set] = {}                  # aircraft class -> its idle aircraft (`keep_idle`)
        self._class_of: dict[Any, tuple] = {}              # idle aircraft -> its class
        self._next = count()

    def __len__(self) -> int:
        return len(self._arrival)

    def append(self, req) -> None:
        self._by_kind.setdefault(req.kind, {})[req] = None
        self._arrival[req] = next(self._next)
        if req.kind == "aviation":
            site = first_stop(req.mission)
            self._sites[req] = (site.lat, site.lon)
            for key, reached in self._reached.items():
                if self._reaches(key, req):
                    reached.add(req)

    def remove(self, req) -> None:
        del self._by_kind[req.kind][req]
        del self._arrival[req]
        self._sites.pop(req, None)
        self._legs.pop(req, None)
        for reached in self._reached.values():
            reached.discard(req)

    def of(self, kind: str) -> list:
        """Waiting requests of one kind, in arrival order."""
        return list(self._by_kind.get(kind, ()))

    def keep_idle(self, aircraft, idle: bool) -> None:
        """Keep the idle aircraft by class: `AviationAsset.status` calls this on every change (an aircraft
        moves and burns fuel only while not idle, so its class holds while it is)."""
        key = self._class_of.pop(aircraft, None)
        if key is not None:
            self._idle[key].discard(aircraft)
            if not self._idle[key]:
                del self._idle[key]
                if not self._at_home(key):            # a stranded aircraft's state: it will not recur
                    self._reached.pop(key, None)
                    self._airports_within.pop(key, None)
        if idle:
            key = self._class(aircraft)
            self._class_of[aircraft] = key
            self._idle.setdefault(key, set()).add(aircraft)

    def reachable(self) -> list:
        """Waiting aviation requests that at least one idle aircraft reaches, in arrival order."""
        found = set().union(*(self._index(key) for key in self._idle))
        return sorted(found, key=self._arrival.__getitem__)

    def reachers(self, req) -> set | None:
        """The idle aircraft that reach a waiting request from where they stand (None if it is not waiting)."""
        if req not in self._arrival:
            return None
        return set().union(*(idle for key, idle in self._idle.items() if req in self._index(key)))

    def _class(self, aircraft) -> tuple:
        """What an aircraft's reach depends on: where it stands, its fuel, its range, its base."""
        key = (aircraft.lat, aircraft.lon, aircraft.fuel_km, aircraft.full_km, aircraft.base.icao)
        if key not in self._homes:
            self._homes[key] = aircraft.base
        return key

    def _at_home(self, key: tuple) -> bool:
        base = self._homes[key]
        return key[:3] == (base.lat, base.lon, key[3])

    def _index(self, key: tuple) -> set:
        """The waiting requests a class reaches, built over the queue the first time the class is idle."""
        if key not in self._reached:
            self._reached[key] = {r for r in self._by_kind.get("aviation", ()) if self._reaches(key, r)}
        return self._reached[key]

    def _reaches(self, key: tuple, req) -> bool:
        """Does an aircraft of this class reach the request's first stop (`plan_route` not None)? A route
        with one refuel stop exists iff an airport within the fuel aboard is one full tank from the site
        and on to its nearest airport: the very comparisons of `routes._route` on the same arrays, kept
        as bits per class and per request. Otherwise only a direct leg can do, within the fuel aboard:
        those sites get the very route the aircraft would ask for (`AviationAsset.flight_min`: same
        arguments, same answer, kept in the world)."""
        lat, lon, fuel_km, full_km, _ = key
        if self._within(key) & self._one_leg(req, full_km):
            return True
        to_lat, to_lon = self._sites[req]
        return (gc_km(lat, lon, to_lat, to_lon) <= fuel_km * (1 + 1e-6)          # the margin covers rounding
                and plan_route(lat, lon, fuel_km, full_km, to_lat, to_lon, self.world, self._homes[key]) is not None)

    def _within(self, key: tuple) -> int:
        """Airports (as bits) within the fuel aboard of this class."""
        if key not in self._airports_within:
            first, _ = self.world.km_to_airports(key[0], key[1])
            self._airports_within[key] = _bits(first <= key[2] + 1e-9)
        return self._airports_within[key]

    def _one_leg(self, req, full_km: float) -> int:
        """Airports (as bits) from which one full tank reaches the request's site and its nearest airport."""
        legs = self._legs.setdefault(req, {})
        if full_km not in legs:
            second, to_airport = self.world.km_to_airports(*self._sites[req])
            legs[full_km] = _bits(second + to_airport <= full_km + 1e-9)
        return legs[full_km]


def _bits(mask: np.ndarray) -> int:
    """A boolean vector as the bits of one integer: testing two sets of airports is one `&`."""
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")
