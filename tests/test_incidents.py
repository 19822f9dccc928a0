"""Incident streams (sim/hazards/incidents.py): draws, catalogue replay, per-incident sites, determinism."""
from __future__ import annotations

import numpy as np
import pytest

from sim.hazards.incidents import Distribution, GutenbergRichter, Over, Stream, draw_stream
from sim.metrics import summarize
from sim.model import ResponseModel, substream
from sim.scenario.schema import load_scenario
from sim.scenario.yamlio import ScenarioError

HEAD = "scenario: inc\nstart: 2025-07-01T08:00:00+08:00\nduration_h: {hours}\nregion: {{provinces: [四川省]}}\n"
FLEET = "forces:\n  aviation:\n    - {{type: Mi-171, base: ZUUU, count: {n}}}\n"


def _write(tmp_path, body: str, hours: float = 48, aircraft: int = 2, name: str = "inc.yaml"):
    path = tmp_path / name
    path.write_text(HEAD.format(hours=hours) + body + FLEET.format(n=aircraft), encoding="utf-8")
    return path


def test_gutenberg_richter_is_bounded_with_its_mean():
    gr = Distribution(gutenberg_richter=GutenbergRichter(b=1.0, min=5.0, max=8.0))
    m = gr.sample(np.random.default_rng(1), 200_000)
    assert m.min() >= 5.0 and m.max() <= 8.0
    assert m.mean() == pytest.approx(gr.mean, abs=0.01)
    assert (m >= 6.0).mean() == pytest.approx(0.1 * (1 - 1e-2) / (1 - 1e-3), rel=0.05)   # one tenth per unit, b = 1


def test_a_distribution_takes_exactly_one_key():
    with pytest.raises(ValueError, match="exactly one"):
        Distribution(uniform=(1, 2), exponential=3)


def test_stream_is_poisson_over_its_places_and_seeded():
    s = Stream(kind="call", rate_per_day=5.0, over=Over(counties=["泸定县", "康定市"]))
    a = draw_stream(s, 0, 24 * 200, substream(3, "x"))
    assert len(a) == pytest.approx(1000, rel=0.1)
    assert {i.place.name for i in a} == {"泸定县", "康定市"}
    assert all(x.at_min <= y.at_min for x, y in zip(a, a[1:]))
    assert a == draw_stream(s, 0, 24 * 200, substream(3, "x"))


def test_unknown_county_is_a_file_line_error(tmp_path):
    path = _write(tmp_path, "incidents:\n  - {kind: call, rate_per_day: 1, over: {counties: [泸定]}}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert "inc.yaml:6:" in err.value.problems[0] and "泸定" in err.value.problems[0]


def test_catalogue_replay_plays_its_rows_and_names_bad_ones(tmp_path):
    (tmp_path / "cat.csv").write_text("time,place,kind,size\n2025-07-01T10:00:00+08:00,泸定县,earthquake,6.0\n"
                                      "2025-07-01T12:00:00+08:00,康定市,call,0\n", encoding="utf-8")
    model = ResponseModel(load_scenario(_write(tmp_path, "incidents:\n  - {replay: cat.csv}\n")), 1)
    assert [(i.kind, i.at_min, i.place.name) for i in model.incidents] == [
        ("earthquake", 120.0, "泸定县"), ("call", 240.0, "康定市")]
    (tmp_path / "bad.csv").write_text("time,place,kind,size\n2025-07-01T10:00:00,泸定县,quake,6\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(_write(tmp_path, "incidents:\n  - {replay: bad.csv}\n", name="bad.yaml"))
    assert "bad.csv:2:" in err.value.problems[0]


def test_repeated_incidents_at_one_place_are_sites_of_their_own(tmp_path):
    body = "incidents:\n  - {kind: call, rate_per_day: 6, over: {counties: [泸定县]}}\n"
    model = ResponseModel(load_scenario(_write(tmp_path, body)), 5)
    model.run()
    summary = summarize(model.recorder.events)
    assert len(model.incidents) > 3 and len(model.groups) == 1          # one group, one site per incident
    assert summary["sites"] == len(model.incidents)
    assert all(k.startswith(model.groups[0].place.id + "#call-0-") for k in summary["aviation.first_arrival_min"])
    assert summary["aviation.share_within_2h_by_province"].keys() == {"510000000000"}
    final = [e for e in model.recorder.events if e.kind == "final"]
    assert all(v >= 0 for e in final for k, v in e.data.items() if isinstance(v, int))


def test_the_season_is_the_same_whatever_the_plan(tmp_path):
    body = ("incidents:\n  - {kind: earthquake, rate_per_day: 0.5, over: {provinces: [四川省]},\n"
            "     size: {gutenberg_richter: {b: 1.0, min: 5.0, max: 7.0}}}\n"
            "  - {kind: flood, rate_per_day: 0.5, over: {disaster_prone: [flood], provinces: [四川省]},\n"
            "     size: {uniform: [0.5, 2]}, spread_counties: [1, 3]}\n")
    one = ResponseModel(load_scenario(_write(tmp_path, body, 720, aircraft=1, name="a.yaml")), 9)
    three = ResponseModel(load_scenario(_write(tmp_path, body, 720, aircraft=3, name="b.yaml")), 9)
    assert one.incidents == three.incidents and len(one.incidents) > 20


def test_same_seed_same_events(tmp_path):
    body = ("incidents:\n  - {kind: earthquake, rate_per_day: 1, over: {disaster_prone: [earthquake]},\n"
            "     size: {gutenberg_richter: {b: 1.0, min: 5.0, max: 7.0}}}\n"
            "  - {kind: call, rate_per_day: 4, over: {provinces: [四川省]}}\n")
    loaded = load_scenario(_write(tmp_path, body))
    runs = []
    for _ in range(2):
        model = ResponseModel(loaded, 4)
        model.run()
        runs.append(model.recorder.lines())
    assert runs[0] == runs[1] and len(runs[0]) > 100
