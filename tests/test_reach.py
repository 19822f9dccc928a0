"""Static aviation reach: exact hand-computed times, the refuel, night and ceiling rules, and the
promise that static reach equals the simulated first arrival when nobody is busy and delays are zero."""
from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta

import numpy as np
import pytest

from run_sim import main
from sim.model import ResponseModel
from sim.scenario.catalogue import load_catalogue
from sim.scenario.schema import load_scenario
from sim.studies.reach import Base, Sites, ready_minutes, scenario_reach, static_reach
from sim.world.geo import EARTH_RADIUS_KM, Airport
from sim.world.sun import civil_twilight_utc
from tests.conftest import JISHISHAN, LUDING

CAT = load_catalogue()
NOON = datetime.fromisoformat("2022-09-05T12:00:00+08:00")
KMH = {t: a.cruise_kmh * CAT.aviation_settings.block_speed_factor for t, a in CAT.aircraft.items()}


def north(km: float, lat: float = 30.0) -> float:
    """Latitude `km` due north of `lat` on the meridian 100 E."""
    return lat + math.degrees(km / EARTH_RADIUS_KM)


def airport(icao: str, lat: float, lon: float = 100.0) -> Airport:
    return Airport(icao, icao, lat, lon, 500.0)


def base(type_name: str, at: Airport, start: datetime = NOON) -> Base:
    spec = CAT.aircraft[type_name]
    return Base(f"{type_name}@{at.icao}", type_name, spec, at, *ready_minutes(spec, at, start, 24))


def sites(*points: tuple[float, float], elevation: list[float] | None = None) -> Sites:
    n = len(points)
    return Sites([f"s{i}" for i in range(n)], [f"site {i}" for i in range(n)], np.array([p[0] for p in points]),
                 np.array([p[1] for p in points]), np.full(n, 1000.0),
                 np.array(elevation if elevation is not None else [np.nan] * n))


def test_one_base_one_site_is_alert_plus_distance_over_block_speed_to_the_second():
    home = airport("HOME", 30.0)
    r = static_reach([base("Mi-171", home)], sites((north(207.0), 100.0)), [home], CAT)
    # Mi-171 by day: 20 min alert + 207 km at 0.9 x 230 = 207 km/h -> 60 min: 80 min = 4,800 s
    assert r.minutes[0] * 60 == pytest.approx(4800, abs=1)
    assert r.limited_by == ["direct"]
    assert r.to_json()["sites"][0] | {"lat": 0} == {"id": "s0", "name": "site 0", "lat": 0, "lon": 100.0,
                                                     "population": 1000, "minutes": 80.0, "asset": "Mi-171",
                                                     "base": "HOME", "limited_by": "direct"}


def test_a_leg_that_would_strand_the_aircraft_gets_a_refuel_stop_on_the_way():
    # Mi-171: range 600 km less 10 % reserve = 540 km. The site is 520 km north; the only airport near
    # it is 220 km short of it, so flying direct leaves 520 + 220 > 540: refuel there first.
    home, mid = airport("HOME", 30.0), airport("MID", north(300.0))
    r = static_reach([base("Mi-171", home)], sites((north(520.0), 100.0)), [home, mid], CAT)
    expected = 20 + 520 / KMH["Mi-171"] * 60 + CAT.aircraft["Mi-171"].refuel_min
    assert r.minutes[0] == pytest.approx(expected, abs=1 / 60)
    assert r.limited_by == ["refuel"]


def test_a_site_no_airport_can_bring_back_within_range_is_unreachable():
    home = airport("HOME", 30.0)
    r = static_reach([base("Mi-171", home)], sites((north(300.0), 100.0)), [home], CAT)
    assert r.limited_by == ["unreachable"] and math.isinf(r.minutes[0])
    assert r.to_json()["sites"][0]["minutes"] is None and r.to_json()["p50_min"] is None


