"""Base siting: the MILPs give the brute-force optimum, and the `site` command reports before/after."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from run_sim import main
from sim.scenario.catalogue import load_catalogue
from sim.studies.reach import Base
from sim.studies.siting import Coverage, lscp, mclp
from sim.world.geo import Airport

CAT = load_catalogue()


def instance(seed: int, airports: int = 6, types: tuple[str, ...] = ("H125", "AW139"), sites: int = 25) -> Coverage:
    """A random small instance: each (airport, type) covers a random set of sites."""
    rng = np.random.default_rng(seed)
    cands = [Base(f"{t}@A{a}", t, CAT.aircraft[t], Airport(f"A{a}", f"A{a}", 30.0, 100.0, 0.0), 20.0, False)
             for a in range(airports) for t in types]
    return Coverage(cands, rng.random((sites, len(cands))) < 0.25, rng.random(sites) < 0.2,
                    rng.integers(1_000, 100_000, sites).astype(float))


def feasible_sets(cov: Coverage, k: int):
    """Every choice of at most k candidates with at most one type per airport."""
    for n in range(k + 1):
        for combo in itertools.combinations(range(len(cov.candidates)), n):
            if len({cov.candidates[j].airport.icao for j in combo}) == n:
                yield combo


def covered_weight(cov: Coverage, combo) -> float:
    return cov.weight[cov.existing | cov.covers[:, list(combo)].any(axis=1)].sum()


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_mclp_optimum_equals_brute_force(seed, k):
    cov = instance(seed)
    best = max(covered_weight(cov, c) for c in feasible_sets(cov, k))
    sol = mclp(cov, k)
    assert cov.weight[sol.covered].sum() == pytest.approx(best)
    assert len(sol.chosen) <= k
    assert len({cov.candidates[j].airport.icao for j in sol.chosen}) == len(sol.chosen)


@pytest.mark.parametrize("seed", range(5))
def test_mclp_never_proposes_a_base_that_adds_nothing(seed):
    cov = instance(seed)
    sol = mclp(cov, len(cov.candidates))
    for j in sol.chosen:
        others = [i for i in sol.chosen if i != j]
        assert covered_weight(cov, others) < cov.weight[sol.covered].sum()


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("share", [0.6, 0.8, 0.9])
def test_lscp_uses_the_fewest_bases_brute_force_finds(seed, share):
    cov = instance(seed)
    need = share * cov.weight.sum()
    sizes = [len(c) for c in feasible_sets(cov, 6) if covered_weight(cov, c) >= need - 1e-6]
    sol = lscp(cov, share)
    if not sizes:
        assert sol is None
    else:
        assert len(sol.chosen) == min(sizes)
        assert cov.weight[sol.covered].sum() >= need - 1e-6


def test_site_command_adds_bases_and_coverage_never_drops(capsys):
    assert main(["site", "scenarios/national-aviation.yaml", "--add", "5", "--within", "60", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0 < len(out["added"]) <= 5
    assert out["after"]["population_share"] > out["before"]["population_share"]
    assert all(a["population_covered"] > 0 for a in out["added"])
    assert "Optimal" in out["solver"]["status"]


def test_site_cover_reports_when_the_target_cannot_be_met(capsys):
    assert main(["site", "scenarios/national-aviation.yaml", "--cover", "1.0", "--within", "30", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["added"] is None and out["max_population_share"] < 1.0


def test_site_rejects_an_unknown_aircraft_type(capsys):
    assert main(["site", "scenarios/national-aviation.yaml", "--add", "1", "--types", "Mi-17"]) == 2
    assert "unknown aircraft type(s) Mi-17" in capsys.readouterr().err


def test_site_chooses_among_candidate_points_from_a_csv(tmp_path, capsys):
    csv = tmp_path / "candidates.csv"
    csv.write_text("name,lat,lon,type,count\n泸定临时起降点,29.91,102.23,Mi-171,1\n远处,34.0,98.0,H125,1\n",
                   encoding="utf-8")
    assert main(["site", "scenarios/luding-2022.yaml", "--add", "1", "--within", "45", "--candidates", str(csv),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["candidates"] == 2 and [a["name"] for a in out["added"]] == ["泸定临时起降点"]
    csv.write_text("name,lat,lon,type,count\nbad,99,102.23,Mi-171,1\n", encoding="utf-8")
    assert main(["site", "scenarios/luding-2022.yaml", "--add", "1", "--candidates", str(csv)]) == 2
    assert f"{csv}:2: lat:" in capsys.readouterr().err
