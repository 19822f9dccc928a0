"""Dispatch: which unit takes which mission. One interface, policies chosen by name in the plan.

`NearestAvailable` gives a mission to the idle unit that would be there first (aircraft by
alert + flight time, teams by road time); missions nobody can take now wait in a FIFO queue
and go to the first suitable unit that comes free. Relief goes to the nearest depots first.
"""
from __future__ import annotations

import math

from agents.missions import Mission
from agents.supply import Consignment


class NearestAvailable:
    """The first command seam's dispatcher (DESIGN.md: replaced by coordinated command later)."""

    def __init__(self, model) -> None:
        self.model = model
        self.air_queue: list[Mission] = []
        self.ground_queue: list[Mission] = []

    # -- aviation --------------------------------------------------------------------------------
    def request_rescue_flight(self, group) -> None:
        self.request_air(Mission("rescue", group, self.model.env.now, done=self.model.env.event()))

    def request_air(self, mission: Mission) -> None:
        now, site = self.model.env.now, mission.group.place
        best, best_eta = None, math.inf
        for a in self.model.aircraft:
            if a.status == "idle" and not a.missions.items and a.can_serve(mission):
                eta = a.eta_min(site.lat, site.lon, now)
                if eta < best_eta:
                    best, best_eta = a, eta
        if best is None:
            self.air_queue.append(mission)
            return
        self._assign(best, mission, eta=best_eta)

    def aircraft_free(self, aircraft) -> None:
        now = self.model.env.now
        for m in self.air_queue:
            site = m.group.place
            if aircraft.can_serve(m) and math.isfinite(eta := aircraft.eta_min(site.lat, site.lon, now)):
                self.air_queue.remove(m)
                self._assign(aircraft, m, eta=eta)
                return
        # nothing queued: fly again to people still waiting for evacuation, nearest first
        if aircraft.spec.kind != "helicopter" or aircraft.spec.seats == 0:
            return
        waiting = [g for g in self.model.groups if g.known and g.awaiting_evacuation > g.seats_inbound]
        reachable = [(aircraft.eta_min(g.place.lat, g.place.lon, now), i, g) for i, g in enumerate(waiting)]
        reachable = [r for r in reachable if math.isfinite(r[0])]
        if reachable:
            eta, _, group = min(reachable, key=lambda r: (r[0], r[1]))
            self._assign(aircraft, Mission("rescue", group, now, done=self.model.env.event()), eta=eta)

    def max_airlift_kg(self) -> float:
        return max((a.spec.payload_kg for a in self.model.aircraft if a.spec.kind == "helicopter"), default=0.0)

    # -- ground ----------------------------------------------------------------------------------
    def request_teams(self, group, count: int) -> None:
        for _ in range(count):
            mission = Mission("ground_rescue", group, self.model.env.now, done=self.model.env.event())
            group.teams_assigned += 1
            if not self._assign_team(mission):
                self.ground_queue.append(mission)

    def _assign_team(self, mission: Mission) -> bool:
        node = mission.group.node
        idle = [(u.eta_min(node), i, u) for i, u in enumerate(self.model.teams)
                if u.status == "idle" and not u.missions.items]
        idle = [x for x in idle if math.isfinite(x[0])]
        if not idle:
            return False
        eta, _, unit = min(idle, key=lambda x: (x[0], x[1]))
        self._assign(unit, mission, eta=eta)
        return True

    def team_free(self, unit) -> None:
        while self.ground_queue:
            mission = self.ground_queue.pop(0)
            if mission.group.trapped == 0:
                mission.group.teams_assigned -= 1
                continue
            if math.isfinite(unit.eta_min(mission.group.node)):
                self._assign(unit, mission, eta=unit.eta_min(mission.group.node))
                return
            self.ground_queue.insert(0, mission)
            return

    # -- relief ----------------------------------------------------------------------------------
    def request_relief(self, group) -> None:
        """Release the group's outstanding needs from the nearest depots and ship them."""
        wanted = group.outstanding()
        if not wanted:
            return
        roads = self.model.world.roads
        ranked = sorted(self.model.depots, key=lambda d: (roads.minutes_from(d.node)[group.node], d.unique_id))
        for depot in ranked:
            items = depot.release(wanted)
            if items:
                Consignment(self.model, depot, group, items, float(roads.minutes_from(depot.node)[group.node]))
                wanted = {k: v - items.get(k, 0.0) for k, v in wanted.items() if v - items.get(k, 0.0) > 1e-9}
            if not wanted:
                return
        self.model.recorder.record(self.model.env.now, "shortage", "dispatcher", group.place.id, items=wanted)

    def _assign(self, unit, mission: Mission, eta: float | None = None) -> None:
        if mission.kind == "rescue":
            mission.group.seats_inbound += unit.spec.seats
        unit.status = "tasked"
        unit.missions.put(mission)
        self.model.recorder.record(self.model.env.now, "dispatch", unit.name, mission.group.place.id,
                                   mission=mission.kind, eta_min=eta)
