"""Relief supplies: depots of the five-level reserve and the consignments that leave them.

A depot's stock is one `simpy.Container` per item. A depot with a fleet (`trucks:`) ships a
consignment as truck trips of at most one payload each: a trip waits for a free truck, then a free
loading bay, loads at the fleet's rate, and picks its road when it leaves (a road reopened
meanwhile is used), re-planning on the way when the roads change (agents/driving.py). A depot
whose mode (its own `mode:` or the plan's `relief.mode`) is rail, air or fastest may send a
consignment road -> train or transport aircraft -> road instead (agents/trunk.py). Where no
road reaches the group, the last leg is the plan's `relief.last_leg`: airlift sorties (competing
with rescue flights), or porters or boats from the road's end. A depot without a fleet ships each
consignment as one convoy of unlimited capacity (loading + road time). Depots below their reorder
point restock from the level above; the central level from production.
Stock is conserved: initial + produced = in depots + in transit + delivered, at every moment.
"""
from __future__ import annotations

import math

import mesa
import numpy as np
import simpy

from agents.driving import drive
from agents.missions import Mission
from agents.trunk import Terminal, Trunk, air_trunk, rail_trunk
from sim.world.geo import Place, haversine_km

ABOVE = {"township": "county", "county": "municipal", "municipal": "provincial", "provincial": "central"}


class SupplyDepot(mesa.Agent):
    """A reserve depot at one level of the five-level system."""

    def __init__(self, model, name: str, level: str, place: Place, node: int, stock: dict[str, float],
                 owner, fleet=None, mode: str | None = None) -> None:
        """`fleet`: the scenario's `trucks:` entry (None: unlimited convoys); `mode`: how its
        consignments travel (None: the plan's `relief.mode`)."""
        super().__init__(model)
        self.name, self.level, self.place, self.node, self.owner = name, level, place, node, owner
        plan = model.plan.relief.mode
        self.mode = mode or (plan.get(level, "road") if isinstance(plan, dict) else plan)
        self.stock = {item: simpy.Container(model.env, init=qty) for item, qty in stock.items()}
        self.opening = dict(stock)
        self.on_order: dict[str, float] = {}
        self.producing = False
        self.fleet = fleet
        self.truck = model.catalogue.truck_types[fleet.type] if fleet else None
        trucks = max(1, round(fleet.count * model.plan.relief.fleet_scale)) if fleet else 0
        self.trucks = simpy.Resource(model.env, trucks) if fleet else None
        self.bays = simpy.Resource(model.env, fleet.bays) if fleet else None

    def release(self, wanted: dict[str, float]) -> dict[str, float]:
        """Take what is on hand of each wanted item, at once (a Container get with stock is immediate)."""
        out = {}
        for item, qty in wanted.items():
            box = self.stock.get(item)
            amount = min(qty, box.level) if box else 0.0
            if amount > 0:
                box.get(amount)
                out[item] = amount
        if out and self.model.plan.relief.restock:
            self.model.command.restock(self)
        return out

    def shortfall(self) -> dict[str, float]:
        """Below the reorder point: what brings each item back to its opening stock (less what is on order)."""
        share = self.model.catalogue.restock.reorder_share
        out = {}
        for item, box in self.stock.items():
            gap = self.opening[item] - box.level - self.on_order.get(item, 0.0)
            if box.level < share * self.opening[item] and gap > 1e-9:
                out[item] = gap
        return out

    def receive_stock(self, items: dict[str, float]) -> None:
        """A transfer or a production batch arrives."""
        for k, v in items.items():
            if k not in self.stock:
                self.stock[k] = simpy.Container(self.model.env, init=0)
                self.opening.setdefault(k, 0.0)
            self.stock[k].put(v)
            self.on_order[k] = max(0.0, self.on_order.get(k, 0.0) - v)
        self.model.command.stock_arrived()

    def produce(self):
        """Production capacity (产能储备) behind a central depot: after the lead time, a share of the
        opening stock a day, for as long as any item stays below the reorder point."""
        env, rs = self.model.env, self.model.catalogue.restock
        self.producing = True
        yield env.timeout(rs.production_lead_h * 60)
        while gap := self.shortfall():
            batch = {k: min(v, rs.production_per_day * self.opening[k]) for k, v in gap.items()}
            for k, v in batch.items():
                self.model.produced[k] = self.model.produced.get(k, 0.0) + v
            self.receive_stock(batch)
            self.model.recorder.add(env.now, "produced", self.name, self.place.id, {"items": batch})
            yield env.timeout(24 * 60)
        self.producing = False


