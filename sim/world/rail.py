"""Railway: railheads at the prefecture seats of the region, joined like the road graph (k nearest
neighbours, a detour factor, one average speed), or a user's GraphML of stations and lines.

It is the same graph type as the roads (`RoadNetwork`: CSR Dijkstra, cached per source), so a
consignment asks "how long by rail" the way it asks "how long by road". Hazards do not damage it
(yet): rail links stay open.
"""
from __future__ import annotations

from pathlib import Path

from sim.scenario.catalogue import RailSettings
from sim.world.geo import Place
from sim.world.roads import Node, RoadNetwork, knn_edges


def build_rail(places: list[Place], settings: RailSettings, graphml: Path | None = None,
               default_speed_kmh: float = 50.0) -> RoadNetwork | None:
    """The railway of a world: the user's GraphML, or the approximate one (None: under two seats)."""
    if graphml is not None:
        return RoadNetwork.from_graphml(graphml, default_speed_kmh)
    nodes = [Node(p.id, p.lat, p.lon, False) for p in places if p.level == "city"]
    if len(nodes) < 2:
        return None
    speed = settings.speed_kmh
    return RoadNetwork(nodes, list(knn_edges(tuple(nodes), settings.k_neighbours, settings.detour_factor,
                                             speed, speed)))
