"""Trunk legs: relief from a far depot by rail or by transport aircraft, then the road to the group.

A consignment whose depot (or plan) chooses `rail`, `air` or `fastest` may go road -> trunk -> road:
a convoy drives from the depot to the railhead (or the airport) nearest it, the trunk carries the
load to the terminal that brings it soonest to the group, and a convoy drives on from there (or,
where no road reaches, the plan's last leg). Trains carry a whole consignment; transport aircraft
fly sorties of one payload each from a shared pool (`AirBridge`), each airframe alerted once and
held until it has flown back. Every figure comes from the catalogue (`rail_settings`,
`transport_handling_min`, the aircraft type); the convoys at either end do not use the depot's
own truck fleet (an assumption: trunk freight is met by the terminal's trucks).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import simpy

from sim.world.geo import Airport, Place, gc_km


@dataclass(frozen=True, slots=True)
class Trunk:
    """One way of going by rail or air: road nodes at either terminal and the trunk's own minutes."""
    mode: str              # "rail" or "air"
    start: int             # road node of the departure railhead or airport
    end: int               # road node of the arrival railhead or airport
    origin: str            # railhead place id or ICAO code (for the events)
    dest: str
    minutes: float         # loading, the line or the flight, unloading; not the wait for an aircraft
    payload_kg: float      # one train (inf) or one sortie
    flight_min: float = 0.0


class AirBridge:
    """The plan's transport aircraft (`relief.air`): a pool of airframes shared by every sortie."""

    def __init__(self, model) -> None:
        air = model.plan.relief.air
        self.model, self.spec = model, model.catalogue.aircraft[air.type]
        self.frames = simpy.Store(model.env)
        for k in range(air.count):
            self.frames.put(f"{air.type}-airbridge-{k + 1}")
        self.alerted: set[str] = set()
        codes = {c.upper() for c in air.airports}
        self.airports = [a for a in model.world.airports if not codes or a.icao in codes]
        roads = model.world.roads
        self.nodes = np.array([roads.nearest(a.lat, a.lon) for a in self.airports], dtype=np.int64)

    def flight_min(self, a: Airport, b: Airport) -> float:
        """Block time between two airports; inf beyond the type's range (no refuel stop)."""
        km = gc_km(a.lat, a.lon, b.lat, b.lon)
        speed = self.spec.cruise_kmh * self.model.catalogue.aviation_settings.block_speed_factor
        return km / speed * 60 if km <= self.spec.range_km else math.inf

    def board(self):
        """SimPy sub-process: wait for a free airframe, alerting it the first time it is tasked."""
        frame = yield self.frames.get()
        if frame not in self.alerted:
            self.alerted.add(frame)
            yield self.model.env.timeout(self.spec.alert_min.day)
        return frame

    def land(self, frame: str, back_min: float) -> None:
        """The sortie is unloaded: the airframe flies back and is free again when it lands."""
        self.model.env.process(self._fly_back(frame, back_min))

    def _fly_back(self, frame: str, minutes: float):
        yield self.model.env.timeout(minutes)
        yield self.frames.put(frame)


class Terminal:
    """A trunk consignment's cargo flown on by helicopter from the arrival terminal (no road reaches
    the group from there): what an airlift mission needs of its shipment (`agents.missions.Shipment`),
    with the terminal's road node standing in for the depot where the helicopter loads."""

    def __init__(self, consignment, node: int) -> None:
        self.consignment = consignment
        self.depot = _Hub(consignment.model.world.roads.nodes[node], node, consignment.depot.owner)

    def arrived(self, cargo: dict[str, float], carrier: str) -> None:
        self.consignment.arrived(cargo, carrier)

    def by_road(self, cargo: dict[str, float]) -> None:
        """A road has reopened before the sortie flew: trucks take it on from the terminal."""
        c = self.consignment
        c._record("reroute", c.group.place.id, items=cargo, mode="road")
        c.model.env.process(c.road_on(self.depot.node, self.depot.place.id, cargo))


