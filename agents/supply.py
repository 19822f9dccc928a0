"""Relief supplies: depots of the five-level reserve and the consignments that leave them.

A depot's stock is one `simpy.Container` per item. A consignment carries what a depot released to
one affected group, by road (loading + road time) or, when no road reaches the group, by airlift
sorties that compete with rescue flights for the same aircraft. Stock is conserved:
initial = in depots + in transit + delivered, at every moment.
"""
from __future__ import annotations

import math

import mesa
import simpy

from agents.missions import Mission
from sim.world.geo import Place


class SupplyDepot(mesa.Agent):
    """A reserve depot at one level of the five-level system."""

    def __init__(self, model, name: str, level: str, place: Place, node: int, stock: dict[str, float],
                 owner) -> None:
        super().__init__(model)
        self.name, self.level, self.place, self.node, self.owner = name, level, place, node, owner
        self.stock = {item: simpy.Container(model.env, init=qty) for item, qty in stock.items()}

    def release(self, wanted: dict[str, float]) -> dict[str, float]:
        """Take what is on hand of each wanted item, at once (a Container get with stock is immediate)."""
        out = {}
        for item, qty in wanted.items():
            box = self.stock.get(item)
            amount = min(qty, box.level) if box else 0.0
            if amount > 0:
                box.get(amount)
                out[item] = amount
        return out


class Consignment(mesa.Agent):
    """Supplies on their way from one depot to one group."""

    def __init__(self, model, depot: SupplyDepot, group, items: dict[str, float], road_min: float) -> None:
        super().__init__(model)
        self.depot, self.group, self.items = depot, group, items
        self.mode = "air" if math.isinf(road_min) else "road"
        self.name = f"consignment#{self.unique_id}"
        for k, v in items.items():
            model.in_transit[k] = model.in_transit.get(k, 0.0) + v
            group.shipped[k] = group.shipped.get(k, 0.0) + v
        model.env.process(self.run(road_min))

    def run(self, road_min: float):
        env = self.model.env
        minutes = self.model.catalogue.road_settings.loading_min + road_min if self.mode == "road" else None
        src, dst = self.depot.place, self.group.place
        self._record("dispatch", src.id, mode=self.mode, items=self.items, to=dst.id, depot=self.depot.name,
                     lat=src.lat, lon=src.lon, to_pos=[dst.lat, dst.lon], minutes=minutes)
        if self.mode == "road":
            yield env.timeout(minutes)
            self.arrived(self.items, "truck")
            return
        sorties = [m for chunk in self._chunks() if (m := self._airlift(chunk))]
        yield env.all_of([m.done for m in sorties])

    def _chunks(self) -> list[dict[str, float]]:
        """Split the load into sorties of at most one helicopter payload (the largest in the fleet)."""
        kg = {k: self.model.catalogue.relief_items[k].kg_per_unit for k in self.items}
        payload = self.model.command.max_airlift_kg()
        if payload <= 0:
            return []
        chunks, current, room = [], {}, payload
        for item, qty in self.items.items():
            left = qty
            while left > 1e-9:
                take = min(left, room / kg[item])
                current[item] = current.get(item, 0.0) + take
                left -= take
                room -= take * kg[item]
                if room <= 1e-6:
                    chunks.append(current)
                    current, room = {}, payload
        if current:
            chunks.append(current)
        return chunks

    def _airlift(self, cargo: dict[str, float]) -> Mission:
        mission = Mission("airlift", self.group, self.model.env.now, self, cargo, self.model.env.event(),
                          purpose="airlift")
        self.model.command.request_air(mission)
        return mission

    def arrived(self, cargo: dict[str, float], carrier: str) -> None:
        """Hand cargo to the group (called by the truck leg or by the aircraft)."""
        for k, v in cargo.items():
            self.model.in_transit[k] -= v
            self.model.delivered[k] = self.model.delivered.get(k, 0.0) + v
        self._record("deliver", self.group.place.id, carrier=carrier, items=cargo)
        if self.group.receive(cargo, self.model.env.now):
            self._record("relieved", self.group.place.id, people=self.group.homeless)

    def _record(self, kind: str, place: str, **data) -> None:
        self.model.recorder.add(self.model.env.now, kind, self.name, place, data)
