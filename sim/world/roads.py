"""Road network: an approximate graph between seats (or a user's GraphML) and fast travel times.

Travel times come from `scipy.sparse.csgraph.dijkstra` over a CSR matrix of edge minutes, cached
per source and recomputed only when damage changes an edge: a 72-hour run asks thousands of
"how far by road" questions and must not pay a networkx Dijkstra for each.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from sim.scenario.catalogue import RoadSettings
from sim.world.geo import haversine_km, unit_xyz


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    lat: float
    lon: float
    mountain: bool


class RoadNetwork:
    """Undirected road graph; edge minutes = base minutes x damage factor (inf when closed)."""

    def __init__(self, nodes: list[Node], edges: list[tuple[int, int, float, float]]) -> None:
        """`edges` are (u, v, km, minutes) with node indices."""
        self.nodes = nodes
        self.index = {n.id: i for i, n in enumerate(nodes)}
        self.lat = np.array([n.lat for n in nodes])
        self.lon = np.array([n.lon for n in nodes])
        self.u = np.array([e[0] for e in edges], dtype=np.int64)
        self.v = np.array([e[1] for e in edges], dtype=np.int64)
        self.km = np.array([e[2] for e in edges], dtype=float)
        self.base_min = np.array([e[3] for e in edges], dtype=float)
        self.factor = np.ones(len(edges))
        self.mountain = np.array([nodes[a].mountain or nodes[b].mountain for a, b, _, _ in edges], dtype=bool)
        self.mid_lat = (self.lat[self.u] + self.lat[self.v]) / 2     # where a hazard judges a segment
        self.mid_lon = (self.lon[self.u] + self.lon[self.v]) / 2
        self._cache: dict[int, np.ndarray] = {}
        self._pred: dict[int, np.ndarray] = {}      # shortest-path trees, for units that re-plan on the way
        self._pending: set[int] = set()          # sources warmed but not yet computed
        self._matrix = None
        # both directions of every edge in CSR order, fixed: damage only changes the weights
        rows, cols = np.r_[self.u, self.v], np.r_[self.v, self.u]
        self._csr_order = np.lexsort((cols, rows))
        self._csr_indices = cols[self._csr_order]
        self._csr_indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=len(nodes)))]

    @classmethod
    def approximate(cls, nodes: list[Node], settings: RoadSettings) -> RoadNetwork:
        """k nearest neighbours by great circle, with a detour factor and terrain speeds."""
        speed = settings.speed_kmh
        return cls(nodes, list(knn_edges(tuple(nodes), settings.k_neighbours, settings.detour_factor,
                                          speed["plain"], speed["mountain"])))

    @classmethod
    def from_graphml(cls, path: Path, default_speed_kmh: float) -> RoadNetwork:
        """A user's GraphML (e.g. from OSMnx: node x/y in degrees, edge `length` in m, `speed_kph`)."""
        import networkx as nx
        g = nx.read_graphml(path)
        ids = sorted(g.nodes, key=str)
        nodes = [Node(str(n), float(g.nodes[n]["y"]), float(g.nodes[n]["x"]), False) for n in ids]
        pos = {n: i for i, n in enumerate(ids)}
        edges = []
        for a, b, data in g.edges(data=True):
            km = float(data.get("length", 0.0)) / 1000.0 or float(
                haversine_km(nodes[pos[a]].lat, nodes[pos[a]].lon, nodes[pos[b]].lat, nodes[pos[b]].lon))
            speed = float(data.get("speed_kph", default_speed_kmh))
            edges.append((pos[a], pos[b], km, km / speed * 60.0))
        return cls(nodes, edges)

    def nearest(self, lat: float, lon: float) -> int:
        """Index of the node closest to a point (sites and depots snap to the graph here)."""
        d = haversine_km(lat, lon, self.lat, self.lon)
        return int(np.argmin(d))

    def damage(self, edges: np.ndarray, factors: np.ndarray) -> None:
        """Set edges' travel-time factors (inf closes a road) and drop the cached distances."""
        self.factor[edges] = factors
        self._cache.clear()
        self._pred.clear()
        self._matrix = None

    def warm(self, sources: list[int]) -> None:
        """Distances from many sources (stations and depots, after damage) will be wanted: they are
        computed in one Dijkstra call when the first of them is asked for. A hazard that damages
        roads at many places at once warms after each damage, and only the last one counts."""
        self._pending.update(sources)

    def edge_minutes(self) -> np.ndarray:
        """Minutes per edge now: inf where closed (also for zero-length edges, where 0 x inf is nan)."""
        return np.where(np.isinf(self.factor), np.inf, self.base_min * self.factor)

    def nearest_of(self, sources: tuple[int, ...]) -> np.ndarray:
        """Road minutes from the nearest of several nodes to every node: one Dijkstra (e.g. hospitals)."""
        if sources not in self._cache:
            self._cache[sources] = (dijkstra(self._csr(), indices=list(sources), min_only=True) if sources
                                    else np.full(len(self.nodes), np.inf))
        return self._cache[sources]

    def minutes_from(self, source: int) -> np.ndarray:
        """Road minutes from one node to every node (inf where the roads are cut), with those of the
        sources warmed since the last computation (each source's row is the same either way)."""
        if source not in self._cache:
            todo = sorted({s for s in self._pending if s not in self._cache} | {source})
            self._pending.clear()
            self._cache.update(zip(todo, dijkstra(self._csr(), indices=todo)))
        return self._cache[source]

    def route(self, source: int, target: int) -> tuple[list[int], np.ndarray]:
        """The nodes of the fastest road from source to target and the minutes from source at each
        (a unit on the way needs where it is, not only how long: agents/driving.py)."""
        if source not in self._pred:
            self._cache[source], self._pred[source] = dijkstra(self._csr(), indices=source, return_predecessors=True)
        pred, path = self._pred[source], [target]
        while path[-1] != source and pred[path[-1]] >= 0:
            path.append(int(pred[path[-1]]))
        path.reverse()
        return path, self._cache[source][path]

    def _csr(self) -> csr_matrix:
        """Directed CSR of edge minutes both ways (inf where closed), so Dijkstra needs no symmetrising."""
        if self._matrix is None:
            w = self.edge_minutes()
            # +1e-9 keeps zero-length edges (two seats at one point) as real edges in the sparse matrix
            both = np.concatenate((w, w))[self._csr_order] + 1e-9
            n = len(self.nodes)
            self._matrix = csr_matrix((both, self._csr_indices, self._csr_indptr), shape=(n, n))
        return self._matrix


