#!/usr/bin/env python3
"""Regenerate every sample output, table and picture the README shows, from fixed seeds.

A README block between `<!-- make:NAME -->` and `<!-- /make -->` is the standard output of the
commands of step NAME below, run exactly as the README writes them (so the README cannot show what
the code no longer prints); prose around the markers is never touched. `tests/test_readme.py`
reruns the cheap text blocks in a temporary folder and compares them with the README, timing
figures masked.

    .venv/bin/python docs/make.py              # cheap blocks and the pictures in docs/ (about a minute)
    .venv/bin/python docs/make.py --all        # also stress/compare (200 runs) and the sweeps
    .venv/bin/python docs/make.py --check      # the drift test: rerun the cheap blocks, print diffs
    .venv/bin/python docs/make.py --only hazards --only view-luding
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PY = ".venv/bin/python"
SIM = f"{PY} run_sim.py"
COLUMNS = "120"                        # the width every block is printed at (rich wraps tables to it)
TIMING = re.compile(r"\b\d+(?:\.\d+)? ?(?:ms|s|runs/s)\b")    # wall time: differs run to run, never compared
MARKED = r"(<!-- make:{name} -->\n)(.*?)(<!-- /make -->)"


@dataclass(frozen=True)
class Step:
    """Commands as the README writes them; the last one's output (or `table`'s) fills block `name`."""
    name: str
    commands: tuple[str, ...]
    block: bool = True                                 # False: a picture or a prerequisite, no README text
    cheap: bool = True                                 # cheap text blocks are rerun by the drift test
    fresh: tuple[str, ...] = ()                        # folders removed first (a sweep would resume)
    copy: tuple[tuple[str, str], ...] = ()             # files copied afterwards (a sweep's plot into docs/)
    table: Callable[[Path], str] | None = None         # the block made from run folders, not from stdout


def hazard_table(cwd: Path) -> str:
    """One line per all-hazard scenario, read from the summary.json of its seed-7 run."""
    rows = [f"{'scenario':<20}{'warning.coverage':<18}{'deaths':<8}{'level (min)':<14}evacuated"]
    for folder in ("zhengzhou", "mangkhut", "fire"):
        s = json.loads((cwd / "runs" / folder / "summary.json").read_text(encoding="utf-8"))
        met = next((o["pass"] for o in s["objectives"] if o["kpi"] == "warning.coverage"), None)
        verdict = {True: "pass", False: "FAIL", None: ""}[met]
        level = f"{s['command.level']} ({s['command.time_to_level_min']:.0f})" if s["command.level"] else "none"
        rows.append(f"{s['scenario']:<20}{s['warning.coverage']:.2f} {verdict:<13}{s['rescue.deaths']:<8}"
                    f"{level:<14}{s['warning.evacuated']:,}")
    return "\n".join(rows)


def _replay(folder: str, png: str, at: str) -> str:
    return f"{SIM} replay runs/{folder} --screenshot docs/{png} --at {at}"


HELI, SENS = "runs/sweeps/luding-helicopters", "runs/sweeps/luding-sensitivity"
LIVES, TRUCKS = "runs/sweeps/luding-helicopter-lives", "runs/sweeps/luding-trucks"
RECON = "'forces.aviation=[{type: Y-12, base: ZUUU, count: 1}]'"
AIRBRIDGE = ("--set 'plan.relief.mode={central: air, provincial: air}' "
             "--set 'plan.relief.air.airports=[ZUUU, ZUKD, ZUXC]'")
STEPS = (
    Step("run-luding", (f"{SIM} run scenarios/luding-2022.yaml --seed 7 --out runs/luding",)),
    Step("hazards", tuple(f"{SIM} run scenarios/{s}.yaml --seed 7 --out runs/{d}" for s, d in
                          (("zhengzhou-2021", "zhengzhou"), ("mangkhut-2018", "mangkhut"),
                           ("daxinganling-fire", "fire"))), table=hazard_table),
    Step("history", (f"{SIM} history --runs 10",)),
    Step("calibrate", (f"{SIM} calibrate",)),
    Step("reach-national", (f"{SIM} reach scenarios/national-aviation.yaml --rows 5 --map docs/reach.png",)),
    Step("site-60", (f"{SIM} site scenarios/national-aviation.yaml --add 10 --within 60 --map docs/site-60min.png",)),
    Step("view-luding", (_replay("luding", "view.png", "140"), _replay("luding", "view-outlines.png", "02:20")),
         block=False),
    Step("view-hazards", (_replay("mangkhut", "view-mangkhut.png", "540"), _replay("fire", "view-fire.png", "900")),
         block=False),
    Step("stress-luding", (f"{SIM} stress scenarios/luding-2022.yaml --runs 200 --seed 1",), cheap=False),
    Step("compare-luding", (f"{SIM} compare scenarios/luding-2022.yaml --plan scenarios/plans/sichuan-earthquake.yaml "
                            "--plan scenarios/plans/sichuan-earthquake-flat.yaml --runs 200",), cheap=False),
    Step("sweep-helicopters", (f"{SIM} sweep scenarios/sweeps/luding-helicopters.yaml", f"{SIM} analyze {HELI}"),
         cheap=False, fresh=(HELI,), copy=((f"{HELI}/by-forces.aviation_2_.count.png", "docs/sweep-helicopters.png"),)),
    Step("sobol", (f"{SIM} sweep scenarios/sweeps/luding-sensitivity.yaml", f"{SIM} analyze {SENS}"), cheap=False,
         fresh=(SENS,), copy=((f"{SENS}/sobol-aviation.share_within_2h.png", "docs/sobol-reach.png"),)),
    Step("effect-helicopters", (f"{SIM} effect scenarios/luding-2022.yaml --set {RECON} --runs 30",), cheap=False),
    Step("effect-airbridge", (f"{SIM} effect scenarios/luding-2022.yaml {AIRBRIDGE} --runs 20",), cheap=False),
    Step("effect-weather", (f"{SIM} effect scenarios/ludian-2014.yaml --set 'weather_holds=[]' --runs 20",),
         cheap=False),
    Step("effect-flight-plan", (f"{SIM} effect scenarios/luding-2022.yaml --set plan.dispatch.flight_plan_min=60 "
                                "--runs 20",), cheap=False),
    Step("sweep-lives", (f"{SIM} sweep scenarios/sweeps/luding-helicopter-lives.yaml",
                         f"{SIM} analyze {LIVES} --kpi rescue.deaths --kpi rescue.critical_deaths"),
         cheap=False, fresh=(LIVES,),
         copy=((f"{LIVES}/by-forces.aviation_0_.count.png", "docs/sweep-helicopter-lives.png"),)),
    Step("sweep-trucks", (f"{SIM} sweep scenarios/sweeps/luding-trucks.yaml",
                          f"{SIM} analyze {TRUCKS} --kpi relief.share_within_10h --kpi relief.days_short"),
         cheap=False, fresh=(TRUCKS,), copy=((f"{TRUCKS}/by-plan.relief.fleet_scale.png", "docs/sweep-trucks.png"),)),
    Step("duckdb", (f"{PY} -c \"import duckdb; duckdb.sql(\\\"SELECT COLUMNS('param.*'), "
                    f"round(avg(COLUMNS('aviation.share_within_2h')), 3), count(*) AS runs FROM '{HELI}/*.parquet' "
                    "GROUP BY ALL ORDER BY ALL\\\").show()\"",), cheap=False),
)


def run(command: str, cwd: Path) -> str:
    """Standard output of one README command, run as written (with this interpreter for `.venv/bin/python`)."""
    words = shlex.split(command)
    if words[0] != PY:
        raise ValueError(f"{command}: README commands start with {PY}")
    words[0] = sys.executable
    if words[1] == "run_sim.py":
        words[1] = str(ROOT / "run_sim.py")
    env = {**os.environ, "COLUMNS": COLUMNS, "NO_COLOR": "1", "MPLBACKEND": "Agg", "SDL_VIDEODRIVER": "dummy",
           "SDL_AUDIODRIVER": "dummy"}
    done = subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"`{command}` exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def output(step: Step, cwd: Path) -> str:
    """Run a step's commands in `cwd`; the text of its README block (a fenced code block)."""
    for folder in step.fresh:
        shutil.rmtree(cwd / folder, ignore_errors=True)
    for command in step.commands:
        text = run(command, cwd)
    for src, dst in step.copy:
        shutil.copyfile(cwd / src, cwd / dst)
    if step.table is not None:
        text = step.table(cwd)
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return "```\n" + "\n".join(lines) + "\n```\n"


