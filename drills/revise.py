"""From the drill's improvement plan back to the plan: 预案 -> 演练 -> 评估 -> 修订.

`revise` takes the improvement items the planners accept, writes their plan changes into
`<plan>-revN.yaml` beside the original (it `extends:` the original and states only the changes),
re-tests the revision against the original with a paired `compare` on the drill's scenario (same
seeds, common random numbers), and writes the measured effect with its 95 % CI into the items:
`revision.json` in the drill folder (the AAR shows it) and the plan's improvement register.

The register (`<plan>.register.yaml` beside the plan) keeps every item across drills of that plan:
an item stays open until accepted into a revision, or closed when a later drill of the same plan no
longer finds it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from drills.evaluate import Finding
from drills.report import Branch, load_branch
from sim.scenario.overrides import apply_overrides, parse_path
from sim.scenario.schema import load_plan
from sim.scenario.yamlio import ScenarioError, safe_name


class RevisionError(ValueError):
    """An item that cannot go into a plan revision (unknown, or without a machine-readable change)."""


def plan_file(branch: Branch) -> Path:
    """The plan file the drill's scenario names."""
    loaded = branch.msel.loaded
    if not loaded.scenario.plan:
        raise RevisionError(f"{loaded.path} names no plan file to revise")
    return Path(os.path.normpath(Path(loaded.path).parent / loaded.scenario.plan))


def accepted(branch: Branch, ids: list[str]) -> list[Finding]:
    """The accepted items, each carrying a plan change."""
    items = {f.id: f for f in branch.evaluation.findings}
    out = []
    for i in ids:
        if i not in items:
            raise RevisionError(f"no improvement item {i}; items: {', '.join(items) or 'none'}")
        if not (items[i].change or items[i].plan):
            raise RevisionError(f"{i} carries no plan change (give it `change:` or `plan:` in the MSEL's "
                                f"improvements for {items[i].source or 'its objective'})")
        out.append(items[i])
    return out


def fragment(items: list[Finding], base: dict[str, Any]) -> dict[str, Any]:
    """The keys the items change, nested as a plan file writes them; a list is written whole (lists
    replace under `extends:`), taken from the base plan and patched."""
    out: dict[str, Any] = {}
    for f in items:
        for path, value in (f.change or {}).items():
            _nest(out, parse_path(path), value, base)
        out = _merged(out, f.plan or {})
    return out


def _nest(tree: dict[str, Any], parts: list[str | int], value: Any, base: Any) -> None:
    node, source = tree, base
    for n, key in enumerate(parts[:-1]):
        source = source[key] if isinstance(source, (dict, list)) and _has(source, key) else {}
        if isinstance(parts[n + 1], int):
            node[key] = node.get(key) or json.loads(json.dumps(source))
            node = node[key]
            for inner in parts[n + 1:-1]:
                node = node[inner]
            node[parts[-1]] = value
            return
        node = node.setdefault(key, {})
    node[parts[-1]] = value