@dataclass(frozen=True, slots=True)
class _Hub:
    place: object          # a road node: id, lat, lon
    node: int
    owner: object          # the depot's post: who asks for the helicopter


def team_flight(model, lat: float, lon: float, to: Place) -> tuple[float, int] | None:
    """(minutes, road node of arrival) of a team flown by the plan's transport type from the usable
    airport nearest its station to the one nearest `to`: a convoy to the airport (great circle x the
    road detour factor at plain-road speed), the alert, loading, the flight, unloading. The team's
    own airframes (not the relief pool); None when no usable airport pair is in range."""
    bridge, rs = model.air_bridge, model.catalogue.road_settings
    if not bridge.airports:
        return None
    a = min(bridge.airports, key=lambda x: gc_km(lat, lon, x.lat, x.lon))
    i, b = min(enumerate(bridge.airports), key=lambda x: gc_km(to.lat, to.lon, x[1].lat, x[1].lon))
    flight = bridge.flight_min(a, b)
    if a is b or math.isinf(flight):
        return None
    convoy = gc_km(lat, lon, a.lat, a.lon) * rs.detour_factor / rs.speed_kmh["plain"] * 60
    minutes = convoy + bridge.spec.alert_min.day + 2 * model.catalogue.transport_handling_min + flight
    return minutes, int(bridge.nodes[i])


def rail_trunk(model, depot_node: int, group_node: int) -> Trunk | None:
    """By train from the railhead nearest the depot to the one that brings the load soonest to the group."""
    rail, roads = model.world.rail, model.world.roads
    if rail is None:
        return None
    here = roads.nodes[depot_node]
    a = rail.nearest(here.lat, here.lon)
    heads = np.array([_road_node(model, rail.nodes[i]) for i in range(len(rail.nodes))], dtype=np.int64)
    by_rail = rail.minutes_from(a)
    b = _best_end(model, by_rail, heads, group_node)
    if b is None or b == a:
        return None
    hs = model.catalogue.rail_settings.handling_min
    return Trunk("rail", int(heads[a]), int(heads[b]), rail.nodes[a].id, rail.nodes[b].id,
                 2 * hs + float(by_rail[b]), math.inf)


def air_trunk(model, depot_node: int, group_node: int) -> Trunk | None:
    """By transport aircraft from the usable airport nearest the depot to the one that brings the load
    soonest to the group."""
    bridge = model.air_bridge
    if not bridge.airports:
        return None
    here = model.world.roads.nodes[depot_node]
    a = min(range(len(bridge.airports)), key=lambda i: (gc_km(here.lat, here.lon, bridge.airports[i].lat,
                                                              bridge.airports[i].lon), i))
    flights = np.array([bridge.flight_min(bridge.airports[a], x) for x in bridge.airports])
    b = _best_end(model, flights, bridge.nodes, group_node)
    if b is None or b == a:
        return None
    handling = model.catalogue.transport_handling_min
    return Trunk("air", int(bridge.nodes[a]), int(bridge.nodes[b]), bridge.airports[a].icao,
                 bridge.airports[b].icao, 2 * handling + float(flights[b]), bridge.spec.payload_kg,
                 float(flights[b]))


def _best_end(model, trunk_min: np.ndarray, ends: np.ndarray, group_node: int) -> int | None:
    """The terminal with the least trunk + road minutes to the group; where no road reaches the group
    from any, the reachable terminal nearest it by great circle (the last leg goes on from there)."""
    roads = model.world.roads
    by_road = roads.minutes_from(group_node)[ends]           # roads are undirected: to = from
    total = trunk_min + by_road
    if np.isfinite(total).any():
        return int(np.argmin(total))
    g = roads.nodes[group_node]
    km = np.where(np.isfinite(trunk_min), [gc_km(g.lat, g.lon, roads.nodes[n].lat, roads.nodes[n].lon)
                                           for n in ends], np.inf)
    return int(np.argmin(km)) if np.isfinite(km).any() else None


def _road_node(model, node) -> int:
    roads = model.world.roads
    return roads.index[node.id] if node.id in roads.index else roads.nearest(node.lat, node.lon)