def test_at_night_a_day_only_type_waits_for_civil_dawn_at_its_base():
    night = datetime.fromisoformat("2023-12-18T23:59:00+08:00")
    home = airport("HOME", 36.0, 103.0)
    day_only = base("Mi-171", home, night)
    dawn, _ = civil_twilight_utc(night + timedelta(days=1), home.lat, home.lon)
    assert day_only.ready_min == pytest.approx((dawn - night).total_seconds() / 60 + 20, abs=1e-6)
    r = static_reach([day_only], sites((north(207.0, 36.0), 103.0)), [home], CAT)
    assert r.limited_by == ["night"] and r.minutes[0] == pytest.approx(day_only.ready_min + 60)
    assert base("AW139", home, night).ready_min == CAT.aircraft["AW139"].alert_min.night


def test_a_site_above_a_types_ceiling_is_served_by_a_type_that_can_climb_there():
    home = airport("HOME", 30.0)
    fleet = [base("AW139", home), base("H125", home)]           # AW139 faster, ceiling 6,000 m; H125 7,000 m
    r = static_reach(fleet, sites((north(100.0), 100.0), (north(100.0), 100.0), elevation=[6500.0, np.nan]),
                     [home], CAT)
    assert [r.bases[b].type_name for b in r.best] == ["H125", "AW139"]
    assert r.limited_by == ["ceiling", "direct"]
    alone = static_reach(fleet[:1], sites((north(100.0), 100.0), elevation=[6500.0]), [home], CAT)
    assert alone.limited_by == ["ceiling"] and math.isinf(alone.minutes[0])


# Flat command: the request goes straight to the national post, which sees every aircraft. (Under
# tiered command a Qinghai site is served by Qinghai's own day-only H125 at dawn, not by Gansu's
# closer night-capable AW139: a command effect that static reach rightly ignores.)
ZERO_DELAY_PLAN = """\
plan: zero
command:
  structure: flat
  report_delay_min: {normal: 0, comms_cut: 0, jitter: 0}
  decision_delay_min: {county: 0, municipal: 0, provincial: 0, national: 0}
  hop_delay_min: 0
  comms_repair_min: 0
"""


@pytest.mark.parametrize("scenario", [LUDING, JISHISHAN], ids=["day", "night"])
def test_static_reach_equals_simulated_first_arrival_when_nobody_is_busy(write, scenario):
    """Thirty aircraft per force and zero report/decision delays: every site gets its fastest aircraft."""
    text = scenario.read_text(encoding="utf-8").replace("count: 1}", "count: 30}").replace("count: 2}", "count: 30}")
    text = re.sub(r"(?m)^plan: .*$", "plan: zero.yaml", text)
    write(ZERO_DELAY_PLAN, "zero.yaml")
    loaded = load_scenario(write(text, "s.yaml"))
    model = ResponseModel(loaded, seed=1)
    model.run()
    arrived: dict[str, float] = {}
    for e in model.recorder.events:
        if e.kind == "arrive" and e.data.get("mission") in ("rescue", "airlift"):
            arrived.setdefault(e.place, e.t)
    reach = scenario_reach(loaded)
    static = dict(zip(reach.sites.ids, reach.minutes))
    assert set(static) == {g.place.id for g in model.groups}
    for site, minutes in static.items():
        assert arrived[site] == pytest.approx(minutes, abs=1e-6), site


def test_reach_json_on_the_command_line(capsys, tmp_path):
    assert main(["reach", str(LUDING), "--json", "--map", str(tmp_path / "m.png")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"sites", "bases", "share_within_2h", "population_share_within_2h", "p50_min", "p90_min",
                        "prone_sourcing"}
    assert {s["limited_by"] for s in out["sites"]} <= {"direct", "refuel", "night", "ceiling", "unreachable"}
    fleet = load_scenario(LUDING).effective().forces.aviation
    assert {b["icao"] for b in out["bases"]} == {f.base for f in fleet}
    assert (tmp_path / "m.png").stat().st_size > 50_000


def test_national_scenario_covers_every_prone_county_once(capsys):
    assert main(["reach", "scenarios/national-aviation.yaml", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ids = [s["id"] for s in out["sites"]]
    assert len(ids) == len(set(ids)) > 150
    assert 0 < out["share_within_2h"] <= 1 and out["p50_min"] <= out["p90_min"]
