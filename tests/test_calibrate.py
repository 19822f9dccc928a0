"""`calibrate` (sim/experiments/calibrate.py): the exposure it fits on is the one behind the model's own
deaths, a fit recovers known parameters, and leave-one-out predicts each quake from the others."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from sim.experiments.calibrate import LEVELS, Quake, expected_deaths, exposure, fit, leave_one_out, quakes, stated_error
from sim.hazards.earthquake import PAGER_BETA, PAGER_THETA, Earthquake, _blend
from sim.model import ResponseModel
from sim.scenario.schema import load_scenario
from tests.conftest import LUDING, ROOT


def test_exposure_gives_the_expected_deaths_the_model_draws_from():
    model = ResponseModel(load_scenario(LUDING), 0)
    w, floor = model.world, model.spec.min_intensity
    quake = next(h for h in model.spec.hazards if isinstance(h, Earthquake))
    rates, at = quake.county_exposure(w, floor), quake.field(w.cand_lat, w.cand_lon, floor)
    drawn = sum(p.population * _blend(p, v, rates.get(i)) for i, (p, v) in enumerate(zip(w.candidates, at))
                if v >= floor and p.population > 0)
    e = exposure(quake, w, floor)
    assert expected_deaths(e, PAGER_THETA, PAGER_BETA) == pytest.approx(drawn, rel=1e-9)
    assert e[9] > 7_000 and e[:6].sum() == 0          # Moxi's people at IX; nobody below the floor


def test_a_fit_recovers_the_parameters_that_made_the_tolls():
    rng = np.random.default_rng(5)
    sample = [Quake(f"q{k}", 0.0, rng.uniform(0, 1, len(LEVELS)) * 10 ** rng.uniform(3, 5, len(LEVELS)))
              for k in range(6)]
    sample = [Quake(q.name, expected_deaths(q.exposure, 12.5, 0.16), q.exposure) for q in sample]
    theta, beta = fit(sample)
    assert theta == pytest.approx(12.5, rel=0.01) and beta == pytest.approx(0.16, rel=0.02)


def test_leave_one_out_predicts_each_quake_from_the_others():
    sample = quakes(sorted((ROOT / "scenarios").glob("*-20[0-9][0-9].yaml")))
    assert {q.name for q in sample} == {"luding-2022", "jishishan-2023", "lushan-2013", "ludian-2014",
                                        "jiuzhaigou-2017", "yushu-2010"}
    report = leave_one_out(sample)
    luding = next(r for r in report["rows"] if r["quake"] == "luding-2022")
    assert luding["published_log10"] > 0.5                       # PAGER's published rate: Luding x8
    assert all(r["loo_theta"] != pytest.approx(report["theta"]) for r in report["rows"])     # refitted each time
    mapped = quakes(sorted((ROOT / "scenarios").glob("*-20[0-9][0-9].yaml")), over_map=True)
    assert {q.name for q in mapped} == {"luding-2022", "jishishan-2023", "jiuzhaigou-2017", "ludian-2014"}


def test_the_published_errors_are_within_the_error_pager_states_for_china():
    """The bundled quakes' errors, set against PAGER's own G: neither too large (chi-square) nor one-sided
    (bias); and the check itself flags errors three times G or all of one sign."""
    sample = quakes(sorted((ROOT / "scenarios").glob("*-20[0-9][0-9].yaml")))
    check = stated_error([r["published_log10"] for r in leave_one_out(sample)["rows"]])
    assert check["n"] == 6 and check["chi2_p"] > 0.05 and check["bias_p"] > 0.05
    assert check["expected_median"] == pytest.approx(0.59, abs=0.005)
    assert stated_error([2.6, -2.6, 2.6, -2.6, 2.6, -2.6])["chi2_p"] < 0.001       # |z| ~ 3
    assert stated_error([0.9] * 6)["bias_p"] < 0.02      # every quake over by x8: just detectable, G is wide


def test_calibrate_command_prints_the_table_and_refuses_too_few_quakes():
    out = subprocess.run([sys.executable, "run_sim.py", "calibrate"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert "leave-one-out" in out.stdout and "fitted over the official maps" in out.stdout
    assert "stated error for China" in out.stdout
    one = subprocess.run([sys.executable, "run_sim.py", "calibrate", str(LUDING)], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert one.returncode == 2 and "needs 3" in one.stderr
