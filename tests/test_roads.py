"""Road travel times (sim/world/roads.py): warmed sources come in one Dijkstra call when first asked
for, with the rows a single-source call gives, and damage drops them."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

import sim.world.roads as roads
from sim.world.roads import Node, RoadNetwork


@pytest.fixture
def line(monkeypatch) -> tuple[RoadNetwork, list]:
    """Four towns on a line (10, 20, 30 minutes apart), and a log of the Dijkstra calls' sources."""
    calls: list = []

    def logged(csr, indices=None, **kw):
        calls.append(indices)
        return dijkstra(csr, indices=indices, **kw)

    monkeypatch.setattr(roads, "dijkstra", logged)
    nodes = [Node(f"n{i}", 30.0, 100.0 + i / 10, False) for i in range(4)]
    return RoadNetwork(nodes, [(0, 1, 10.0, 10.0), (1, 2, 20.0, 20.0), (2, 3, 30.0, 30.0)]), calls


def test_warmed_sources_are_computed_together_when_first_asked_for(line):
    net, calls = line
    net.warm([2, 0, 3])
    assert calls == []                                  # nothing computed until someone asks
    from_zero = net.minutes_from(0)
    assert calls == [[0, 2, 3]]
    assert net.minutes_from(3)[0] == pytest.approx(60.0) and len(calls) == 1
    np.testing.assert_array_equal(from_zero, dijkstra(net._csr(), indices=0))
    net.minutes_from(1)
    assert calls[-1] == [1]                             # not warmed: alone


def test_damage_drops_the_warmed_rows(line):
    net, calls = line
    net.warm([0])
    assert net.minutes_from(0)[3] == pytest.approx(60.0)
    net.damage(np.array([2]), np.array([np.inf]))
    net.warm([0])
    assert np.isinf(net.minutes_from(0)[3]) and net.minutes_from(0)[2] == pytest.approx(30.0)
    assert calls == [[0], [0]]
