"""The index of sites waiting for evacuation (`sim.command.waiting`) gives a full scan's answer after
every event of a run; a count that did not tell it, or a road to care opening or closing unseen,
would leave it wrong."""
from __future__ import annotations

import pytest

from sim.command.waiting import WaitingSites, waits
from sim.model import ResponseModel
from sim.scenario.schema import load_scenario
from tests.conftest import ROOT

ZHENGZHOU = ROOT / "scenarios" / "zhengzhou-2021.yaml"   # sites join and leave, roads to care close and reopen


def _scan(model: ResponseModel) -> list:
    """The full scan the index replaces: every site, in the model's order."""
    return [g for g in model.groups if waits(g)]


def _check_every_event(model: ResponseModel) -> tuple[float | None, int]:
    """(first moment the index and a full scan disagree, or None; how many times the answer changed)."""
    env, end, last, changes = model.env, model.spec.hours * 60, None, 0
    while env.peek() < end:
        env.step()
        sites = model.command.waiting.groups()
        if sites != _scan(model):
            return env.now, changes
        changes, last = changes + (sites != last), sites
    return None, changes


def test_the_index_gives_a_full_scans_answer_after_every_event():
    disagreement, changes = _check_every_event(ResponseModel(load_scenario(ZHENGZHOU), 7))
    assert disagreement is None
    assert changes >= 10                    # sites joined and left often enough for the check to mean something


def test_a_road_to_care_opening_or_closing_unseen_leaves_the_index_wrong(monkeypatch):
    def blind(index):
        index._care = index.model.world.roads.nearest_of(index.model.hospitals)
    monkeypatch.setattr(WaitingSites, "_touch_care_changes", blind)
    assert _check_every_event(ResponseModel(load_scenario(ZHENGZHOU), 7))[0] is not None


STOP_WAITING = {                            # a change of one count that makes a waiting site stop waiting
    "known": lambda g: False,
    "seats_inbound": lambda g: g.injured + g.rescued,
    "injured": lambda g: g.seats_inbound - g.rescued,
    "rescued": lambda g: g.seats_inbound - g.injured,
}


@pytest.mark.parametrize("count", sorted(STOP_WAITING))
def test_every_count_the_index_reads_tells_it(count):
    model = ResponseModel(load_scenario(ZHENGZHOU), 7)
    while not model.command.waiting.groups():
        model.env.step()
    site = model.command.waiting.groups()[0]
    setattr(site, count, STOP_WAITING[count](site))
    assert not waits(site)
    assert site not in model.command.waiting.groups() and model.command.waiting.groups() == _scan(model)
