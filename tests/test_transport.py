"""Emergency transport (issue 18): road clearing, truck fleets with bays, last legs, force channels."""
from __future__ import annotations

import math

import numpy as np
import pytest

from agents.ground import DRIVE
from sim.command import interventions as iv
from sim.metrics import summarize
from sim.model import ResponseModel
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import load_scenario
from tests.conftest import LUDING, watch_stock

MOXI = "site:5:磨西镇"


@pytest.fixture(scope="module")
def luding():
    return load_scenario(LUDING)


def _run(loaded, seed=0, until=None):
    m = ResponseModel(loaded, seed)
    if until is None:
        m.run()
    else:
        m.env.run(until=until)
    return m


def test_clearing_reopens_the_road_into_moxi_in_closed_form(luding):
    m = _run(luding)
    reopened = [e for e in m.recorder.events if e.kind == "road_cleared" and MOXI in e.data["link"]]
    assert reopened and MOXI in reopened[0].data["reconnected"]
    edge = next(i for i in range(len(m.world.roads.u))
                if {m.world.roads.nodes[m.world.roads.u[i]].id, m.world.roads.nodes[m.world.roads.v[i]].id}
                == set(reopened[0].data["link"]))
    started = next(e for e in m.recorder.events if e.kind == "clearing" and e.data["link"] == reopened[0].data["link"])
    spec = m.catalogue.clearing_teams["road_clearing_team"]
    work = m.world.roads.km[edge] * spec.buried_share["closed"] / spec.debris_km_per_h * 60
    assert reopened[0].t == pytest.approx(started.t + work)
    assert m.world.roads.factor[edge] == m.catalogue.reopened_factor["closed"]
    kpis = summarize(m.recorder.events)
    assert kpis["roads.cut_off_h"][MOXI] == pytest.approx(reopened[0].t / 60, abs=0.01)
    assert kpis["roads.reopened_h"]["|".join(reopened[0].data["link"])] is not None


def test_without_clearing_teams_moxi_stays_cut_off(luding):
    m = _run(apply_overrides(luding, {"forces.engineering": []}))
    kpis = summarize(m.recorder.events)
    assert kpis["roads.cut_off_h"][MOXI] is None and kpis["roads.links_reopened"] == 0


def test_a_team_waiting_for_a_helicopter_drives_once_the_road_reopens(luding):
    m = _run(luding, until=1)
    for a in m.aircraft:
        a.status = "unserviceable"                  # nobody can fly the team in
    moxi = m.group_at[MOXI]
    team = next(u for u in m.teams if u.status == "idle")
    fired = m.command.request_insertion(team, moxi)
    roads = m.world.roads
    edge = int(np.flatnonzero(((roads.u == moxi.node) | (roads.v == moxi.node)) & np.isinf(roads.factor))[0])
    m.reopen_road(edge, 2.0, "test")
    assert fired.triggered and fired.value == DRIVE
    assert (team, moxi) not in m.command.insertions


def test_a_consignment_larger_than_a_truck_goes_in_trips_one_bay_at_a_time(luding):
    m = _run(luding, until=1)
    depot = next(d for d in m.depots if d.level == "county" and d.place.name == "石棉县")
    m.env.run(until=600)
    trips = [e for e in m.recorder.events if e.kind == "truck_depart" and e.place == depot.place.id]
    kg = m.catalogue.relief_items
    loads = np.array([sum(v * kg[k].kg_per_unit for k, v in t.data["items"].items()) for t in trips])
    assert len(trips) > 1 and (loads <= depot.truck.payload_kg + 1e-6).all()
    load_min = loads / (depot.truck.loading_t_per_h * 1000) * 60
    assert (np.diff([t.t for t in trips]) >= load_min[1:] - 1e-6).all()     # one bay: one truck loading at a time


def test_stock_is_conserved_at_every_moment_with_restocking(luding):
    m = ResponseModel(apply_overrides(luding, {"plan.relief.restock": True}), 3, vary=True)
    checks = watch_stock(m, 17)
    m.run()
    assert checks and all(checks)
    assert any(e.kind in ("restock_order", "restocked") for e in m.recorder.events)


def test_porters_carry_the_last_leg_where_no_road_reaches(luding):
    loaded = apply_overrides(luding, {"plan.relief.last_leg": "porters", "forces.engineering": []})
    m = _run(loaded)
    legs = [e for e in m.recorder.events if e.kind == "deliver" and e.place == MOXI and e.data["carrier"] == "porters"]
    assert legs and not any(e.data["carrier"].startswith(("Mi-", "AC", "H1", "AW")) for e in m.recorder.events
                            if e.kind == "deliver" and e.place == MOXI)


def test_military_units_wait_for_their_own_channel(luding):
    m = _run(luding)
    opened = next(e.t for e in m.recorder.events if e.kind == "military_approved")
    pla = [e.t for e in m.recorder.events if e.kind == "dispatch" and e.agent.startswith("pla_")]
    assert opened >= m.plan.command.military_request_min
    assert all(t >= opened for t in pla)
    activated = [e for e in m.recorder.events if e.kind == "activated" and e.agent.startswith("social_")]
    assert activated and activated[0].t == m.catalogue.ground_units["social_rescue_team"].activation_min


def test_add_forces_brings_clearing_teams_and_refuses_unknown_types(luding):
    m = _run(luding, until=5)
    iv.add_forces(m, {"engineering": [{"type": "road_clearing_team", "station": "泸定县", "count": 2}]})
    assert sum(c.name.endswith(("aid1", "aid2")) for c in m.clearers) == 2
    with pytest.raises(iv.InterventionError):
        iv.add_forces(m, {"engineering": [{"type": "bulldozer", "station": "泸定县"}]})
    m.env.run(until=600)
    assert not math.isnan(m.env.now)
