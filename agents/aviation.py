"""Aircraft: helicopters, fixed-wing and transports flying great-circle legs at block speed.

A mission runs: alert-to-airborne (waiting for civil dawn if the type is day-only) -> fly, with a
refuel stop at an airport when the leg exceeds the fuel left -> work on site -> return to base.
Every leg is checked against the fuel on board, so no aircraft ever flies beyond its range.
Helicopters take the critically injured on their stretchers to the hospital reached soonest and,
where no road reaches them, shuttle back for more by daylight; they fly rescue teams in lift after lift.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import mesa
import simpy

from agents.missions import Mission
from sim.scenario.catalogue import AircraftType
from sim.world.geo import Airport, gc_km
from sim.world.routes import Route, plan_route
from sim.world.sun import daylight_windows

LOAD_MIN = 30.0   # load or unload cargo at a depot or a site; assumption


class _Place(NamedTuple):
    """A point to fly to by its id (an airport's ICAO code or a road node's place id)."""
    id: str
    lat: float
    lon: float


class AviationAsset(mesa.Agent):
    """One aircraft with its crew, based at an airport."""

    def __init__(self, model, name: str, type_name: str, spec: AircraftType, base: Airport, owner,
                 role: str = "any", work: Callable[[], float] | None = None) -> None:
        """`work`: draws minutes over a site per rescue mission (a force's `work_min`), else the
        catalogue's fixed reconnaissance pass."""
        super().__init__(model)
        self.work = work
        self.name, self.type_name, self.spec, self.base = name, type_name, spec, base
        self.owner, self.role = owner, role      # the post that tasks it; "any", "rescue" or "airlift"
        settings = model.catalogue.aviation_settings
        self.full_km = spec.range_km * (1 - settings.range_reserve)
        self.kmh = spec.cruise_kmh * settings.block_speed_factor
        self.lat, self.lon = base.lat, base.lon
        self.fuel_km = self.full_km
        self.status = "idle"
        self.missions = simpy.Store(model.env)
        self.flown_km = 0.0
        self.grounded_until = 0.0     # weather closes the base until this minute
        self.cleared = False          # its flight plan for this operation approved (at its first take-off)
        self._daylight = daylight_windows(model.spec.start, model.spec.hours, base.lat, base.lon)
        model.env.process(self.run())

    @property
    def status(self) -> str:
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        """Each change keeps the model's index of idle aircraft and command's of them by owner and by
        reach (the queue's), which command reads on every request instead of scanning the whole fleet."""
        self._status = value
        self.model.command.queue.keep_idle(self, value == "idle")
        by_owner = self.model.command.idle_by_owner[self.owner]
        if value == "idle":
            self.model.idle_aircraft.add(self)
            by_owner.add(self)
        else:
            self.model.idle_aircraft.discard(self)
            by_owner.discard(self)

    # -- questions command may ask ------------------------------------------------------------
    def can_serve(self, mission: Mission) -> bool:
        """Type and role able to do this mission at this site (hoist/seats, service ceiling, airlift split)."""
        if self.role != "any" and (self.role == "airlift") != (mission.purpose == "airlift"):
            return False
        elevation = mission.group.elevation_m
        if elevation is not None and elevation > self.spec.ceiling_m:
            return False
        if mission.kind == "rescue":
            return self.spec.kind != "transport"
        items = self.model.catalogue.relief_items
        kg = sum(qty * items[k].kg_per_unit for k, qty in mission.cargo.items())
        return self.spec.kind == "helicopter" and 0 < kg <= self.spec.payload_kg + 1e-6

    def eta_min(self, lat: float, lon: float, now: float) -> float:
        """Minutes from now until over (lat, lon) if tasked now; inf if it cannot get there."""
        return self.ready_delay(now) + self.flight_min(lat, lon)

    def flight_min(self, lat: float, lon: float) -> float:
        """Minutes airborne from here to (lat, lon), refuel stops included; inf if out of reach."""
        route = self._route(lat, lon)
        if route is None:
            return math.inf
        return route.km / self.kmh * 60 + route.stops * self.spec.refuel_min

    def ready_delay(self, now: float) -> float:
        """Alert-to-airborne from now: after weather reopens the base, at civil dawn if day-only, and
        not before its flight plan is approved (the plan's `flight_plan_min`, on its first tasking)."""
        weather = max(0.0, self.grounded_until - now)
        wait = self._wait_for_daylight(now + weather)
        if wait == 0:
            ready = weather + self.spec.alert_min.day
        elif self.spec.night:
            ready = weather + self.spec.alert_min.night
        else:
            ready = weather + wait + self.spec.alert_min.day
        return ready if self.cleared else max(ready, self.model.plan.dispatch.flight_plan_min)

    def _wait_for_daylight(self, now: float) -> float:
        """Minutes from `now` to civil dawn at base (0 by day), from windows computed once per base."""
        for dawn, dusk in self._daylight:
            if now <= dusk:
                return max(0.0, dawn - now)
        return 0.0

    # -- behaviour -------------------------------------------------------------------------------
    def run(self):
        while True:
            mission: Mission = yield self.missions.get()
            yield from self._launch(mission)
            if mission.kind == "rescue":
                yield from self._rescue(mission)
            elif mission.kind == "insert":
                yield from self._insert(mission)
            else:
                yield from self._airlift(mission)
            yield from self._return()
            mission.done.succeed()
            self.model.command.aircraft_free(self)

    def _launch(self, mission: Mission):
        self.status = "preparing"
        yield self.model.env.timeout(self.ready_delay(self.model.env.now))
        self.cleared = True
        self._record("launch", self.base.icao, mission=mission.kind, site=mission.group.place.id)

    def _rescue(self, mission: Mission):
        group = mission.group
        if not (yield from self._fly_to(group.place.lat, group.place.lon, group.place.id)):
            group.seats_inbound -= self.spec.seats
            return
        group.seats_inbound -= self.spec.seats
        group.make_contact()
        self._record("arrive", group.place.id, mission="rescue", purpose=mission.purpose or "rescue")
        self.status = "working"
        work = self.work() if self.work else self.model.catalogue.aviation_settings.recon_work_min
        yield self.model.env.timeout(work)
        while (yield from self._board(group)) and self._shuttles(group):
            if not (yield from self._fly_to(group.place.lat, group.place.lon, group.place.id)):
                return
            self._record("arrive", group.place.id, mission="rescue", purpose="shuttle")

    def _shuttles(self, group) -> bool:
        """Fly straight back from the hospital for more of the critically injured while they wait
        where no road reaches, by daylight for a day-only type. Going home to base between loads
        (185 km from Moxi to Xichang) spent most of each helicopter's day on the way."""
        daylight = self.spec.night or self._wait_for_daylight(self.model.env.now) == 0
        return group.immediate > 0 and daylight and not group.road_to_care()

    def _board(self, group):
        """Hoist or board the waiting (the critically injured first, as many as it has stretchers)
        and fly them to the hospital reached soonest; True if it took the critically injured there.
        Stretchers, not seats, bound how many critically injured one helicopter takes: what makes a
        second, third ... helicopter at a cut-off place save lives."""
        spec = self.spec
        if spec.hoist_min_per_person <= 0 or spec.seats <= 0:
            return False
        litters, seated = group.boarding(spec.seats, spec.seats if spec.stretchers is None else spec.stretchers)
        if not litters + seated:
            return False
        yield self.model.env.timeout((litters + seated) * spec.hoist_min_per_person)
        minutes, hospital = self._nearest_care()
        board, dead = group.evacuate(litters, seated, self.model.env.now + minutes)
        self._record("evacuate", group.place.id, people=board, died_before_care=dead, hospital=hospital.id)
        if hospital.id == self.base.icao or not (yield from self._fly_to(hospital.lat, hospital.lon, hospital.id)):
            return False
        self.status = "unloading"
        yield self.model.env.timeout(LOAD_MIN)
        return litters > 0

    def _nearest_care(self) -> tuple[float, Any]:
        """(flight minutes, place) of the hospital this helicopter reaches soonest from here: those at
        the prefecture seats, where road ambulances take the critically injured too
        (`ResponseModel.hospitals`), or its base city's. Flying everyone to the base city (185 km
        from Moxi to Xichang) cost the critically injured an hour that Kangding's hospital did not."""
        nodes = self.model.world.roads.nodes
        places = [nodes[h] for h in self.model.hospitals] + [_Place(self.base.icao, self.base.lat, self.base.lon)]
        km = [gc_km(self.lat, self.lon, p.lat, p.lon) for p in places]
        best, first, place = math.inf, len(places), None
        for i in sorted(range(len(places)), key=lambda i: (km[i], i)):     # nearest first
            if km[i] / self.kmh * 60 * (1 - 1e-9) > best:    # no flight is shorter than the great circle
                break
            minutes = self.flight_min(places[i].lat, places[i].lon)
            if (minutes, i) < (best, first):
                best, first, place = minutes, i, places[i]
        return best, place

    def _insert(self, mission: Mission):
        """Fly a rescue team's crew from its station to a site no road reaches, lift after lift while
        crew waits there beyond the seats of other helicopters tasked to it; then take the waiting out.
        `team.lift_seats` counts this helicopter's seats from its tasking to each loading."""
        team, group = mission.team, mission.group
        station = self.model.world.roads.nodes[team.lift_node]
        while True:
            if not (yield from self._fly_to(station.lat, station.lon, team.name)):
                team.lift_seats -= self.spec.seats
                self._lift_failed(team)
                return
            team.lift_seats -= self.spec.seats
            aboard = min(self.spec.seats, team.crew_waiting)
            if not aboard:
                return                                    # others have lifted the whole crew
            team.crew_waiting -= aboard
            self.status = "loading"
            yield self.model.env.timeout(LOAD_MIN)
            if not (yield from self._fly_to(group.place.lat, group.place.lon, group.place.id)):
                self._lift_failed(team)
                return
            group.make_contact()
            self._record("arrive", group.place.id, mission="insert", team=team.name, crew=aboard)
            yield self.model.env.timeout(LOAD_MIN)
            team.land_crew(aboard)
            if team.crew_waiting <= team.lift_seats or not group.trapped:
                yield from self._board(group)
                return
            team.lift_seats += self.spec.seats            # back to the station for the next lift

    @staticmethod
    def _lift_failed(team) -> None:
        """Out of reach: no other helicopter will fly this crew either (command picked this one as
        the soonest); a team none of whose crew got there stands down."""
        team.crew_waiting = 0
        if not team.inserted.triggered:
            team.inserted.succeed(0.0)

    def _airlift(self, mission: Mission):
        depot = mission.consignment.depot
        if not (yield from self._fly_to(depot.place.lat, depot.place.lon, depot.place.id)):
            return
        self.status = "loading"
        yield self.model.env.timeout(LOAD_MIN)
        group = mission.group
        if not (yield from self._fly_to(group.place.lat, group.place.lon, group.place.id)):
            return
        group.make_contact()
        self._record("arrive", group.place.id, mission="airlift")
        yield self.model.env.timeout(LOAD_MIN)
        mission.consignment.arrived(mission.cargo, self.name)

    def _return(self):
        yield from self._fly_to(self.base.lat, self.base.lon, self.base.icao)
        self._record("land", self.base.icao)
        if self.fuel_km < self.full_km:
            self.status = "refuelling"
            yield self.model.env.timeout(self.spec.refuel_min)
            self.fuel_km = self.full_km
        self.status = "idle"

    def _fly_to(self, lat: float, lon: float, place: str):
        """Fly there with a refuel stop if needed; False (and an event) if out of reach. Where the
        wind at the destination will be over the type's limit on arrival, wait first."""
        route = self._route(lat, lon)
        if route is None:
            self._record("unreachable", place)
            return False
        hold, why = self._weather_hold(place, route.km / self.kmh * 60 + route.stops * self.spec.refuel_min)
        if hold:
            self.status = "holding"
            self._record("hold", place, minutes=hold, reason=why)
            yield self.model.env.timeout(hold)
        self.status = "flying"
        for leg in route.legs:
            minutes = leg.km / self.kmh * 60
            self._record("fly", place, km=leg.km, minutes=minutes, fuel_km=self.fuel_km, to=[leg.to_lat, leg.to_lon])
            yield self.model.env.timeout(minutes)
            self.fuel_km -= leg.km
            self.flown_km += leg.km
            self.lat, self.lon = leg.to_lat, leg.to_lon
            if leg.refuel_at:
                yield self.model.env.timeout(self.spec.refuel_min)
                self.fuel_km = self.full_km
                self._record("refuel", leg.refuel_at.icao)
        return True

    def _weather_hold(self, place: str, minutes: float) -> tuple[float, str]:
        """Minutes to wait here so as to arrive after the spells of weather (a typhoon's wind, the
        scenario's documented cloud or fog) that keep this kind of aircraft from `place`, and why."""
        now = start = self.model.env.now
        why = ""
        for begin, end, reason in self.model.flight_holds.get((place, self.spec.kind), ()):   # in time order
            if begin <= start + minutes < end:
                start, why = end - minutes, reason
        return start - now, why

    def _route(self, lat: float, lon: float) -> Route | None:
        return plan_route(self.lat, self.lon, self.fuel_km, self.full_km, lat, lon, self.model.world, self.base)

    def _record(self, kind: str, place: str, **data) -> None:
        self.model.recorder.add(self.model.env.now, kind, self.name, place,
                                {"status": self.status, "lat": self.lat, "lon": self.lon, **data})
