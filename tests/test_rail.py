"""Rail and air trunk legs, far teams flown in, and units that re-plan when the roads change (issue 18)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import simpy

from agents.driving import drive, replan
from sim.metrics import summarize
from sim.model import ResponseModel
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import ScenarioError, load_plan, load_scenario
from sim.world.geo import gazetteer, gc_km
from sim.world.roads import Node, RoadNetwork
from tests.conftest import LUDING, watch_stock

CHENGDU_BY = {"air": {"central": "air", "provincial": "air"}, "rail": {"central": "rail", "provincial": "rail"}}
AIRPORTS = ["ZUUU", "ZUKD", "ZUXC"]


@pytest.fixture(scope="module")
def luding():
    return load_scenario(LUDING)


def _run(loaded, seed=7):
    m = ResponseModel(loaded, seed)
    m.run()
    return m


def _by(luding, mode):
    return apply_overrides(luding, {"plan.relief.mode": CHENGDU_BY[mode], "plan.relief.air.airports": AIRPORTS})


# -- re-planning on the road ----------------------------------------------------------------------
def _square() -> RoadNetwork:
    """A -10- B -10- C, and A -15- D -15- C: the fast way is through B (minutes = km at 60 km/h)."""
    nodes = [Node(x, 0.0, float(i), False) for i, x in enumerate("ABCD")]
    return RoadNetwork(nodes, [(0, 1, 10, 10.0), (1, 2, 10, 10.0), (0, 3, 15, 15.0), (3, 2, 15, 15.0)])


def _driving_model(roads):
    env = simpy.Environment()
    m = SimpleNamespace(env=env, world=SimpleNamespace(roads=roads), driving={})
    m.roads_changed = lambda: [p.interrupt() for p in list(m.driving)]
    return m


def test_a_unit_turns_back_when_the_road_ahead_closes():
    roads, arrived = _square(), {}
    m = _driving_model(roads)

    def unit():
        arrived["node"] = yield from drive(m, 0, 2, 1.0, 20.0)
        arrived["t"] = m.env.now

    def landslide():
        yield m.env.timeout(4.0)                    # 4 min out of A towards B
        roads.damage(np.array([1]), np.array([np.inf]))
        m.roads_changed()
    m.env.process(unit())
    m.env.process(landslide())
    m.env.run()
    assert arrived == {"node": 2, "t": pytest.approx(4.0 + 4.0 + 30.0)}   # back to A, then A-D-C


def test_a_change_off_the_route_keeps_the_eta_exactly():
    roads, arrived = _square(), {}
    m = _driving_model(roads)

    def unit():
        yield from drive(m, 0, 2, 0.85, 20.0 / 0.85)
        arrived["t"] = m.env.now

    def slow_the_detour():
        yield m.env.timeout(3.0)
        roads.damage(np.array([2]), np.array([3.0]))
        m.roads_changed()
    m.env.process(unit())
    m.env.process(slow_the_detour())
    m.env.run()
    assert arrived["t"] == 20.0 / 0.85              # the very timeout it left with


def test_a_reopened_shortcut_is_taken_from_where_the_unit_is():
    roads = _square()
    roads.damage(np.array([1]), np.array([np.inf]))             # B-C closed: the way is A-D-C
    nodes, at = roads.route(0, 2)
    assert nodes == [0, 3, 2]
    plan = list(zip(nodes, at.tolist()))
    roads.damage(np.array([1]), np.array([1.0]))                # reopened 2 min out along A-D
    new = replan(roads, plan, 2.0, 2, 1.0)
    assert [n for n, _ in new] == [3, 0, 1, 2] and new[-1][1] == pytest.approx(2 + 2 + 20)
    assert new[0][1] == pytest.approx(2 - 13)                    # on D-A with 13 of its 15 min behind
    assert replan(roads, new, 3.0, 2, 1.0) is new               # nothing changed since: same plan


def test_a_unit_cut_off_on_the_way_stops_at_the_end_of_its_leg():
    roads = _square()
    nodes, at = roads.route(0, 2)
    plan = list(zip(nodes, at.tolist()))
    roads.damage(np.array([1, 3]), np.array([np.inf, np.inf]))    # nothing reaches C any more
    assert replan(roads, plan, 4.0, 2, 1.0) == [(0, 0.0), (1, pytest.approx(10.0))]


# -- trunk legs -----------------------------------------------------------------------------------
def test_stock_is_conserved_at_every_moment_with_rail_and_air_legs(luding):
    mixed = apply_overrides(luding, {"plan.relief.mode": {"central": "air", "provincial": "rail"},
                                     "plan.relief.air.airports": AIRPORTS})
    m = ResponseModel(mixed, 7)
    checks = watch_stock(m, 13)
    m.run()
    legs = {e.data["mode"] for e in m.recorder.events if e.kind == "leg"}
    assert checks and all(checks) and {"road", "rail", "air"} <= legs


def test_an_air_leg_takes_the_closed_form_time_and_each_sortie_one_payload(luding):
    m = _run(_by(luding, "air"))
    spec, cat = m.catalogue.aircraft["Y-20"], m.catalogue
    airports = {a.icao: a for a in m.world.airports}
    legs = [e for e in m.recorder.events if e.kind == "leg" and e.data["mode"] == "air"]
    assert legs
    for e in legs:
        a, b = airports[e.place], airports[e.data["to"]]
        flight = gc_km(a.lat, a.lon, b.lat, b.lon) / (spec.cruise_kmh * cat.aviation_settings.block_speed_factor) * 60
        assert e.data["minutes"] == pytest.approx(2 * cat.transport_handling_min + flight)
        assert e.data["kg"] <= spec.payload_kg + 1e-6 and e.data["to"] in AIRPORTS
    frames = {e.data["carrier"] for e in legs}
    assert frames <= {"Y-20-airbridge-1", "Y-20-airbridge-2"}
    kpis = summarize(m.recorder.events)
    assert kpis["relief.trunk_t"]["air"] == pytest.approx(sum(e.data["kg"] for e in legs) / 1000, abs=0.1)
    assert kpis["relief.consignments_by_mode"]["air"] > 0


def test_a_train_carries_the_whole_consignment_from_railhead_to_railhead(luding):
    m = _run(_by(luding, "rail"))
    rail = m.world.rail
    legs = [e for e in m.recorder.events if e.kind == "leg" and e.data["mode"] == "rail"]
    assert legs
    for e in legs:
        a, b = rail.index[e.place], rail.index[e.data["to"]]
        hs = m.catalogue.rail_settings.handling_min
        assert e.data["minutes"] == pytest.approx(2 * hs + rail.minutes_from(a)[b])
    by_consignment = [e.agent for e in legs]
    assert len(by_consignment) == len(set(by_consignment))        # one train each


def test_trunk_runs_are_deterministic(luding):
    loaded = _by(luding, "air")
    a, b = _run(loaded, 11).recorder.events, _run(loaded, 11).recorder.events
    assert [(e.t, e.kind, e.agent, e.place, e.data) for e in a] == [(e.t, e.kind, e.agent, e.place, e.data) for e in b]


def test_fastest_takes_a_trunk_only_when_its_estimate_beats_the_road(luding):
    m = _run(apply_overrides(luding, {"plan.relief.mode": "fastest", "plan.relief.air.airports": AIRPORTS}))
    shipped = [c for c in m.agents if type(c).__name__ == "Consignment"]
    loading = m.catalogue.road_settings.loading_min
    for c in shipped:
        road = loading + float(c._road_min(c.depot.node)[c.group.node])
        if c.trunk is not None:
            assert c.eta_min < road
    assert any(c.trunk is not None for c in shipped) and any(c.trunk is None for c in shipped)


# -- far teams ------------------------------------------------------------------------------------
def test_a_far_team_flown_in_arrives_sooner_than_by_convoy(luding):
    m = ResponseModel(apply_overrides(luding, {"plan.relief.air.airports": ["ZBAA", "ZUUU"]}), 7)
    m.env.run(until=60)                                         # the lead post has taken charge
    station, lead = gazetteer().find("东城区"), m.command.lead
    _, by_road = m._team_transfer(station, lead, "road")
    node, flown = m._team_transfer(station, lead, "air")
    chengdu = gazetteer().airport("ZUUU")
    assert flown < by_road and node == m.world.roads.nearest(chengdu.lat, chengdu.lon)
    assert m._team_transfer(station, lead, "fastest") == (node, flown)


# -- plan checks ----------------------------------------------------------------------------------
def test_a_plan_naming_a_helicopter_as_transport_fails_with_file_line_field(tmp_path):
    bad = tmp_path / "plan.yaml"
    bad.write_text("plan: x\nrelief:\n  mode: air\n  air: {type: Mi-171, airports: [ZUUU, XXXX]}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_plan(bad)
    text = "\n".join(err.value.problems)
    assert f"{bad}:4: relief.air.type: unknown transport aircraft type 'Mi-171'" in text
    assert "relief.air.airports.1: 'XXXX' is not a known airport ICAO code" in text


def test_a_users_railway_graphml_replaces_the_approximate_one(tmp_path):
    import networkx as nx

    from sim.scenario.catalogue import load_catalogue
    from sim.world.rail import build_rail
    g = nx.Graph()
    g.add_node("chengdu", x=104.07, y=30.67)
    g.add_node("yaan", x=103.04, y=30.01)
    g.add_edge("chengdu", "yaan", length=140000.0, speed_kph=70.0)
    nx.write_graphml(g, tmp_path / "rail.graphml")
    rail = build_rail([], load_catalogue().rail_settings, tmp_path / "rail.graphml")
    assert rail.minutes_from(rail.index["chengdu"])[rail.index["yaan"]] == pytest.approx(140 / 70 * 60, abs=1e-6)


def test_the_bundled_air_bridge_plan_flies_the_chengdu_reserves():
    from tests.conftest import ROOT
    plan = load_plan(ROOT / "scenarios/plans/sichuan-earthquake-airbridge.yaml")
    assert plan.relief.mode == {"central": "air", "provincial": "air"} and plan.relief.air.airports == AIRPORTS
    assert plan.objectives                                       # extends the Sichuan plan