class Consignment(mesa.Agent):
    """Supplies on their way from one depot to one group (or, subclassed, to another depot)."""

    def __init__(self, model, depot: SupplyDepot, group, items: dict[str, float], road_min: float) -> None:
        super().__init__(model)
        self.depot, self.group, self.items = depot, group, items
        self.trunk, self.eta_min = self._trunk(road_min)
        reaches = math.isfinite(road_min if self.trunk is None else self._road_min(self.trunk.end)[group.node])
        last_leg = model.plan.relief.last_leg
        self.mode = "road" if reaches else ("air" if last_leg == "helicopter" else last_leg)
        self.name = f"consignment#{self.unique_id}"
        for k, v in items.items():
            model.in_transit[k] = model.in_transit.get(k, 0.0) + v
        self._count_shipped(items)
        model.env.process(self.run(road_min))

    def _trunk(self, road_min: float) -> tuple[Trunk | None, float]:
        """The depot's mode: road (None), the rail or air trunk, or the fastest of the three by
        estimate (road on ties; road when none reaches the group); with the estimated minutes."""
        mode, rs = self.depot.mode, self.model.catalogue.road_settings
        if mode == "road":
            return None, road_min
        makers = {"rail": rail_trunk, "air": air_trunk}
        options = [t for name, make in makers.items() if mode in (name, "fastest")
                   and (t := make(self.model, self.depot.node, self.group.node)) is not None]
        best = min(((self._via_min(t), i, t) for i, t in enumerate(options)), default=None)
        if best is None or (mode == "fastest" and not best[0] < rs.loading_min + road_min):
            return None, road_min
        return best[2], best[0]

    def _via_min(self, t: Trunk) -> float:
        """Estimated minutes by a trunk: convoy loading and road to it, the trunk, the road on."""
        rs, depot = self.model.catalogue.road_settings, self.depot
        return (rs.loading_min + float(self._road_min(depot.node)[t.start]) + t.minutes
                + float(self._road_min(t.end)[self.group.node]))

    def _road_min(self, source: int) -> np.ndarray:
        speed = self.depot.truck.speed_factor if self.depot.truck else 1.0
        return self.model.world.roads.minutes_from(source) / speed

    def _count_shipped(self, items: dict[str, float]) -> None:
        for k, v in items.items():
            self.group.shipped[k] = self.group.shipped.get(k, 0.0) + v

    def run(self, road_min: float):
        src, dst = self.depot.place, self.group.place
        minutes = self.model.catalogue.road_settings.loading_min + road_min if self.mode == "road" else None
        via = {"trunk": self.trunk.mode} if self.trunk else {}
        self._record("dispatch", src.id, mode=self.mode, items=self.items, to=dst.id, depot=self.depot.name,
                     lat=src.lat, lon=src.lon, to_pos=[dst.lat, dst.lon],
                     minutes=self.eta_min if self.trunk else minutes, **via)
        if self.trunk is not None:
            legs = [self.model.env.process(self.trunk_trip(chunk)) for chunk in self._chunks(self.trunk.payload_kg)]
            yield self.model.env.all_of(legs)
            return
        if self.mode == "air":
            sorties = [m for chunk in self._chunks(self.model.command.max_airlift_kg()) if (m := self._airlift(chunk))]
            yield self.model.env.all_of([m.done for m in sorties])
            return
        payload = self.depot.truck.payload_kg if self.depot.truck else math.inf
        trips = [self.model.env.process(self.trip(chunk)) for chunk in self._chunks(payload)]
        yield self.model.env.all_of(trips)

    def _chunks(self, payload_kg: float) -> list[dict[str, float]]:
        """Split the load into loads of at most one payload (a truck's, or the largest helicopter's)."""
        if payload_kg <= 0:
            return []
        if math.isinf(payload_kg):
            return [dict(self.items)]
        kg = {k: self.model.catalogue.relief_items[k].kg_per_unit for k in self.items}
        chunks, current, room = [], {}, payload_kg
        for item, qty in self.items.items():
            left = qty
            while left > 1e-9:
                take = min(left, room / kg[item])
                current[item] = current.get(item, 0.0) + take
                left -= take
                room -= take * kg[item]
                if room <= 1e-6:
                    chunks.append(current)
                    current, room = {}, payload_kg
        if current:
            chunks.append(current)
        return chunks

    def _airlift(self, cargo: dict[str, float], source: int | None = None) -> Mission:
        """A helicopter sortie from the depot, or from the road node a trunk's convoy left from."""
        shipment = self if source in (None, self.depot.node) else Terminal(self, source)
        mission = Mission("airlift", self.group, self.model.env.now, shipment, cargo, self.model.env.event(),
                          purpose="airlift")
        self.model.command.request_air(mission)
        return mission

    def trip(self, cargo: dict[str, float]):
        """One truck load: wait for a truck and a bay, load, drive (re-planning when the roads change),
        then (where no road reaches) the last leg; the truck drives back before it is free again."""
        env, depot = self.model.env, self.depot
        truck = depot.trucks.request() if depot.trucks else None
        if truck is not None:
            yield truck
            with depot.bays.request() as bay:
                yield bay
                yield env.timeout(self._kg(cargo) / (depot.truck.loading_t_per_h * 1000) * 60)
        else:
            yield env.timeout(self.model.catalogue.road_settings.loading_min)
        driven = yield from self.road_on(depot.node, depot.place.id, cargo)
        if truck is not None:
            if driven is not None:
                yield env.timeout((depot.truck.unload_min or 0.0) + driven)
            depot.trucks.release(truck)

    def road_on(self, source: int, place: str, cargo: dict[str, float]):
        """Drive from a road node to the group (or to the road's end, then the last leg) and hand the
        cargo over, re-planning on the way if the roads change. Returns the minutes driven, or None
        when the cargo did not arrive this way (stranded, or flown on from the road's end)."""
        env = self.model.env
        minutes, end = self._route(source)
        if math.isinf(minutes):
            self._record("stranded", self.group.place.id, items=cargo, reason="no road to the road's end")
            return None
        self._record("truck_depart", place, items=cargo, to=self.group.place.id, minutes=minutes)
        left, rerouted = env.now, []

        def reroute(new: float) -> None:
            rerouted.append(new)
            self._record("reroute", self.group.place.id, items=cargo, minutes=new)
        speed = self.depot.truck.speed_factor if self.depot.truck else 1.0
        end = yield from drive(self.model, source, end, speed, minutes, reroute)
        driven = env.now - left if rerouted else minutes
        if end != self.group.node:
            if self.mode not in self.model.catalogue.last_leg_modes:   # roads closed again: fly it
                self._airlift(cargo, source)
                return None
            yield env.timeout(self._last_leg_min(end, cargo))
        self.arrived(cargo, "truck" if end == self.group.node else self.mode)
        return driven

    def trunk_trip(self, cargo: dict[str, float]):
        """One train load or one sortie: convoy to the terminal, the trunk, the road on from there."""
        env, t = self.model.env, self.trunk
        yield env.timeout(self.model.catalogue.road_settings.loading_min)
        if (yield from self._convoy(t, cargo)) != t.start:
            self._record("stranded", self.group.place.id, items=cargo, reason=f"no road to {t.origin}")
            return
        frame = (yield from self.model.air_bridge.board()) if t.mode == "air" else "train"
        self._record("leg", t.origin, mode=t.mode, carrier=frame, items=cargo, kg=self._kg(cargo), to=t.dest,
                     minutes=t.minutes)
        yield env.timeout(t.minutes)
        if t.mode == "air":
            self.model.air_bridge.land(frame, t.flight_min)
        yield from self.road_on(t.end, t.dest, cargo)

    def _convoy(self, t: Trunk, cargo: dict[str, float]):
        """The road from the depot to the departure terminal; the node reached."""
        minutes = float(self._road_min(self.depot.node)[t.start])
        if math.isinf(minutes):
            return self.depot.node
        self._record("leg", self.depot.place.id, mode="road", items=cargo, to=t.origin, minutes=minutes)
        speed = self.depot.truck.speed_factor if self.depot.truck else 1.0
        return (yield from drive(self.model, self.depot.node, t.start, speed, minutes))

    def _kg(self, cargo: dict[str, float]) -> float:
        return sum(v * self.model.catalogue.relief_items[k].kg_per_unit for k, v in cargo.items())

    def _route(self, source: int) -> tuple[float, int]:
        """(truck minutes to the group, or to the open node nearest it where no road reaches; that node)."""
        roads = self.model.world.roads
        minutes = self._road_min(source)
        node = self.group.node
        if math.isfinite(minutes[node]):
            return float(minutes[node]), node
        n = roads.nodes[node]
        km = np.where(np.isfinite(minutes), haversine_km(n.lat, n.lon, roads.lat, roads.lon), np.inf)
        end = int(np.argmin(km))
        return float(minutes[end]), end

    def _last_leg_min(self, end: int, cargo: dict[str, float]) -> float:
        """Porters or boats from the road's end: round trips of the whole crew, in closed form."""
        roads, rs = self.model.world.roads, self.model.catalogue.road_settings
        mode = self.model.catalogue.last_leg_modes[self.mode]
        a, b = roads.nodes[end], roads.nodes[self.group.node]
        km = float(haversine_km(a.lat, a.lon, b.lat, b.lon)) * rs.detour_factor
        trips = math.ceil(self._kg(cargo) / (mode.kg_per_carrier * mode.carriers))
        return (2 * trips - 1) * km / mode.kmh * 60

    def by_road(self, cargo: dict[str, float]) -> None:
        """An airlift sortie not yet flown goes by truck instead (a road has reopened)."""
        self._record("reroute", self.group.place.id, items=cargo, mode="road")
        self.model.env.process(self.trip(cargo))

    def arrived(self, cargo: dict[str, float], carrier: str) -> None:
        """Hand cargo to the group (called by the truck leg or by the aircraft)."""
        for k, v in cargo.items():
            self.model.in_transit[k] -= v
            self.model.delivered[k] = self.model.delivered.get(k, 0.0) + v
        self._record("deliver", self.group.place.id, carrier=carrier, items=cargo)
        for day in self.group.receive(cargo, self.model.env.now):
            self._record("relieved", self.group.place.id, people=self.group.homeless, day=day)

    def _record(self, kind: str, place: str, **data) -> None:
        self.model.recorder.add(self.model.env.now, kind, self.name, place, data)


class Transfer(Consignment):
    """Restocking: supplies from a depot to the depot below it, by the same trucks and roads."""

    def _trunk(self, road_min: float) -> tuple[Trunk | None, float]:
        """Restocking keeps to the road: trunk legs are for consignments to the affected."""
        return None, road_min

    def _count_shipped(self, items: dict[str, float]) -> None:
        for k, v in items.items():
            self.group.on_order[k] = self.group.on_order.get(k, 0.0) + v

    def arrived(self, cargo: dict[str, float], carrier: str) -> None:
        for k, v in cargo.items():
            self.model.in_transit[k] -= v
        self.group.receive_stock(cargo)
        self._record("restocked", self.group.place.id, carrier=carrier, items=cargo, depot=self.group.name)
