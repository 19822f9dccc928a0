"""Parameter sweeps: a sweep file -> design points x seeds -> tasks on the shared runner -> Parquet.

Designs: grid (every combination of `values`), random, Latin hypercube (scipy.stats.qmc) and Sobol
(Saltelli sampling via SALib, for first-order and total sensitivity indices). Seeds are the same at
every point (common random numbers), so differences between points are the parameters' doing.
"""
from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from sim.experiments.runner import Row, Task, run_tasks
from sim.scenario.overrides import apply_overrides, parse_path
from sim.scenario.schema import LoadedScenario, Strict, load_scenario, with_plan
from sim.scenario.yamlio import ScenarioError, YamlDoc, safe_name

MAX_TASKS = 1_000_000        # runs in one sweep (a day of a 16-core machine at ~10 runs/s per core)
MAX_SEED = 2**32 - 1


class Parameter(Strict):
    path: str
    label: str | None = Field(None, max_length=80)      # axis and table name in plots (None: the path)
    values: list[Any] | None = Field(None, max_length=10_000)
    range: tuple[float, float] | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _one_domain(self) -> Parameter:
        if (self.values is None) == (self.range is None):
            raise ValueError("give exactly one of values: [...] or range: [low, high]")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError("range low must be <= high")
        if self.values is not None and not self.values:
            raise ValueError("values must not be empty")
        try:
            parse_path(self.path)
        except ScenarioError as exc:
            raise ValueError(exc.problems[0]) from None
        return self

    def extremes(self) -> list[Any]:
        """Every value, or both ends of the range: what must be valid for every point to be."""
        if self.values is not None:
            return self.values
        return [int(round(v)) if self.integer else v for v in self.range]


class Design(Strict):
    type: Literal["grid", "random", "lhs", "sobol"] = "grid"
    samples: int = Field(16, gt=0, le=65_536)


class SweepFile(Strict):
    sweep: str
    scenario: str
    plan: str | None = None
    parameters: list[Parameter] = Field(min_length=1)
    design: Design = Design()
    seeds: int = Field(5, gt=0, le=10_000)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    keep: list[str] = []

    @model_validator(mode="after")
    def _grid_needs_values(self) -> SweepFile:
        if self.design.type == "grid" and any(p.values is None for p in self.parameters):
            raise ValueError("a grid design needs `values` for every parameter (ranges are for random/lhs/sobol)")
        if self.seed + self.seeds - 1 > MAX_SEED:
            raise ValueError(f"seed + seeds - 1 must be at most {MAX_SEED}")
        runs = point_count(self) * self.seeds
        if runs > MAX_TASKS:
            raise ValueError(f"{runs:,} runs (points x seeds); the limit is {MAX_TASKS:,}")
        return self


def point_count(sweep: SweepFile) -> int:
    """Design points, counted without making them (a grid of 10 parameters x 100 values is never built)."""
    d = sweep.design
    if d.type == "grid":
        return math.prod(len(p.values or ()) for p in sweep.parameters)
    return d.samples * (len(sweep.parameters) + 2) if d.type == "sobol" else d.samples


def load_sweep(path: str | Path) -> tuple[SweepFile, Path, Path | None]:
    """The checked sweep file with its scenario and plan resolved, validated, and every parameter's
    values applied to them once, so that no task can fail on a bad override."""
    path = Path(path)
    doc = YamlDoc(path)
    sweep = doc.validate(SweepFile)
    scenario = path.parent / sweep.scenario
    plan = path.parent / sweep.plan if sweep.plan else None
    problems = []
    if not scenario.is_file():
        problems.append(doc.problem(("scenario",), f"scenario file {scenario} not found"))
    if plan is not None and not plan.is_file():
        problems.append(doc.problem(("plan",), f"plan file {plan} not found"))
    if problems:
        raise ScenarioError(problems)
    loaded = load_scenario(scenario)
    if plan is not None:
        loaded = with_plan(loaded, plan)
    problems = [doc.problem(("parameters", i, "path"), f"{p.path} = {value!r}: {msg}")
                for i, p in enumerate(sweep.parameters) for value in p.extremes()
                for msg in _override_problems(loaded, p.path, value)]
    if problems:
        raise ScenarioError(problems)
    return sweep, scenario, plan