def blocks(readme: str) -> dict[str, str]:
    """Every generated block of the README by name."""
    return {m.group(1): m.group(2) for m in re.finditer(r"<!-- make:([\w-]+) -->\n(.*?)<!-- /make -->", readme, re.S)}


def replace_block(readme: str, name: str, body: str) -> str:
    """The README with block `name` rewritten (a missing marker is an error: the prose decides where)."""
    pattern = re.compile(MARKED.format(name=re.escape(name)), re.S)
    if not pattern.search(readme):
        raise KeyError(f"README.md has no <!-- make:{name} --> ... <!-- /make --> block")
    return pattern.sub(lambda m: m.group(1) + body + m.group(3), readme, count=1)


def masked(text: str) -> list[str]:
    """Lines as compared by the drift test: timings masked, centring (which depends on them) ignored."""
    return [TIMING.sub("…", line).strip() for line in text.strip().splitlines()]


def sandbox() -> Path:
    """A temporary working folder that sees the bundled scenarios and starts with no runs/ or docs/."""
    cwd = Path(tempfile.mkdtemp(prefix="readme-"))
    (cwd / "scenarios").symlink_to(ROOT / "scenarios")
    (cwd / "docs").mkdir()
    return cwd


def drift(names: list[str] | None = None) -> dict[str, str]:
    """Rerun the cheap text blocks in a sandbox; a unified diff per block that differs from the README."""
    shown = blocks(README.read_text(encoding="utf-8"))
    cwd, diffs = sandbox(), {}
    try:
        for step in STEPS:
            if not (step.cheap and step.block) or (names and step.name not in names):
                continue
            old, new = masked(shown.get(step.name, "")), masked(output(step, cwd))
            if old != new:
                diffs[step.name] = "\n".join(difflib.unified_diff(old, new, "README.md", "now", lineterm=""))
    finally:
        shutil.rmtree(cwd, ignore_errors=True)
    return diffs


def make(steps: list[Step]) -> None:
    """Run the steps in the repository and write their blocks into README.md as each finishes."""
    for step in steps:
        t0 = time.perf_counter()
        body = output(step, ROOT)
        if step.block:
            README.write_text(replace_block(README.read_text(encoding="utf-8"), step.name, body), encoding="utf-8")
        print(f"{step.name}: {time.perf_counter() - t0:.1f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="regenerate the README's sample outputs and docs/ pictures")
    p.add_argument("--all", action="store_true", help="also the expensive blocks (stress, compare, sweeps)")
    p.add_argument("--only", action="append", choices=[s.name for s in STEPS], help="just these steps")
    p.add_argument("--check", action="store_true", help="rerun the cheap blocks in a temp folder and diff")
    args = p.parse_args(argv)
    if args.check:
        diffs = drift(args.only)
        for diff in diffs.values():
            print(diff)
        return 1 if diffs else 0
    make([s for s in STEPS if (s.name in args.only if args.only else args.all or s.cheap)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
