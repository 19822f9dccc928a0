"""Sites waiting for a helicopter to fly their people out, and the nearest-first search among them.

Each time a helicopter came free, command asked every affected site whether people still waited
there beyond the seats already flying in: a scan of all sites per freed helicopter, which grew as
incidents squared (at 400 incidents 229,000 questions, two thirds of the run, though no site waited).
Whether a site waits depends only on its counts (`AffectedGroup` tells the index when they change),
on whether command knows of it (the same) and on whether a road reaches a hospital from it; the
roads' distances to care are recomputed after any damage, and then only the sites whose road to
care opened or closed are asked again.
"""
from __future__ import annotations

import math

import numpy as np

from sim.world.geo import haversine_km


def waits(group) -> bool:
    """Does the site wait for evacuation: known to command, with more people only a helicopter can
    bring to care than the seats on their way? (What the index keeps, and what a full scan asks.)"""
    return group.known and group.awaiting_evacuation > group.seats_inbound


class WaitingSites:
    """The index of the sites that wait (`waits`), exact whenever it is read: the sites touched since
    the last reading, and those whose road to care changed, are asked again; no other site's answer
    can have changed."""

    def __init__(self, model) -> None:
        self.model = model
        self._members: set = set()
        self._touched: set = set()     # sites whose counts changed since the last reading
        self._care = None              # the roads' minutes to the nearest hospital at the last reading

    def touch(self, group) -> None:
        """A count `waits` reads changed at this site (called by `AffectedGroup` on every change)."""
        self._touched.add(group)

    def groups(self) -> list:
        """The sites waiting now, in the order they were hit (the model's order of groups)."""
        self._touch_care_changes()
        for group in self._touched:
            if waits(group):
                self._members.add(group)
            else:
                self._members.discard(group)
        self._touched.clear()
        return sorted(self._members, key=lambda g: g.unique_id)

    def _touch_care_changes(self) -> None:
        """Since the last reading, did damage or clearing open or close some site's road to care? The
        roads compute their distances to care anew after any change, so the same array means none."""
        model = self.model
        care = model.world.roads.nearest_of(model.hospitals)
        if care is self._care:
            return
        if self._care is not None and model.groups:
            nodes = [g.node for g in model.groups]
            flipped = np.flatnonzero(np.isfinite(self._care[nodes]) != np.isfinite(care[nodes]))
            self._touched.update(model.groups[i] for i in flipped.tolist())
        self._care = care


class Waiting:
    """Sites waiting for evacuation (`WaitingSites.groups`), and the great-circle km to each from each
    of some helicopters, while no time passes.

    A flight is never shorter than the great circle (at cruise speed), and no route with its one
    refuel stop is longer than the fuel aboard plus a full tank: sites are routed nearest first and the
    search stops past that reach or once the bound exceeds the best flight. Only the nearest few are
    routed, not every waiting site for every free helicopter (which grew as incidents squared)."""

    def __init__(self, groups: list, fleet: list) -> None:
        self.groups = groups
        self.open = np.ones(len(groups), dtype=bool)           # still waiting: sites leave once covered
        here = np.array([[a.lat, a.lon] for a in fleet]).reshape(-1, 2)
        there = np.array([(g.place.lat, g.place.lon) for g in groups]).reshape(-1, 2)
        self.km = haversine_km(here[:, :1], here[:, 1:], there[:, 0], there[:, 1]) * (1 - 1e-9)   # a bound

    def nearest(self, aircraft, km) -> tuple[float, int] | None:
        """(flight minutes, index) of the open site the aircraft reaches soonest (ties: first in order)."""
        near = np.flatnonzero(self.open & (km <= aircraft.fuel_km + aircraft.full_km + 1e-6))   # open, in reach
        best = None
        for i in near[np.argsort(km[near], kind="stable")].tolist():
            if best is not None and km[i] / aircraft.kmh * 60 > best[0]:
                break
            place = self.groups[i].place
            minutes = aircraft.flight_min(place.lat, place.lon)
            if math.isfinite(minutes) and (best is None or (minutes, i) < best):
                best = (minutes, i)
        return best

    def update(self, i: int) -> None:
        """A helicopter was tasked to site i: it leaves the list once the seats inbound cover it."""
        self.open[i] = waits(self.groups[i])
