"""Bad scenario input: each mistake a user makes gets `file:line: field: message` and exit code 2."""
from __future__ import annotations

import subprocess
import sys

import pytest

from run_sim import main
from tests.conftest import MINIMAL, ROOT

CASES = [
    # (what to change in MINIMAL, expected line, expected field, expected words in the message)
    ("scenario: tiny", "scenario: tiny\ntitel: oops", 2, "titel", "did you mean 'title'"),
    ("magnitude: 6.8", "magnitude: big", 6, "hazards.0.magnitude", "valid number"),
    ("station: 康定市", "station: 康定", 11, "forces.fire_rescue.0.station", "did you mean 康定市"),
    ("base: ZUXC", "base: ZUXX", 9, "forces.aviation.0.base", "unknown place 'ZUXX'"),
    ("type: Mi-171", "type: Mi-17", 9, "forces.aviation.0.type", "did you mean 'Mi-171'"),
    ("count: 1}\n  fire", "count: -2}\n  fire", 9, "forces.aviation.0.count", "greater than 0"),
    ("epicentre: [29.59, 102.08]", "epicentre: [102.08, 29.59]", 6, "hazards.0.epicentre", "outside the region"),
    ("duration_h: 6", "end: 2022-09-04T00:00:00+08:00", 1, "(document)", "is not after start"),
    ("provinces: [四川省]", "provinces: [成都市]", 4, "region.provinces.0", "not a province"),
    ("water_l: 1000", "water_litres: 1000", 13, "forces.depots.0.stock.water_litres", "unknown relief item"),
    ("type: earthquake", "type: meteor", 6, "hazards.0.type", "'earthquake'"),
    ("station: 康定市", "station: 鼓楼区", 11, "forces.fire_rescue.0.station", "ambiguous"),
    ("scenario: tiny\n", "", 1, "scenario", "required key is missing"),
    ("depth_km: 16", "depth_km: 300", 6, "hazards.0.depth_km", "less than or equal to 70"),
    ("level: county, place: 泸定县", "level: central, place: 泸定县", 13, "forces.depots.0.place",
     "has no central reserve depot"),
]


@pytest.mark.parametrize("old,new,line,field,words", CASES, ids=[c[3] + ":" + c[4][:12] for c in CASES])
def test_bad_input_reports_file_line_field_message(write, capsys, old, new, line, field, words):
    assert old in MINIMAL
    path = write(MINIMAL.replace(old, new, 1))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    expected = f"{path}:{line}: {field}: "
    hits = [e for e in err if e.startswith(expected)]
    assert hits, f"no line starting {expected!r} in {err}"
    assert words in hits[0]


def test_missing_plan_file_points_at_plan_key(write, capsys):
    path = write(MINIMAL + "plan: plans/nope.yaml\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:14: plan: plan file" in err and "not found" in err


def test_bad_plan_file_reports_its_own_lines(write, capsys):
    write("plan: p\nobjectives:\n  - {id: a, kpi: aviation.share_within_2h}\n", "plans/p.yaml")
    path = write(MINIMAL + "plan: plans/p.yaml\n")
    assert main(["validate", str(path)]) == 2
    assert "p.yaml:3: objectives.0: give exactly one of at_least / at_most" in capsys.readouterr().err


def test_a_bad_choice_in_a_union_field_names_the_field_not_pydantics_branches(write, capsys):
    write("plan: p\nrelief:\n  mode: {central: teleport}\n", "plans/p.yaml")
    path = write(MINIMAL + "plan: plans/p.yaml\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "p.yaml:3: relief.mode.central: Input should be" in err and "literal[" not in err and "dict[" not in err


def test_yaml_syntax_error_and_missing_file(write, capsys):
    path = write("scenario: [unclosed\n")
    assert main(["validate", str(path)]) == 2
    assert f"{path}:2: yaml:" in capsys.readouterr().err
    assert main(["validate", str(path.parent / "absent.yaml")]) == 2
    assert "absent.yaml:1: file: not found" in capsys.readouterr().err


def test_every_problem_reported_at_once(write, capsys):
    text = MINIMAL.replace("type: Mi-171", "type: Mi-17").replace("station: 康定市", "station: 康定")
    assert main(["validate", str(write(text))]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


def test_schema_and_reference_problems_reported_together_in_file_order(write, capsys):
    """A wrong type does not hide an unknown place elsewhere: one validate, every problem, by line."""
    text = (MINIMAL.replace("magnitude: 6.8", "magnitude: big").replace("station: 康定市", "station: 康定")
            .replace("type: Mi-171", "type: Mi-17"))
    path = write(text + "sites:\n  - {name: 某村, county: 泸定, lat: 29.6, lon: 102.1, population: 10}\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert [e.split(": ")[1] for e in err] == ["hazards.0.magnitude", "forces.aviation.0.type",
                                                "forces.fire_rescue.0.station", "sites.0.county"]
    assert [int(e.split(":")[1]) for e in err] == [6, 9, 11, 15]


def test_cli_prints_no_traceback(write):
    path = write(MINIMAL.replace("magnitude: 6.8", "magnitude: [1, 2]"))
    proc = subprocess.run([sys.executable, "run_sim.py", "run", str(path)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert ":6: hazards.0.magnitude:" in proc.stderr


@pytest.mark.parametrize("name", ["luding-2022.yaml", "jishishan-2023.yaml"])
def test_bundled_scenarios_validate(name, capsys):
    assert main(["validate", str(ROOT / "scenarios" / name)]) == 0
