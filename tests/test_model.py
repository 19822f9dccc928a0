"""The model end to end: closed-form arrival, determinism, conservation, range, common random numbers."""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from sim.events import read_events
from sim.hazards.care import survival
from sim.hazards.earthquake import PAGER_G
from sim.model import ResponseModel
from sim.run import run_scenario
from sim.scenario.schema import load_scenario
from sim.world.geo import gazetteer, haversine_km
from sim.world.routes import plan_route
from tests.conftest import JISHISHAN, LUDING, ROOT

ONE_SITE = """\
scenario: one-site
start: 2022-09-05T10:00:00+08:00
duration_h: 4
region: {provinces: [四川省]}
min_intensity: 5.5
hazards:
  - {type: earthquake, epicentre: [29.59, 102.08], magnitude: 4.5, depth_km: 10}
sites:
  - {name: 测试村, county: 泸定县, lat: 29.59, lon: 102.08, population: 500}
forces:
  aviation:
    - {type: AW139, base: ZUUU, count: 1}
plan: plan.yaml
"""
EXACT_PLAN = """\
plan: exact
command:
  report_delay_min: {normal: 20, comms_cut: 90, jitter: 0}
  decision_delay_min: {county: 15, municipal: 0, provincial: 0}
  hop_delay_min: 0
"""


@pytest.fixture(scope="module")
def luding():
    model = ResponseModel(load_scenario(LUDING), seed=7)
    model.run()
    return model


def test_first_arrival_is_report_decision_alert_and_flight_to_the_second(write):
    write(EXACT_PLAN, "plan.yaml")
    loaded = load_scenario(write(ONE_SITE))
    _, summary = run_scenario(loaded, seed=3)
    zuuu = gazetteer().airport("ZUUU")
    km = float(haversine_km(zuuu.lat, zuuu.lon, 29.59, 102.08))
    expected = 20 + 15 + 15 + km / (300 * 0.9) * 60     # AW139: day alert 15 min, block speed 0.9 x 300
    arrivals = summary["aviation.first_arrival_min"]
    assert list(arrivals) == ["site:0:测试村"]
    assert abs(arrivals["site:0:测试村"] - expected) * 60 < 1.0


def test_same_seed_same_bytes_in_fresh_processes_other_seed_differs(tmp_path):
    def run(seed: int, out: str) -> bytes:
        cmd = [sys.executable, "run_sim.py", "run", str(LUDING), "--seed", str(seed), "--out", str(tmp_path / out)]
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        return (tmp_path / out / "events.jsonl").read_bytes()
    first, second, other = run(11, "a"), run(11, "b"), run(12, "c")
    assert first == second
    assert first != other
    # and in one process, where the road graph, daylight tables and geography are cached between runs
    loaded = load_scenario(LUDING)
    in_process = [run_scenario(loaded, seed=11)[0].recorder.lines() for _ in range(2)]
    assert in_process[0] == in_process[1]
    assert "\n".join(in_process[0]) + "\n" == first.decode("utf-8")


def test_every_person_in_exactly_one_state(luding):
    for g in luding.groups:
        states = [g.dead, g.trapped, g.injured, g.rescued, g.evacuated, g.unhurt]
        assert min(states) >= 0
        assert sum(states) == g.population


def test_supplies_are_conserved(luding):
    initial: dict[str, float] = {}
    for d in luding.spec.forces.depots:
        for k, v in d.stock.items():
            initial[k] = initial.get(k, 0.0) + v
    for item, total in initial.items():
        in_stock = sum(d.stock[item].level for d in luding.depots if item in d.stock)
        moved = luding.in_transit.get(item, 0.0) + luding.delivered.get(item, 0.0)
        assert in_stock + moved == pytest.approx(total)
        assert luding.delivered.get(item, 0) > 0


def test_no_leg_beyond_the_fuel_on_board(luding):
    full = {a.name: a.full_km for a in luding.aircraft}
    legs = [e for e in luding.recorder.events if e.kind == "fly"]
    assert legs
    for e in legs:
        assert e.data["km"] <= e.data["fuel_km"] + 1e-6 <= full[e.agent] + 1e-6


def test_far_site_needs_a_refuel_stop(write):
    """An H125 from Chengdu to Shiqu, about 620 km (> 0.9 x 616 km), must stop to refuel on the way."""
    write(EXACT_PLAN, "plan.yaml")
    text = (ONE_SITE.replace("AW139, base: ZUUU", "H125, base: ZUUU")
            .replace("[29.59, 102.08]", "[32.98, 98.10]").replace("lat: 29.59, lon: 102.08", "lat: 32.98, lon: 98.10")
            .replace("county: 泸定县", "county: 石渠县").replace("duration_h: 4", "duration_h: 12"))
    model, summary = run_scenario(load_scenario(write(text)), seed=1)
    kinds = [e.kind for e in model.recorder.events if e.agent.startswith("H125")]
    assert "refuel" in kinds
    assert kinds.index("refuel") < kinds.index("arrive")
    assert summary["aviation.first_arrival_min"]["site:0:测试村"] is not None


def test_day_only_helicopter_waits_for_dawn_at_night():
    model, summary = run_scenario(load_scenario(JISHISHAN), seed=1)
    mi171 = [e for e in model.recorder.events if e.kind == "launch" and e.agent.startswith("Mi-171")]
    assert mi171
    first = model.clock(mi171[0].t)
    assert 7 <= first.hour <= 9           # quake 23:59; civil dawn in Linxia in December about 07:45


