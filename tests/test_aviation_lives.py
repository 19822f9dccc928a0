"""More helicopters save more lives where no road reaches (issue 13): stretchers bound how many
critically injured one helicopter takes, teams are flown in lift after lift by as many helicopters
as their crew needs seats, and helicopters do not ferry people a road already brings to care."""
from __future__ import annotations

from functools import cache
from types import SimpleNamespace

from agents.affected import AffectedGroup
from sim.model import ResponseModel
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import load_scenario, with_plan
from tests.conftest import LUDING, ROOT

FLAT = ROOT / "scenarios" / "plans" / "sichuan-earthquake-flat.yaml"
MOXI = "磨西镇"


@cache
def _luding(mi171: int, seed: int) -> ResponseModel:
    """Luding as written, under flat command, with only `mi171` Mi-171s at Xichang, run to the end."""
    loaded = apply_overrides(with_plan(load_scenario(LUDING), FLAT),
                             {"forces.aviation": [{"type": "Mi-171", "base": "ZUXC", "count": mi171}]})
    model = ResponseModel(loaded, seed)
    model.run()
    return model


def _moxi_critical_deaths(model: ResponseModel) -> int:
    """Moxi's immediate-category patients dead before reaching care by air, or never reached."""
    moxi = next(g for g in model.groups if g.place.name == MOXI)
    assert moxi.comms_cut                                  # the seeds below are those that cut it off
    return sum(e.data.get("died_before_care", 0) + e.data.get("critical_dead", 0) for e in model.recorder.events
               if e.kind in ("evacuate", "unreached") and e.place == moxi.place.id)


def test_four_helicopters_save_more_of_moxis_critically_injured_than_one():
    """On the old code the count changed nothing on these seeds (109, 117, 128 dead either way): every
    helicopter was first committed to road-served sites, and each one took 24 critically injured."""
    for seed in (0, 3, 4):
        assert _moxi_critical_deaths(_luding(4, seed)) < _moxi_critical_deaths(_luding(1, seed))


def test_stretchers_not_seats_bound_the_critically_injured_aboard():
    waiting = SimpleNamespace(immediate=30, awaiting_evacuation=200)
    assert AffectedGroup.boarding(waiting, 24, 12) == (12, 0)          # a Mi-171: 24 seats or 12 stretchers
    few = SimpleNamespace(immediate=5, awaiting_evacuation=200)
    assert AffectedGroup.boarding(few, 24, 12) == (5, 14)              # five stretchers take ten seats
    served = SimpleNamespace(immediate=0, awaiting_evacuation=0)
    assert AffectedGroup.boarding(served, 24, 12) == (0, 0)


def test_a_heavy_team_is_flown_in_whole_lift_after_lift():
    model = _luding(4, 0)
    lifts = [e for e in model.recorder.events if e.kind == "arrive" and e.data.get("mission") == "insert"
             and e.data["team"].startswith("heavy_rescue_team")]
    team = lifts[0].data["team"]
    crew = [e.data["crew"] for e in lifts if e.data["team"] == team]
    assert len(crew) > 1 and sum(crew) == model.catalogue.ground_units[team.split("-")[0]].crew


def test_helicopters_leave_people_a_road_brings_to_care_to_the_road():
    model = _luding(4, 0)
    served = [g for g in model.groups if g.road_to_care()]
    assert served and all(g.awaiting_evacuation == 0 for g in served)


def test_the_critically_injured_fly_to_the_nearest_hospital_and_helicopters_shuttle_back():
    model = _luding(4, 0)
    moxi = next(g for g in model.groups if g.place.name == MOXI)
    flown = [e for e in model.recorder.events if e.kind == "evacuate" and e.place == moxi.place.id]
    assert flown and all(e.data["hospital"] != "ZUXC" for e in flown)     # a prefecture seat is nearer than Xichang
    assert any(e.kind == "arrive" and e.data.get("purpose") == "shuttle" and e.place == moxi.place.id
               for e in model.recorder.events)
