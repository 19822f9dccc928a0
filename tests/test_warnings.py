"""Warnings: channel reach combines as independent chances, delays decide who is warned before
impact, warned people leave at a rate, and `warning.coverage` is warned-before-impact / population hit."""
from __future__ import annotations

import math

import pytest

from sim.events import Event
from sim.hazards.warnings import PublicWarning, warning_kpis


def test_two_channels_reach_one_minus_the_product_of_misses():
    w = PublicWarning(channels=["tv_radio", "cell_broadcast"], at_h=0)      # 0.75 after 10 min, 0.4 after 30
    assert [(c, d) for c, d, _ in w.steps()] == [("cell_broadcast", 10), ("tv_radio", 30)]
    assert w.warned_share(0, 10) == 0                     # not before the delay is over
    assert w.warned_share(0, 11) == pytest.approx(0.75)
    assert w.warned_share(0, 31) == pytest.approx(1 - 0.25 * 0.6)     # 0.85: short of the 90 % target
    with_loudspeakers = PublicWarning(channels=["cell_broadcast", "tv_radio", "loudspeaker"], at_h=0)
    assert with_loudspeakers.warned_share(0, 60) == pytest.approx(1 - 0.25 * 0.6 * 0.5)   # 0.925


def test_evacuated_share_is_closed_form_per_channel():
    w = PublicWarning(channels=["cell_broadcast"], lead_h=2, evacuation_rate_per_h=0.5, leave_share=0.5)
    issue = w.issue_min(300)
    assert issue == 180
    expected = 0.5 * 0.75 * (1 - math.exp(-0.5 * (300 - 180 - 10) / 60))
    assert w.evacuated_share(issue, 300) == pytest.approx(expected)


def test_bad_warning_blocks():
    with pytest.raises(ValueError, match="unknown warning channel 'pigeon'"):
        PublicWarning(channels=["pigeon"], at_h=0)
    with pytest.raises(ValueError, match="exactly one of at_h / lead_h"):
        PublicWarning(channels=["tv_radio"], at_h=0, lead_h=1)


def test_coverage_counts_only_warnings_before_impact_over_population_hit():
    ev = [Event(10, "warned", "cell_broadcast", "a", {"people": 750}),
          Event(200, "warned", "door_to_door", "a", {"people": 200}),      # after impact at 100: too late
          Event(5, "warned", "cell_broadcast", "b", {"people": 3000}),
          Event(100, "impact", "hazard", "a", {"population": 1000, "hazard": "flood"}),
          Event(50, "impact", "hazard", "b", {"population": 3000, "hazard": "typhoon"}),
          Event(60, "impact", "hazard", "c", {"population": 5000}),                    # an earthquake: not forecastable
          Event(100, "evacuated", "warning", "a", {"people": 300})]
    kpi = warning_kpis(ev)
    assert kpi["warning.coverage"] == pytest.approx((750 + 3000) / 4000)
    assert kpi["warning.people_warned"] == 3950
    assert kpi["warning.evacuated"] == 300
    assert warning_kpis([Event(1, "impact", "hazard", "c", {"population": 5})])["warning.coverage"] is None