def test_adding_a_helicopter_does_not_change_the_earthquake(write):
    base = load_scenario(LUDING)
    forces = base.scenario.forces
    more_forces = forces.model_copy(update={"aviation": [*forces.aviation, forces.aviation[0]]})
    more = base.model_copy(update={"scenario": base.scenario.model_copy(update={"forces": more_forces})})
    a, _ = run_scenario(base, seed=5)
    b, _ = run_scenario(more, seed=5)
    impacts = lambda m: [e for e in m.recorder.events if e.kind in ("impact", "road_damage")]  # noqa: E731
    assert impacts(a) == impacts(b)
    assert len(b.aircraft) == len(a.aircraft) + base.scenario.forces.aviation[0].count


def test_survival_curve_follows_tangshan_figures():
    """The published figures are shares alive among people rescued *during* each period: the curve's
    mean over [0, 30 min] and over each day must equal them (to 0.5 points), and it only falls."""
    def mean(a: float, b: float) -> float:
        t = np.linspace(a, b, 20_001)
        return float(np.trapezoid([survival(h) for h in t], t) / (b - a))
    assert mean(0, 0.5) == pytest.approx(0.993, abs=0.005)
    for day, figure in enumerate((0.81, 0.537, 0.367, 0.19, 0.074)):
        assert mean(24 * day, 24 * day + 24) == pytest.approx(figure, abs=0.005)
    assert survival(24) < 0.81 < survival(6)           # the day-1 figure is a mean, not the end value
    assert all(survival(h) >= survival(h + 0.5) for h in range(200))


def test_cli_run_writes_events_and_summary(tmp_path):
    out = tmp_path / "luding"
    proc = subprocess.run([sys.executable, "run_sim.py", "run", str(LUDING), "--seed", "7", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    assert "aviation.share_within_2h" in proc.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in ("scenario", "seed", "sim_hours", "events", "aviation.first_arrival_min", "aviation.share_within_2h",
                "aviation.p50_min", "aviation.p90_min", "relief.people", "relief.share_within_10h",
                "relief.p90_hours", "rescue.trapped", "rescue.rescued_alive", "rescue.deaths", "wall_s"):
        assert key in summary
    events = read_events(out / "events.jsonl")
    assert len(events) == summary["events"]
    assert all(events[i].t <= events[i + 1].t for i in range(len(events) - 1))
    assert 0 < summary["rescue.deaths"] < 118 * math.exp(1.645 * PAGER_G)   # PAGER's 90 % band about the record
    assert not math.isnan(summary["aviation.share_within_2h"])


def test_a_users_graphml_road_graph_replaces_the_approximate_one(write, tmp_path):
    """Two junctions 30 km apart joined by a 30 km road at 60 km/h: the team drives exactly 30 min."""
    import networkx as nx
    g = nx.Graph()
    g.add_node("a", x=101.957, y=29.998)          # Kangding, where the team is stationed
    g.add_node("b", x=102.235, y=29.914)          # Luding
    g.add_edge("a", "b", length=30000.0, speed_kph=60.0)
    nx.write_graphml(g, tmp_path / "roads.graphml")
    write(EXACT_PLAN, "plan.yaml")
    text = (ONE_SITE.replace("lat: 29.59, lon: 102.08", "lat: 29.914, lon: 102.235")
            .replace("[29.59, 102.08]", "[29.914, 102.235]")
            .replace("  aviation:\n    - {type: AW139, base: ZUUU, count: 1}",
                     "  fire_rescue:\n    - {type: fire_engine, station: 康定市, count: 1}")
            + "roads: {graphml: roads.graphml}\n")
    from sim.command.interventions import dispatch
    model = ResponseModel(load_scenario(write(text)), seed=1)
    model.env.run(until=1)
    dispatch(model, "fire_engine-康定市-1", "测试村")
    model.run()
    assert len(model.world.roads.nodes) == 2
    depart = next(e for e in model.recorder.events if e.kind == "depart")
    assert depart.data["minutes"] == pytest.approx(30.0)      # fire_engine speed factor 1.0


def test_missing_graphml_is_a_scenario_error(write, capsys):
    from run_sim import main
    write(EXACT_PLAN, "plan.yaml")
    path = write(ONE_SITE + "roads: {graphml: nowhere.graphml}\n")
    assert main(["validate", str(path)]) == 2
    assert f"{path}:14: roads.graphml: road graph" in capsys.readouterr().err


def test_runs_in_one_process_share_no_road_damage(luding):
    """The road graph is built once per process; each run still damages only its own copy."""
    loaded = load_scenario(LUDING)
    fresh = ResponseModel(loaded, seed=3)
    assert np.all(fresh.world.roads.factor == 1.0)          # before onset: nothing damaged
    assert np.any(luding.world.roads.factor != 1.0)          # the fixture's run closed or slowed roads
    fresh.run()
    again = ResponseModel(loaded, seed=3)
    assert np.all(again.world.roads.factor == 1.0)


def test_the_home_airport_shortcut_changes_no_route():
    """A leg is direct when its destination is within reach of home; the full airport search agrees."""
    model = ResponseModel(load_scenario(LUDING), seed=1)
    world, home = model.world, model.aircraft[0].base
    rng = np.random.default_rng(5)
    for lat, lon, fuel in zip(rng.uniform(26, 34, 200), rng.uniform(97, 108, 200), rng.uniform(50, 700, 200)):
        with_home = plan_route(home.lat, home.lon, fuel, 700.0, lat, lon, world, home)
        world.routes.clear()
        without = plan_route(home.lat, home.lon, fuel, 700.0, lat, lon, world)
        world.routes.clear()
        assert with_home == without