def _override_problems(loaded: LoadedScenario, path: str, value: Any) -> list[str]:
    try:
        apply_overrides(loaded, {path: value})
    except ScenarioError as exc:
        return [p.removeprefix(f"override {path}: ").removeprefix("override: ") for p in exc.problems]
    return []


def design_points(sweep: SweepFile) -> list[dict[str, Any]]:
    """Parameter values at every design point, in a fixed order."""
    params, d = sweep.parameters, sweep.design
    if d.type == "grid":
        return [dict(zip([p.path for p in params], combo)) for combo in itertools.product(*[p.values for p in params])]
    unit = _unit_samples(len(params), d, sweep.seed)
    return [{p.path: _scale(p, u) for p, u in zip(params, row)} for row in unit]


def _unit_samples(k: int, d: Design, seed: int) -> np.ndarray:
    """Points in the unit cube: random, Latin hypercube, or Saltelli's scheme for Sobol indices."""
    if d.type == "random":
        return np.random.default_rng(seed).random((d.samples, k))
    if d.type == "lhs":
        from scipy.stats import qmc
        return qmc.LatinHypercube(d=k, seed=seed).random(d.samples)
    from SALib.sample import sobol
    return sobol.sample(sobol_problem(k), d.samples, calc_second_order=False, seed=seed)


def sobol_problem(k: int) -> dict[str, Any]:
    return {"num_vars": k, "names": [f"x{i}" for i in range(k)], "bounds": [[0.0, 1.0]] * k}


def _scale(p: Parameter, u: float) -> Any:
    if p.values is not None:
        return p.values[min(int(u * len(p.values)), len(p.values) - 1)]
    value = p.range[0] + u * (p.range[1] - p.range[0])
    return int(round(value)) if p.integer else float(value)


def sweep_tasks(sweep: SweepFile, scenario: Path, plan: Path | None) -> list[Task]:
    """Every (point, seed) pair as a task; a parameter whose values mix numbers and text becomes text,
    so each Parquet column has one type in every chunk."""
    points = design_points(sweep)
    for p in sweep.parameters:
        values = [pt[p.path] for pt in points]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values) and \
                not all(isinstance(v, str) for v in values):
            for pt in points:
                pt[p.path] = str(pt[p.path])
    return [Task(f"p{i:05d}-s{j:03d}", str(scenario), sweep.seed + j, str(plan) if plan else None,
                 tuple(point.items()))
            for i, point in enumerate(points) for j in range(sweep.seeds)]


def run_sweep(path: str | Path, out: Path | None = None, workers: int | None = None,
              scheduler: str | None = None, chunk: int = 50, security: Any = None) -> Path:
    """Run (or resume) a sweep; returns the results folder."""
    sweep, scenario, plan = load_sweep(path)
    out = out or Path("runs") / "sweeps" / safe_name(sweep.sweep)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"sweep": sweep.sweep, "design": sweep.design.model_dump(), "seeds": sweep.seeds,
                "parameters": [p.model_dump() for p in sweep.parameters], "keep": sweep.keep,
                "points": len(design_points(sweep))}
    (out / "sweep.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    run_tasks(sweep_tasks(sweep, scenario, plan), workers, scheduler, out=out, chunk=chunk,
              label=f"sweep {sweep.sweep}", keep=_keeper(sweep.keep), security=security)
    return out


def _keeper(keep: list[str]):
    """Row filter keeping the named KPIs (all when the list is empty) and the bookkeeping columns."""
    if not keep:
        return None
    wanted = set(keep)

    def filt(row: Row) -> Row:
        return {k: v for k, v in row.items()
                if k in wanted or k.startswith("param.") or k in ("task_id", "seed", "plan_file", "error", "wall_s")}
    return filt
