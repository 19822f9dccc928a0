"""Dotted-path overrides of a scenario or its plan: `hazards[0].magnitude`, `command.structure`.

A path starting with a scenario key changes the scenario, one starting with a plan key (or with
`plan.`) changes the plan; the result is validated again, references included, so a bad override
fails like a bad file (a sweep checks every override this way before any task runs).
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from sim.scenario.schema import LoadedScenario, Plan, Scenario, check_references
from sim.scenario.yamlio import ScenarioError, non_finite

PART = re.compile(r"([A-Za-z_][\w]*)((?:\[\d+\])*)")


def parse_path(path: str) -> list[str | int]:
    """'forces.aviation[0].count' -> ['forces', 'aviation', 0, 'count']."""
    out: list[str | int] = []
    for piece in path.split("."):
        m = PART.fullmatch(piece)
        if not m:
            raise ScenarioError([f"override {path}: '{piece}' is not a key or key[index]"])
        out.append(m.group(1))
        out.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    return out


def apply_overrides(loaded: LoadedScenario, overrides: dict[str, Any]) -> LoadedScenario:
    """A copy of the scenario and plan with each dotted path set to its value, re-validated."""
    scenario = loaded.scenario.model_dump(mode="json", by_alias=True)
    plan = loaded.plan.model_dump(mode="json", by_alias=True)
    for path, value in overrides.items():
        parts = parse_path(path)
        if parts[0] == "plan" and len(parts) > 1:
            _set(plan, parts[1:], value, path)
        elif parts[0] in Scenario.model_fields:
            _set(scenario, parts, value, path)
        elif parts[0] in Plan.model_fields:
            _set(plan, parts, value, path)
        else:
            raise ScenarioError([f"override {path}: '{parts[0]}' is neither a scenario nor a plan key"])
    try:
        new_scenario, new_plan = Scenario.model_validate(scenario), Plan.model_validate(plan)
    except ValidationError as exc:
        raise ScenarioError([f"override: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]) from None
    found = check_references(new_scenario) + [(loc, "must be a finite number")
                                               for loc in non_finite(new_scenario) + non_finite(new_plan)]
    if found:
        raise ScenarioError([f"override: {'.'.join(map(str, loc))}: {msg}" for loc, msg in found])
    return loaded.model_copy(update={"scenario": new_scenario, "plan": new_plan})


def _set(tree: Any, parts: list[str | int], value: Any, path: str) -> None:
    node = tree
    for key in parts[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            raise ScenarioError([f"override {path}: no '{key}' at this point of the scenario"]) from None
    last = parts[-1]
    if isinstance(node, list) and not (isinstance(last, int) and last < len(node)):
        raise ScenarioError([f"override {path}: index {last} out of range"])
    if not isinstance(node, (dict, list)) or (isinstance(node, dict) and not isinstance(last, str)):
        raise ScenarioError([f"override {path}: no '{last}' at this point of the scenario"])
    node[last] = value
