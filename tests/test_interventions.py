"""Drill decisions and inject effects applied to a running model."""
from __future__ import annotations

import pytest

from sim.command import interventions as iv
from sim.model import ResponseModel
from sim.scenario.schema import load_scenario
from tests.conftest import LUDING


@pytest.fixture
def model():
    m = ResponseModel(load_scenario(LUDING), seed=7)
    m.env.run(until=5)          # the quake has struck, nobody has been tasked yet
    return m


def test_dispatch_sends_the_named_unit_and_busy_units_are_refused(model):
    iv.dispatch(model, "AW139-ZUUU-1", "磨西镇")
    model.env.run(until=200)
    arrivals = [e for e in model.recorder.events if e.kind == "arrive" and e.agent == "AW139-ZUUU-1"]
    assert arrivals and arrivals[0].place.endswith("磨西镇")
    assert any(e.kind == "order" and e.data["order"] == "dispatch" for e in model.recorder.events)
    busy = next(a for a in model.aircraft if a.status not in ("idle", "unserviceable"))
    with pytest.raises(iv.InterventionError, match="not available"):
        iv.dispatch(model, busy.name, "泸定县")
    with pytest.raises(iv.InterventionError, match="no unit"):
        iv.dispatch(model, "nobody", "泸定县")


def test_mutual_aid_is_asked_once(model):
    iv.request_mutual_aid(model)
    model.env.run(until=model.env.now + 1)
    assert any(e.kind == "mutual_aid_request" for e in model.recorder.events)
    with pytest.raises(iv.InterventionError, match="already"):
        iv.request_mutual_aid(model)


def test_raising_the_level_takes_the_activation_delay(model):
    iv.set_level(model, "I", "room decision after the M6.8 report")
    model.env.run(until=5 + model.plan.response.activation_delay_min["I"] - 1)
    assert model.command.level != "I"
    model.env.run(until=5 + model.plan.response.activation_delay_min["I"] + 1)
    assert model.command.level == "I"
    with pytest.raises(iv.InterventionError):
        iv.set_level(model, "V")


def test_release_stock_ships_a_consignment(model):
    before = model.depots[0].stock["tents"].level
    iv.release_stock(model, model.depots[0].name, "泸定县", {"tents": 100})
    assert model.depots[0].stock["tents"].level == before - 100
    model.env.run(until=2000)
    assert any(e.kind == "deliver" and e.data["items"].get("tents") == 100 for e in model.recorder.events)


def test_evacuation_keeps_every_person_in_one_state(model):
    g = next(g for g in model.groups if g.homeless)
    iv.order_evacuation(model, g.place.id, 0.5)
    assert sum([g.dead, g.trapped, g.injured, g.rescued, g.evacuated, g.unhurt]) == g.population
    assert g.evacuated > 0


def test_inject_effects(model):
    iv.close_base(model, "ZUXC", 240)
    assert all(a.grounded_until >= 245 for a in model.aircraft if a.base.icao == "ZUXC")
    iv.ground_aircraft(model, "AC313-ZUUU-1")
    assert next(a for a in model.aircraft if a.name == "AC313-ZUUU-1").status == "unserviceable"
    iv.cut_road(model, "泸定县", "康定市")
    closed = [e for e in model.recorder.events if e.kind == "road_damage"][-1].data["closed"]
    ids = {p.name: p.id for p in model.world.candidates}
    assert sorted(closed[0]) == sorted([ids["泸定县"], ids["康定市"]])
    n = len(model.groups)
    iv.new_incident(model, "天全县", trapped=12, injured=3, homeless=200)
    assert len(model.groups) == n + 1 and model.groups[-1].trapped == 12
    with pytest.raises(iv.InterventionError, match="already an affected site"):
        iv.new_incident(model, "天全县", trapped=1)
    with pytest.raises(iv.InterventionError, match="unknown place"):
        iv.new_incident(model, "无此县", trapped=1)
    iv.false_report(model, "泸定县", 400)
    assert model.command.lead.estimates[ids["泸定县"]] == 400
    assert any(e.kind == "level_decision" and e.data["level"] == "I" for e in model.recorder.events)