def _has(node: Any, key: str | int) -> bool:
    return key in node if isinstance(node, dict) else isinstance(key, int) and key < len(node)


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def write_revision(branch: Branch, items: list[Finding], folder: Path | None = None) -> Path:
    """`<plan>-revN.yaml` (the next free N) extending the original plan with the items' changes; it is
    checked by the plan loader, and every change first by the override checks (file:line errors)."""
    original = plan_file(branch)
    base = branch.msel.loaded.plan
    for f in items:
        apply_overrides(branch.msel.loaded, {k if k.split(".")[0] == "plan" else f"plan.{k}": v
                                             for k, v in (f.change or {}).items()})
    folder = folder or original.parent
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while (folder / f"{base.plan}-rev{n}.yaml").exists():
        n += 1
    path = folder / f"{base.plan}-rev{n}.yaml"
    body = {"extends": _relative(original, folder), "plan": f"{base.plan}-rev{n}",
            **fragment(items, base.model_dump(mode="json", by_alias=True))}
    head = (f"# Revision {n} of {base.plan} after drill {branch.msel.msel.drill} "
            f"({branch.evaluation.start_date.isoformat()}): improvement items {', '.join(f.id for f in items)}.\n"
            + "".join(f"# {f.id}: {_one_line(f.recommendation)}\n" for f in items)
            + "# Written by `run_sim.py revise`; the measured effect is in the plan's improvement register.\n")
    path.write_text(head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        load_plan(path)
    except ScenarioError:
        path.unlink()
        raise
    return path


def _relative(target: Path, folder: Path) -> str:
    return os.path.relpath(target.resolve(), folder.resolve())


def _one_line(text: str) -> str:
    return " ".join(text.split())


def measure(branch: Branch, revision: Path, runs: int, seed: int, workers: int | None = None,
            scheduler: str | None = None) -> dict[str, Any]:
    """The revision against the original on the drill's scenario: paired runs on common seeds."""
    from sim.experiments.montecarlo import compare
    report = compare(branch.msel.loaded, [str(plan_file(branch)), str(revision)], runs, seed, workers, scheduler)
    return {"runs": runs, "seed": seed, "objectives": [
        {"id": o["id"], "kpi": o["kpi"], "target": o["target"], "diff": o["b_minus_a"]["diff"],
         "ci95": o["b_minus_a"]["ci95"], "n": o["b_minus_a"]["n"], "verdict": o["verdict"],
         "A_share_met": o["A_share_met"], "B_share_met": o["B_share_met"]} for o in report["objectives"]]}


def record(branch: Branch, items: list[Finding], revision: Path, measured: dict[str, Any]) -> Path:
    """revision.json in the drill folder: what the AAR's improvement plan shows for accepted items."""
    out = branch.folder / "revision.json"
    data = {"file": revision.name, "path": str(revision), "accepted": [f.id for f in items],
            "runs": measured["runs"], "seed": measured["seed"], "effect": measured["objectives"],
            "items": {f.id: {"source": f.source} for f in items}}
    out.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out


# -- the improvement register ------------------------------------------------------------------------
def register_path(branch: Branch, folder: Path | None = None) -> Path:
    original = plan_file(branch)
    return (folder or original.parent) / f"{safe_name(branch.msel.loaded.plan.plan)}.register.yaml"


def update_register(branch: Branch, path: Path, revision: Path | None = None,
                    measured: dict[str, Any] | None = None, accepted_ids: tuple[str, ...] = ()) -> list[dict]:
    """Add this drill's items (open), mark accepted ones with their revision and effect, and close
    earlier drills' open items whose finding this drill no longer shows."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    items: list[dict[str, Any]] = (data or {}).get("items", [])
    drill = f"{branch.msel.msel.drill} {branch.evaluation.start_date.isoformat()} ({branch.folder.name})"
    sources = {f.source for f in branch.evaluation.findings if f.source}
    for item in items:
        if item["drill"] != drill and item["status"] == "open" and item.get("source") and item["source"] not in sources:
            item.update(status="closed", closed=f"not found again in {drill}")
    known = {(i["drill"], i["item"]): i for i in items}
    for f in branch.evaluation.findings:
        entry = known.get((drill, f.id))
        if entry is None:
            entry = _entry(f, drill)
            items.append(entry)
        if f.id in accepted_ids and revision is not None:
            entry.update(status="accepted", revision=revision.name,
                         effect=[{k: o[k] for k in ("id", "diff", "ci95", "n", "verdict")}
                                 for o in measured["objectives"]], runs=measured["runs"], seed=measured["seed"])
    head = (f"# Improvement register of plan {branch.msel.loaded.plan.plan}: every item of every drill on it, open "
            "until accepted into a revision or no longer found.\n# Kept by `run_sim.py revise`.\n")
    path.write_text(head + yaml.safe_dump({"plan": branch.msel.loaded.plan.plan, "items": items},
                                          allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
    return items


def _entry(f: Finding, drill: str) -> dict[str, Any]:
    entry = {"drill": drill, "item": f.id, "source": f.source, "issue": f.issue, "action": _one_line(f.recommendation),
             "owner": f.owner, "element": f.element, "grade": f.grade, "due": f.due.isoformat(), "status": "open"}
    if f.change:
        entry["change"] = f.change
    if f.plan:
        entry["plan"] = f.plan
    return entry


def revise(folder: Path, accept: list[str], runs: int, seed: int, workers: int | None = None,
           scheduler: str | None = None, plans: Path | None = None) -> dict[str, Any]:
    """The whole loop for one drill folder; without `accept`, only the register is brought up to date."""
    branch = load_branch(folder)
    items = accepted(branch, accept)
    register = register_path(branch, plans)
    if not items:
        return {"register": register, "items": update_register(branch, register)}
    revision = write_revision(branch, items, plans)
    measured = measure(branch, revision, runs, seed, workers, scheduler)
    record(branch, items, revision, measured)
    return {"register": register, "revision": revision, "measured": measured,
            "items": update_register(branch, register, revision, measured, tuple(accept))}