@lru_cache(maxsize=8)
def knn_edges(nodes: tuple[Node, ...], k: int, detour: float, plain_kmh: float,
               mountain_kmh: float) -> tuple[tuple[int, int, float, float], ...]:
    """(u, v, km, minutes) of the approximate graph: every run of a sweep builds the same one."""
    lat = np.array([n.lat for n in nodes])
    lon = np.array([n.lon for n in nodes])
    xyz = unit_xyz(lat, lon)
    _, nbr = cKDTree(xyz).query(xyz, k=min(k + 1, len(nodes)))
    pairs = {(min(i, j), max(i, j)) for i, row in enumerate(np.atleast_2d(nbr)) for j in row if i != j}
    pairs |= _bridges(xyz, sorted(pairs), len(nodes))
    ij = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    km = haversine_km(lat[ij[:, 0]], lon[ij[:, 0]], lat[ij[:, 1]], lon[ij[:, 1]]) * detour
    mountain = np.array([n.mountain for n in nodes], dtype=bool)
    speed = np.where(mountain[ij[:, 0]] | mountain[ij[:, 1]], mountain_kmh, plain_kmh)
    return tuple(zip(ij[:, 0].tolist(), ij[:, 1].tolist(), km.tolist(), (km / speed * 60.0).tolist()))


def _bridges(xyz: np.ndarray, pairs: list[tuple[int, int]], n: int) -> set[tuple[int, int]]:
    """Extra edges joining every component to the largest one by its closest pair of nodes."""
    if not pairs:
        return set()
    a = np.array(pairs)
    graph = coo_matrix((np.ones(len(a)), (a[:, 0], a[:, 1])), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    if count == 1:
        return set()
    main = np.bincount(labels).argmax()
    tree = cKDTree(xyz[labels == main])
    main_idx = np.flatnonzero(labels == main)
    extra = set()
    for comp in range(count):
        if comp == main:
            continue
        members = np.flatnonzero(labels == comp)
        dist, near = tree.query(xyz[members])
        best = int(np.argmin(dist))
        i, j = int(members[best]), int(main_idx[near[best]])
        extra.add((min(i, j), max(i, j)))
    return extra
