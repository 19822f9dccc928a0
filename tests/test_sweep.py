"""Sweeps: designs, a real LocalCluster, Parquet results, resume after kill -9, analysis."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from run_sim import main
from sim.experiments.analyze import results, sobol_indices
from sim.experiments.runner import finished_ids
from sim.experiments.sweep import design_points, load_sweep, run_sweep, sweep_tasks
from sim.scenario.yamlio import ScenarioError
from tests.conftest import LUDING, ROOT

SMALL = f"""\
sweep: small
scenario: {LUDING}
parameters:
  - {{path: "forces.aviation[2].count", values: [1, 4]}}
  - {{path: "plan.command.report_delay_min.normal", values: [10, 60]}}
seeds: 3
keep: [aviation.share_within_2h, relief.share_within_10h]
"""


def _parts(out):
    return duckdb.connect().execute(
        f"SELECT task_id FROM read_parquet('{out}/part-*.parquet') ORDER BY task_id").fetchall()


def test_grid_sweep_on_a_local_cluster_writes_one_row_per_task(write, tmp_path):
    out = run_sweep(write(SMALL, "small.yaml"), tmp_path / "res", workers=2, chunk=5)
    ids = [r[0] for r in _parts(out)]
    assert len(ids) == len(set(ids)) == 2 * 2 * 3
    rows = results(out, ["forces.aviation[2].count"], ["aviation.share_within_2h"])
    assert [r["param.forces.aviation[2].count"] for r in rows] == [1, 4]
    assert all(r["runs"] == 6 and r["failed"] == 0 for r in rows)
    one, four = (r["aviation.share_within_2h.mean"] for r in rows)
    assert four >= one            # more helicopters never reach fewer sites on the same seeds
    cols = {c[0] for c in duckdb.connect().execute(f"DESCRIBE SELECT * FROM read_parquet('{out}/part-*.parquet')")
            .fetchall()}
    assert "rescue.deaths" not in cols and "aviation.share_within_2h" in cols


def test_kill_9_mid_sweep_then_rerun_records_every_task_exactly_once(write, tmp_path):
    sweep = write(SMALL.replace("seeds: 3", "seeds: 10"), "small.yaml")
    out = tmp_path / "res"
    cmd = [sys.executable, "run_sim.py", "sweep", str(sweep), "--out", str(out), "--workers", "2", "--chunk", "4"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 180
    while not list(out.glob("part-*.parquet")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = finished_ids(out)
    assert 0 < len(before) < 40, "the sweep was not interrupted mid-way"
    (out / "part-zzz.parquet.tmp").write_bytes(b"half a file")     # what a crash mid-write leaves
    assert main(["sweep", str(sweep), "--out", str(out), "--workers", "2", "--chunk", "4"]) == 0
    ids = [r[0] for r in _parts(out)]
    assert len(ids) == len(set(ids)) == 40
    assert before <= set(ids)


def test_a_bad_override_fails_the_sweep_file_before_any_run(write, tmp_path):
    text = SMALL.replace('values: [1, 4]', 'values: [1, "many"]')
    with pytest.raises(ScenarioError) as err:
        run_sweep(write(text, "bad.yaml"), tmp_path / "res", workers=1)
    assert "bad.yaml:" in str(err.value) and "'many'" in str(err.value)
    assert not (tmp_path / "res").exists()


def test_designs_cover_their_ranges_and_sobol_needs_saltelli_points(write):
    text = """\
    sweep: s
    scenario: {scn}
    parameters:
      - {{path: "hazards[0].magnitude", range: [6.0, 7.0]}}
      - {{path: "forces.aviation[2].count", range: [1, 5], integer: true}}
    design: {{type: {kind}, samples: 8}}
    seeds: 1
    """
    for kind, n in (("random", 8), ("lhs", 8), ("sobol", 8 * (2 + 2))):
        sweep, scenario, plan = load_sweep(write(text.format(scn=LUDING, kind=kind), f"{kind}.yaml"))
        points = design_points(sweep)
        assert len(points) == n
        assert all(6.0 <= p["hazards[0].magnitude"] <= 7.0 and p["forces.aviation[2].count"] in range(1, 6)
                   for p in points)
        assert len(sweep_tasks(sweep, scenario, plan)) == n


def test_sobol_analysis_ranks_the_parameter_that_drives_the_kpi(write, tmp_path):
    text = f"""\
    sweep: sob
    scenario: {LUDING}
    parameters:
      - {{path: "hazards[0].magnitude", range: [6.0, 7.2]}}
      - {{path: "title", values: ["a", "b"]}}
    design: {{type: sobol, samples: 16}}
    seeds: 1
    """
    out = run_sweep(write(text, "sob.yaml"), tmp_path / "res", workers=2)
    from sim.experiments.analyze import read_manifest
    idx = sobol_indices(out, read_manifest(out), "rescue.deaths")
    assert idx["hazards[0].magnitude"]["ST"] > 0.5
    assert abs(idx["title"]["ST"]) < 0.1        # the title changes nothing in the model
    assert sobol_indices(out, read_manifest(out), "rescue.deaths") == idx       # the bootstrap CIs too


def test_bad_sweep_file_gets_file_line_errors(write, capsys):
    path = write(SMALL.replace("seeds: 3", "seeds: -1").replace("values: [1, 4]", "rnage: [1, 4]"), "x.yaml")
    assert main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4: parameters.0.rnage: unknown key; did you mean 'range'?" in err
    assert f"{path}:6: seeds: Input should be greater than 0" in err


@pytest.mark.parametrize("name", ["luding-helicopters.yaml", "luding-sensitivity.yaml"])
def test_shipped_sweeps_load(name):
    sweep, _, _ = load_sweep(ROOT / "scenarios" / "sweeps" / name)
    assert design_points(sweep)


def test_a_grid_point_is_compared_with_the_first_on_the_same_seeds(tmp_path):
    """Seeds that differ by hundreds hide a change of 3 in the means' intervals; paired, it is exact."""
    rows = ", ".join(f"('p{p:05d}-s{s:03d}', {s}, {x}, {100.0 * s + (0 if x == 1 else -3 - (s == 4))}::DOUBLE, '')"
                     for p, x in enumerate((1, 2)) for s in range(5))
    duckdb.connect().execute(f"COPY (SELECT * FROM (VALUES {rows}) t(task_id, seed, \"param.x\", \"k\", error)) "
                             f"TO '{tmp_path}/part-a.parquet' (FORMAT parquet)")
    first, second = results(tmp_path, ["x"], ["k"])
    assert first["k.paired"] == {"n": 5, "diff": 0.0, "ci95": [0.0, 0.0]}
    assert second["k.paired"]["diff"] == pytest.approx(-3.2)
    lo, hi = second["k.paired"]["ci95"]
    assert -4.5 < lo < -3.2 < hi < -2 and second["k.ci95"][0] < 100 < 300 < second["k.ci95"][1]
    duckdb.connect().execute(f"COPY (SELECT * FROM (VALUES {rows.replace('::DOUBLE', '+1::DOUBLE')})"
                             f" t(task_id, seed, \"param.x\", \"k\", error)) TO '{tmp_path}/part-b.parquet' "
                             "(FORMAT parquet)")       # another parameter's runs on the same seeds
    assert all("k.paired" not in r for r in results(tmp_path, ["x"], ["k"]))     # a seed repeats: no pairs
