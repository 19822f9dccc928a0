"""Relief every day (issue 18): recurring needs, days short, township depots, people conserved."""
from __future__ import annotations

import pytest

from sim.events import Event
from sim.metrics import relief_day_kpis, summarize
from sim.model import ResponseModel
from sim.scenario.schema import load_scenario
from tests.conftest import JISHISHAN, LUDING


def _ev(t, kind, place="", **data):
    return Event(t, kind, "", place, data)


def test_days_short_counts_the_uncovered_part_of_each_day():
    events = [_ev(0, "needs", "a", day=1, people=100), _ev(720, "relieved", "a", day=1, people=100),
              _ev(1440, "needs", "a", day=2, people=100), _ev(2880, "final", "a")]
    assert relief_day_kpis(events)["relief.days_short"] == pytest.approx(50 + 100)


def test_share_within_10h_reads_the_first_day_only():
    impact = {"name": "a", "lat": 0, "lon": 0, "intensity": 8, "population": 10, "killed": 0, "trapped": 0,
              "injured": 0, "homeless": 10}
    events = [_ev(0, "impact", "a", **impact), _ev(1500, "relieved", "a", day=2, people=10),
              _ev(300, "relieved", "a", day=1, people=10)]
    assert summarize(sorted(events, key=lambda e: e.t))["relief.share_within_10h"] == 1.0


@pytest.mark.parametrize("path", [LUDING, JISHISHAN])
def test_needs_recur_and_people_are_conserved_with_restocking(path):
    m = ResponseModel(load_scenario(path), 1, vary=True)
    m.run()
    days = {e.data["day"] for e in m.recorder.events if e.kind == "needs"}
    assert days == {1, 2, 3}                                   # a 72 h horizon
    for g in m.groups:
        assert g.dead + g.trapped + g.injured + g.rescued + g.evacuated + g.unhurt == g.population
        assert g.covered <= g.day
    kpis = summarize(m.recorder.events)
    homeless = sum(g.homeless for g in m.groups)
    assert 0 < kpis["relief.days_short"] <= homeless * 3 + 1


def test_a_township_depot_hands_out_its_stock_at_once():
    m = ResponseModel(load_scenario(LUDING), 0)
    m.env.run(until=1)
    local = [e for e in m.recorder.events if e.kind == "dispatch" and e.data.get("depot", "").startswith("township")]
    assert local and local[0].t == 0.0
