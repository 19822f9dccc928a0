"""Coordinated command: tiered vs flat, levels from lagging reports, one mission per unit,
mutual-aid timing, relief escalation through the five-level reserve."""
from __future__ import annotations

from collections import defaultdict

import pytest

from sim.run import run_scenario
from sim.scenario.schema import load_scenario, with_plan
from tests.conftest import LUDING, ROOT

PLANS = ROOT / "scenarios" / "plans"

# One town 150 km from Xichang, one Mi-171 there owned by the province. Reports and flights are
# deterministic (jitter 0). Tiered: the county's request waits for the municipal post (hop 10 +
# decision 20) and the provincial post (hop 10 + decision 30) before anyone tasks the helicopter:
# 20 report + 15 county + 70 + 20 alert + ~42 flight = ~167 min > 120. Flat: one hop (10) and a
# pre-authorised call: 20 + 15 + 10 + 20 + ~42 = ~107 min <= 120.
ONE_TOWN = """\
scenario: one-town
start: 2022-09-05T10:00:00+08:00
duration_h: 6
region: {provinces: [四川省]}
min_intensity: 5.5
hazards:
  - {type: earthquake, epicentre: [29.30, 101.30], magnitude: 4.5, depth_km: 10}
sites:
  - {name: 远村, county: 九龙县, lat: 29.30, lon: 101.30, population: 800}
forces:
  aviation:
    - {type: Mi-171, base: ZUXC, count: 1, owner: provincial}
plan: plan.yaml
"""
PLAN = """\
plan: {name}
objectives:
  - {{id: aviation-2h, kpi: aviation.share_within_2h, at_least: 0.95}}
command:
  structure: {structure}
  report_delay_min: {{normal: 20, jitter: 0}}
  decision_delay_min: {{county: 15, municipal: 20, provincial: 30, national: 45}}
  hop_delay_min: 10
"""


def _run(write, structure: str):
    write(PLAN.format(name=structure, structure=structure), "plan.yaml")
    return run_scenario(load_scenario(write(ONE_TOWN)), seed=1)


def test_tiered_misses_two_hours_where_flat_meets_it(write):
    tiered_model, tiered = _run(write, "tiered")
    flat_model, flat = _run(write, "flat")
    site = "site:0:远村"
    assert tiered["aviation.first_arrival_min"][site] > 120 >= flat["aviation.first_arrival_min"][site]
    assert tiered["objectives"][0]["pass"] is False and flat["objectives"][0]["pass"] is True
    chain = [e.data["chain"] for e in tiered_model.recorder.events if e.kind == "approve"][0]
    assert chain == ["county:九龙县", "municipal:甘孜藏族自治州", "provincial:四川省"]
    flat_chain = [e.data["chain"] for e in flat_model.recorder.events if e.kind == "approve"][0]
    assert flat_chain == ["county:九龙县", "national:国务院抗震救灾指挥部"]
    saved = tiered["aviation.first_arrival_min"][site] - flat["aviation.first_arrival_min"][site]
    assert saved == pytest.approx(20 + 10 + 30, abs=1e-6)     # municipal decision, one hop, provincial decision


@pytest.fixture(scope="module")
def luding_runs():
    loaded = load_scenario(LUDING)
    return [run_scenario(loaded, seed)[0] for seed in range(4)]


def test_level_is_decided_on_lagging_reports_not_the_truth(luding_runs):
    for model in luding_runs:
        events = model.recorder.events
        true_dead = sum(e.data["killed"] for e in events if e.kind == "impact")
        decisions = [e for e in events if e.kind == "level_decision"]
        levels = [e for e in events if e.kind == "level"]
        assert decisions and levels
        if true_dead >= 50:       # the truth reaches level II at onset ...
            ii = [e for e in decisions if e.data["level"] in ("I", "II")]
            # ... but the post can only decide once reports add up to it (or the magnitude rule fires)
            assert not ii or ii[0].t >= model.plan.response.quick_report_min
            assert all(e.t >= d.t + model.plan.response.activation_delay_min[e.data["level"]] - 1e-9
                       for e in levels for d in decisions if d.data["level"] == e.data["level"])
        for d in decisions:
            if "deaths reported" in d.data["reason"]:
                assert int(d.data["reason"].split()[0]) != true_dead or d.t > 600


def test_no_unit_is_ever_in_two_missions_at_once(luding_runs):
    for model in luding_runs:
        busy: dict[str, int] = defaultdict(int)
        for e in model.recorder.events:
            if e.kind == "dispatch" and not e.agent.startswith("consignment"):
                busy[e.agent] += 1
                assert busy[e.agent] == 1, f"{e.agent} tasked twice at t={e.t}"
            elif e.kind in ("land", "stand_down"):          # a blocked team waits for a helicopter
                busy[e.agent] -= 1
                assert busy[e.agent] == 0


