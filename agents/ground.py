"""Ground rescue units: drive the road graph to a site and dig people out of the rubble.

Where every road to the site is cut, the unit asks command for helicopters: free ones with seats
fly its crew in from its station, lift after lift, as Mi-171s flew teams into Moxi in 2022. The
team works at the share of its crew on site, which each lift raises (`land_crew`): a heavy team of
40 is more than one Mi-171's 24 seats, so how many helicopters shuttle decides how fast it digs.

Forces beyond fire-rescue (PLA / armed police, professional and social rescue teams) are the same
agent with their catalogue `kind` and `activation_min`: they cannot be tasked until activated, and
military units only through the military channel (`Command.may_task`). A team waiting for a
helicopter drives instead when a cleared road reaches its site first (`DRIVE`).

Extraction is worked in one-hour shifts (heavy USAR teams work around the clock, INSARAG); each
shift hands the people reached to `AffectedGroup.extract`, which decides survival at that moment.
"""
from __future__ import annotations

import math

import mesa
import numpy as np
import simpy

from agents.driving import drive
from agents.missions import Mission
from sim.scenario.catalogue import GroundType
from sim.world.geo import haversine_km

SHIFT_MIN = 60.0
DRIVE = -1.0          # what `Command.request_insertion`'s event fires with when a road has reopened


class FireRescueUnit(mesa.Agent):
    """A fire-rescue team or engine at a station node of the road graph."""

    def __init__(self, model, name: str, type_name: str, spec: GroundType, station: int, owner,
                 status: str = "idle") -> None:
        super().__init__(model)
        self.name, self.type_name, self.spec, self.owner = name, type_name, spec, owner
        self.station = self.node = station
        self.status = "activating" if status == "idle" and spec.activation_min > 0 else status
        self.missions = simpy.Store(model.env)
        self.crew_share = 1.0     # of the crew at work on site (below 1 while helicopters still fly it in)
        self.crew_waiting = 0     # crew at the station waiting for a helicopter lift
        self.lift_seats = 0       # seats on helicopters tasked to lift them and not yet loaded
        self.lift_node = station  # where the crew waits for its lifts (where the unit stood when it asked)
        model.env.process(self.run())

    @property
    def status(self) -> str:
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        """Each change keeps command's index of idle teams, which it reads on every request for teams
        instead of scanning every team (as `AviationAsset.status` does for aircraft)."""
        self._status = value
        if value == "idle":
            self.model.command.idle_teams.add(self)
        else:
            self.model.command.idle_teams.discard(self)

    def eta_min(self, node: int) -> float:
        """Road minutes from where the unit stands to a node (inf when every road is cut); a unit with
        boats drives to the open node that makes the trip shortest and goes on by boat."""
        roads = self.model.world.roads
        by_road = roads.minutes_from(self.node) / self.spec.speed_factor
        if math.isfinite(by_road[node]) or not self.spec.boat_kmh:
            return float(by_road[node])
        n = roads.nodes[node]
        boat_km = haversine_km(n.lat, n.lon, roads.lat, roads.lon) * self.model.catalogue.road_settings.detour_factor
        return float(np.min(by_road + boat_km / self.spec.boat_kmh * 60))

    def land_crew(self, people: int) -> None:
        """A helicopter has set down `people` of the crew on site: the first lift starts the work."""
        self.crew_share = min(1.0, self.crew_share + people / self.spec.crew)
        if not self.inserted.triggered:
            self.inserted.succeed(self.crew_share)

    def drive_rest(self, group) -> None:
        """A road has reopened while part of the crew works on site: the rest drives there."""
        waiting, self.crew_waiting = self.crew_waiting, 0
        if waiting:
            minutes = self.model.world.roads.minutes_from(self.lift_node)[group.node] / self.spec.speed_factor
            self.model.env.timeout(float(minutes)).callbacks.append(lambda _: self.land_crew(waiting))

    def run(self):
        if self.status == "activating":
            yield self.model.env.timeout(self.spec.activation_min)
            self.status = "idle"
            self._record("activated", "", force=self.spec.kind)
            self.model.command.team_free(self)
        while True:
            mission: Mission = yield self.missions.get()
            yield from self._rescue(mission)
            mission.done.succeed()
            self.model.command.team_free(self)

    def _rescue(self, mission: Mission):
        env, group = self.model.env, mission.group
        share = yield from self._reach(group)      # of the team's crew at work on site
        if not share:
            group.teams_assigned -= 1
            self.status = "idle"
            self._record("stand_down", group.place.id, reason="no helicopter could fly the team in")
            return
        self.crew_share = share
        self.node = group.node
        self.status = "working"
        self._record("arrive", group.place.id, mission="ground_rescue", crew_share=share)
        group.make_contact()
        self.model.command.on_scene(group, self)
        owed = 0.0
        while group.trapped > 0:
            yield env.timeout(SHIFT_MIN)
            owed += self.spec.rescue_per_hour * self.crew_share * SHIFT_MIN / 60
            reached = int(owed)
            if reached:
                owed -= reached
                alive, dead = group.extract(reached, env.now)
                self._record("rescue", group.place.id, alive=alive, dead=dead)
        group.teams_assigned -= 1
        self.status = "idle"
        self._record("stand_down", group.place.id)

    def _reach(self, group):
        """Drive to the site, or wait for a helicopter where no road reaches it (again, when a road
        closes ahead of the team on the way); the share of the crew that gets there (0: none)."""
        while True:
            minutes = self.eta_min(group.node)
            if math.isinf(minutes):
                self.status = "awaiting_airlift"
                self._record("blocked", group.place.id)
                share = yield self.model.command.request_insertion(self, group)
                if share != DRIVE:
                    return share
                minutes = self.eta_min(group.node)
            self.status = "driving"
            self._record("depart", group.place.id, minutes=minutes, to=[group.place.lat, group.place.lon])
            if math.isinf(self.model.world.roads.minutes_from(self.node)[group.node]):   # the boats' way
                yield self.model.env.timeout(minutes)
                return 1.0
            self.node = yield from drive(self.model, self.node, group.node, self.spec.speed_factor, minutes,
                                         lambda left: self._record("reroute", group.place.id, minutes=left))
            if self.node == group.node:
                return 1.0

    def _record(self, kind: str, place: str, **data) -> None:
        n = self.model.world.roads.nodes[self.node]
        self.model.recorder.add(self.model.env.now, kind, self.name, place,
                                {"status": self.status, "lat": n.lat, "lon": n.lon, **data})
