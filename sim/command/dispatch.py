"""Dispatch policies, chosen by name in the plan: which free unit takes a mission, which waiting
request goes first when a unit comes free."""
from __future__ import annotations

import heapq
import math
from typing import Any

from agents.missions import Mission
from sim.world.geo import haversine_km


def first_stop(mission: Mission) -> Any:
    """The place an aircraft flies to first on a mission, which its time to respond is measured to:
    the site of a rescue, the depot an airlift loads at."""
    return mission.group.place if mission.kind == "rescue" else mission.consignment.depot.place


class NearestAvailable:
    """The unit that would be there first (aircraft: alert + flight; teams: road time); FIFO queue."""

    def pick_aircraft(self, candidates: list[Any], mission: Mission, now: float) -> tuple[Any, float] | None:
        site = first_stop(mission)
        best = min(((a.eta_min(site.lat, site.lon, now), i, a) for i, a in enumerate(candidates)),
                   default=None, key=lambda x: (x[0], x[1]))
        return None if best is None or math.isinf(best[0]) else (best[2], best[0])

    def pick_teams(self, candidates: list[Any], node: int, count: int) -> list[tuple[Any, float | None]]:
        """Teams by road time; where no road reaches the site, the nearest as the crow flies, to be
        flown in by helicopter (their transfer time is then unknown: None)."""
        ranked = heapq.nsmallest(count, ((u.eta_min(node), i, u) for i, u in enumerate(candidates)),
                                 key=lambda x: (x[0], x[1]))       # the count nearest, not a sort of all
        by_road = [(u, eta) for eta, _, u in ranked if math.isfinite(eta)]
        if by_road or not candidates:
            return by_road
        roads = candidates[0].model.world.roads
        site = roads.nodes[node]
        crow = sorted((haversine_km(site.lat, site.lon, roads.nodes[u.node].lat, roads.nodes[u.node].lon), i, u)
                      for i, u in enumerate(candidates))
        return [(u, None) for _, _, u in crow[:count]]

    def order(self, queue: list[Any]) -> list[Any]:
        return list(queue)


class PriorityTrapped(NearestAvailable):
    """As nearest-available, but waiting requests are served most-trapped site first, and flights
    that save lives before relief airlifts."""

    def order(self, queue: list[Any]) -> list[Any]:
        return sorted(queue, key=lambda r: (r.purpose == "airlift", -r.group.trapped, r.created))


POLICIES = {"nearest_available": NearestAvailable, "priority_trapped": PriorityTrapped}
