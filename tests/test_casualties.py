"""Casualties and care: PAGER deaths, the injured ratio with its leave-one-out check, the critically
injured's time-to-care mortality, helicopters that save lives, one group per place, contact lost
by chance, the near-field intensity and the isoseismal areas."""
from __future__ import annotations

import math

import numpy as np
import pytest

from sim.hazards import earthquake as eq
from sim.hazards.care import DEATH_PER_MIN, IMMEDIATE_SHARE, REFERENCE_CARE_MIN, critical_survival
from sim.model import ResponseModel
from sim.run import run_scenario
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import load_scenario
from tests.conftest import LUDING, MINIMAL


def test_pager_rate_is_chinas_lognormal():
    z = math.log(9.5 / eq.PAGER_THETA) / eq.PAGER_BETA
    assert eq.fatality_rate(9.5) == pytest.approx(0.5 * math.erfc(-z / math.sqrt(2)))
    assert eq.fatality_rate(6.0) < 1e-6 < eq.fatality_rate(7.0) < eq.fatality_rate(8.0) < eq.fatality_rate(9.0)
    assert eq.fatality_rate(12.0) == eq.fatality_rate(10.0)          # PAGER caps shaking at X


def test_expected_deaths_match_pager_at_the_reference_response():
    """Killed at once + trapped dying at M5 + critically injured dying at the reference care time = D."""
    for s in (7.5, 8.5, 9.5):
        trapped, injured = eq.casualty_rates(eq.fatality_rate(s))
        m4, m5 = eq.KILLED_AT_ONCE_M4, eq.POST_COLLAPSE_M5
        critical = IMMEDIATE_SHARE * injured * (1 - critical_survival(REFERENCE_CARE_MIN))
        deaths = trapped * (m4 + m5 * (1 - m4)) + critical
        assert deaths == pytest.approx(eq.fatality_rate(s), rel=1e-9)


def test_injury_ratio_is_the_median_of_the_records_with_a_leave_one_out_error():
    ratios = [inj / (dead + missing) for _, dead, missing, inj, _ in eq.INJURY_RECORDS]
    assert eq.INJURED_PER_DEATH == pytest.approx(float(np.median(ratios)))
    loo = eq.injury_ratio_loo()
    assert [name for name, _, _ in loo] == [r[0] for r in eq.INJURY_RECORDS]
    errors = [abs(math.log10(pred / actual)) for _, pred, actual in loo]
    assert 0.3 < float(np.median(errors)) < 0.6          # a factor of about 2.7, reported in the docs


def test_critical_survival_falls_at_clarkes_rate_then_decays():
    slope = (critical_survival(0) - critical_survival(1)) * 1.0
    assert slope == pytest.approx(DEATH_PER_MIN, rel=0.01)
    assert critical_survival(90) > critical_survival(240) > critical_survival(720) > 0


def test_helicopters_save_lives_in_a_paired_run():
    """Luding's helicopters replaced by one reconnaissance plane: more deaths, paired over seeds."""
    base = load_scenario(LUDING)
    recon = apply_overrides(base, {"forces.aviation": [{"type": "Y-12", "base": "ZUUU", "count": 1}]})
    diffs = [run_scenario(recon, s)[1]["rescue.deaths"] - run_scenario(base, s)[1]["rescue.deaths"]
             for s in range(12)]
    mean, sd = float(np.mean(diffs)), float(np.std(diffs, ddof=1))
    assert mean - 2.2 * sd / math.sqrt(len(diffs)) > 0          # t(0.975, 11) = 2.20


def test_teams_fly_into_a_place_no_road_reaches():
    base = load_scenario(LUDING)
    for seed in range(6):
        model = ResponseModel(base, seed)
        moxi = next(p for p in model.world.places.values() if p.name == "磨西镇")
        model.run()
        group = model.group_at[moxi.id]
        if group.comms_cut:
            inserted = [e for e in model.recorder.events if e.kind == "arrive" and e.data.get("mission") == "insert"]
            assert inserted and all(e.place == moxi.id for e in inserted)
            return
    pytest.fail("Moxi was never cut off in six seeds")


def test_a_place_hit_twice_keeps_one_group_and_conserves_people(write):
    text = MINIMAL.replace(
        "  - {type: earthquake, epicentre: [29.59, 102.08], magnitude: 6.8, depth_km: 16}",
        "  - {type: earthquake, epicentre: [29.59, 102.08], magnitude: 6.8, depth_km: 16}\n"
        "  - {type: earthquake, epicentre: [29.62, 102.10], magnitude: 6.5, depth_km: 12, at_min: 300}")
    model, summary = run_scenario(load_scenario(write(text)), seed=2)
    places = [g.place.id for g in model.groups]
    assert len(places) == len(set(places))
    twice = {e.place for e in model.recorder.events if e.kind == "impact" and e.data.get("repeat")}
    assert twice
    for g in model.groups:
        parts = g.dead + g.trapped + g.injured + g.rescued + g.evacuated + g.unhurt
        assert parts == g.population and min(g.dead, g.trapped, g.injured, g.rescued, g.unhurt) >= 0
    assert summary["rescue.still_trapped"] >= 0
    assert summary["sites"] == len(places)


def test_contact_is_lost_by_chance_rising_with_intensity():
    model = ResponseModel(load_scenario(LUDING), 0)
    cuts = {s: np.mean([model._loses_contact(f"p{i}", s) for i in range(400)]) for s in (0.0, 7.0, 8.0, 9.0)}
    assert cuts[0.0] == 0.0 and cuts[7.0] < 0.15 and 0.35 < cuts[8.0] < 0.65 and cuts[9.0] > 0.85


def test_the_peak_is_the_epicentral_intensity_and_zones_nest():
    assert eq.peak_intensity(6.8) == pytest.approx(eq.epicentral_intensity(6.8))
    areas = eq.intensity_areas(6.8, (29.59, 102.08), 160.0)
    assert areas["VI"] > areas["VII"] > areas["VIII"] > areas["IX"] > 0 == areas["X"] == areas["XI"]


def test_summary_reports_areas_and_maximum_intensity():
    _, summary = run_scenario(load_scenario(LUDING), seed=7)
    assert list(summary["hazard.intensity_area_km2"]) == ["VI", "VII", "VIII", "IX", "X", "XI"]
    assert summary["hazard.max_intensity"] == pytest.approx(9.14, abs=0.01)
