"""Road-clearing (抢通) teams: drive to a closed or slowed road segment and reopen it.

A team's work on a segment takes a time known in closed form when it arrives (segment km x the
share buried for its damage class / the team's debris rate); at that moment the segment's travel
factor drops to the catalogue's `reopened_factor` and command re-plans whatever waits on a road
(`Command.road_reopened`); units already on the road re-plan from where they are (agents/driving.py).
"""
from __future__ import annotations

import math

import mesa
import numpy as np
import simpy

from agents.driving import drive
from sim.scenario.catalogue import ClearingType


def damage_class(factor: float) -> str:
    """'closed' for a cut segment, 'slowed' for an open damaged one."""
    return "closed" if math.isinf(factor) else "slowed"


class ClearingTeam(mesa.Agent):
    """An excavator-and-loader team at a station node; it works one segment at a time."""

    def __init__(self, model, name: str, type_name: str, spec: ClearingType, station: int, owner,
                 status: str = "idle") -> None:
        super().__init__(model)
        self.name, self.type_name, self.spec, self.owner = name, type_name, spec, owner
        self.node = station
        self.status = "activating" if status == "idle" and spec.activation_min > 0 else status
        self.work = simpy.Store(model.env)     # edge indices to clear
        model.env.process(self.run())

    def clearing_min(self, edge: int) -> float:
        """Minutes of work to reopen a segment, in closed form."""
        roads = self.model.world.roads
        share = self.spec.buried_share[damage_class(roads.factor[edge])]
        return float(roads.km[edge]) * share / self.spec.debris_km_per_h * 60.0

    def reach_min(self, edge: int) -> tuple[float, int]:
        """(road minutes to the nearer open end of a segment, that end's node); inf when neither end is reachable."""
        roads = self.model.world.roads
        minutes = roads.minutes_from(self.node) / self.spec.speed_factor
        ends = [(float(minutes[n]), int(n)) for n in (roads.u[edge], roads.v[edge])]
        return min(ends)

    def run(self):
        env = self.model.env
        if self.status == "activating":
            yield env.timeout(self.spec.activation_min)
            self.status = "idle"
            self.model.command.clearing_free(self)
        while True:
            edge = yield self.work.get()
            why = yield from self._clear(int(edge))
            self.status = "idle"
            self._record("stand_down", int(edge), **({"reason": why} if why else {}))
            self.model.command.clearing_free(self)

    def _clear(self, edge: int):
        env, roads = self.model.env, self.model.world.roads
        minutes, end = self.reach_min(edge)
        if math.isinf(minutes):
            self.model.command.clearing_failed(edge)
            return "no open road to the segment"
        self.status = "driving"
        far = self.model.world.roads.nodes[end]
        self._record("depart", edge, minutes=minutes, to=[far.lat, far.lon])
        self.node = yield from drive(self.model, self.node, end, self.spec.speed_factor, minutes,
                                     lambda left: self._record("reroute", edge, minutes=left))
        if self.node != end:
            self.model.command.clearing_failed(edge)
            return "the road to the segment closed on the way"
        work = self.clearing_min(edge)
        self.status = "clearing"
        was = damage_class(roads.factor[edge])
        self._record("clearing", edge, minutes=work, damage=was)
        yield env.timeout(work)
        factor = min(float(roads.factor[edge]), self.model.catalogue.reopened_factor[was])
        self.model.reopen_road(edge, factor, self.name)
        self.node = int(roads.v[edge] if roads.u[edge] == end else roads.u[edge])   # through to the far end
        return None

    def _record(self, kind: str, edge: int, **data) -> None:
        roads = self.model.world.roads
        n = roads.nodes[self.node]
        link = [roads.nodes[roads.u[edge]].id, roads.nodes[roads.v[edge]].id]
        self.model.recorder.add(self.model.env.now, kind, self.name, "",
                                {"status": self.status, "lat": n.lat, "lon": n.lon, "link": link, **data})


def damaged_edges(roads, nodes: list[int], slowed_floor: float) -> np.ndarray:
    """Segments touching any of these nodes that clearing would speed up: closed, or slowed beyond
    what a cleared segment keeps (`slowed_floor`, the catalogue's reopened factor for slowed roads)."""
    touch = np.isin(roads.u, nodes) | np.isin(roads.v, nodes)
    return np.flatnonzero(touch & (roads.factor > slowed_floor + 1e-9))