def test_mutual_aid_arrives_no_earlier_than_approval_and_transfer(write):
    """Flat command with one helicopter: requests queue, partners are asked, help comes after
    the approval delay plus the ferry flight from Chongqing."""
    write(PLAN.format(name="aid", structure="flat") + """\
mutual_aid:
  - from: 重庆市
    mechanism: Chengdu-Chongqing
    approval_min: 60
    forces:
      aviation: [{type: Mi-171, base: ZUCK, count: 1}]
""", "plan.yaml")
    second_town = "population: 800}\n  - {name: 近村, county: 九龙县, lat: 29.30, lon: 101.30, population: 900"
    text = ONE_TOWN.replace("count: 1, owner: provincial", "count: 1, owner: national").replace(
        "population: 800", second_town)
    model, summary = run_scenario(load_scenario(write(text)), seed=1)
    events = model.recorder.events
    asked = [e for e in events if e.kind == "mutual_aid_request"]
    arrived = [e for e in events if e.kind == "mutual_aid_arrived"]
    assert asked and arrived
    from sim.world.geo import gazetteer, gc_km
    zuck = gazetteer().airport("ZUCK")
    target = min(model.world.airports, key=lambda a: gc_km(a.lat, a.lon, model.command.lead.place.lat,
                                                             model.command.lead.place.lon))
    ferry = 20 + gc_km(zuck.lat, zuck.lon, target.lat, target.lon) / (230 * 0.9) * 60
    assert arrived[0].t - asked[0].t >= 60 + ferry - 1e-6
    assert summary["command.mutual_aid_min"] == pytest.approx(arrived[0].t - asked[0].t, abs=0.01)


RELIEF = """\
scenario: relief-chain
start: 2022-09-05T10:00:00+08:00
duration_h: 24
region: {provinces: [四川省]}
hazards:
  - {type: earthquake, epicentre: [29.59, 102.08], magnitude: 7.3, depth_km: 16, strike_deg: 160}
forces:
  depots:
    - {level: county, place: 泸定县, stock: {tents: 100, rations: 1000, water_l: 5000}}
    - {level: municipal, place: 康定市, stock: {tents: 300, rations: 3000, water_l: 20000}}
    - {level: provincial, place: 成都市, stock: {tents: 1000, rations: 10000, water_l: 80000}}
    - {level: central, place: 成都市, stock: {tents: 50000, rations: 500000, water_l: 2000000}}
plan: plan.yaml
"""


@pytest.mark.parametrize("structure", ["tiered", "flat"])
def test_relief_reaches_the_central_depot_only_when_lower_levels_are_exhausted(write, structure):
    write(PLAN.format(name="r", structure=structure), "plan.yaml")
    model, _ = run_scenario(load_scenario(write(RELIEF)), seed=2)
    initial = {d.name: dict(s.stock) for d, s in zip(model.depots, model.spec.forces.depots)}
    released: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    central_used = False
    for e in model.recorder.events:
        if e.kind == "approve" and e.data.get("request") == "relief":
            depot = e.data["depot"]
            if depot.startswith("central"):
                central_used = True
                lower = [n for n in initial if not n.startswith("central")]
                if structure == "tiered":
                    for name in lower:     # every lower depot had run out of something by now
                        assert any(released[name][k] >= initial[name][k] - 1e-6 for k in initial[name]), name
        if e.kind == "dispatch" and e.agent.startswith("consignment"):
            for k, v in e.data["items"].items():
                released[e.data["depot"]][k] += v
    assert central_used, "the scenario is meant to exhaust the lower levels"
    for d in model.depots:          # conserved across the whole chain
        for item, box in d.stock.items():
            assert box.level + released[d.name][item] == pytest.approx(initial[d.name][item])


def test_compare_tiered_and_flat_plans_on_luding():
    base = load_scenario(LUDING)
    flat = with_plan(base, PLANS / "sichuan-earthquake-flat.yaml")
    assert flat.plan.command.structure == "flat"
    assert flat.plan.mutual_aid == base.plan.mutual_aid             # `extends` kept the rest of the plan
    a = [run_scenario(base, s)[1]["aviation.share_within_2h"] for s in range(5)]
    b = [run_scenario(flat, s)[1]["aviation.share_within_2h"] for s in range(5)]
    assert sum(b) > sum(a)
