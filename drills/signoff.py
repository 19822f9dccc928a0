"""The evaluators' word on a drill: observations, and the lead evaluator's signed ratings.

Evaluators note observations during play (the drill room's evaluator desk logs them in drill.jsonl)
or afterwards in a sign-off file; the lead evaluator signs a rating per objective there. The AAR
reports the signed rating beside the proposed (computed) one, and a signed rating that differs
from the proposed one must say why. The file is checked like every input: `file:line: field: message`.

```yaml
# runs/drill-luding/signoff.yaml
lead: 王芳 (评估组组长 lead evaluator)
observations:
  - {objective: aviation-2h, task: T2, by: evaluator, text: The room never asked where the Mi-171s were based}
ratings:
  - {objective: level-II-60, rating: S, reason: The HQ met at T+00:30; the order waited for the governor}
```
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from drills.msel import Clock, LoadedMsel, Strict
from sim.scenario.yamlio import Loc, ScenarioError, YamlDoc

Rating = Literal["P", "S", "M", "U"]
FILE = "signoff.yaml"                   # looked for in the drill folder


class Observation(Strict):
    """What an evaluator saw, about an objective (and one of its guide's critical tasks)."""
    objective: str
    task: str | None = None
    text: str = Field(min_length=1, max_length=2000)
    by: str = ""
    t: Clock | None = Field(None, description="scenario minute it was seen (the drill room stamps it)")


class Signed(Strict):
    objective: str
    rating: Rating
    reason: str = ""


class Signoff(Strict):
    drill: str | None = None
    lead: str = Field(min_length=1, description="the lead evaluator who signs the ratings")
    observations: list[Observation] = []
    ratings: list[Signed] = []


def observation_problem(msel: LoadedMsel, objective: str, task: str | None) -> str | None:
    """Why an observation cannot be filed under this objective and task (None: it can)."""
    o = next((o for o in msel.msel.objectives if o.id == objective), None)
    if o is None:
        return f"unknown objective '{objective}'"
    tasks = [t.id for t in o.guide.tasks] if o.guide else []
    if task and task not in tasks:
        known = f"; tasks: {', '.join(tasks)}" if tasks else ""
        return f"objective {objective} has no critical task '{task}'{known}"
    return None


@dataclass
class LoadedSignoff:
    doc: YamlDoc
    signoff: Signoff

    @property
    def lead(self) -> str:
        return self.signoff.lead

    @property
    def observations(self) -> list[dict[str, Any]]:
        return [o.model_dump() for o in self.signoff.observations]

    def sign(self, results: list[Any]) -> None:
        """Put the lead evaluator's ratings on the `drills.evaluate.ObjectiveResult`s (not imported: evaluate
        imports this module); a differing one without a reason is an error."""
        proposed = {r.objective.id: r for r in results}
        found: list[tuple[Loc, str]] = []
        for n, s in enumerate(self.signoff.ratings):
            r = proposed[s.objective]
            if s.rating != r.proposed and not s.reason.strip():
                found.append((("ratings", n, "reason"), f"the signed rating {s.rating} differs from the proposed "
                                                        f"{r.proposed}: say why"))
            r.signed, r.reason = s.rating, s.reason
        if found:
            raise ScenarioError([self.doc.problem(loc, msg) for loc, msg in found])


def load_signoff(path: str | Path, msel: LoadedMsel) -> LoadedSignoff:
    """A sign-off file, checked against the MSEL (objectives and tasks exist, one rating per objective)."""
    doc = YamlDoc(Path(path))
    signoff = doc.validate(Signoff)
    found: list[tuple[Loc, str]] = []
    if signoff.drill not in (None, msel.msel.drill):
        found.append((("drill",), f"this sign-off is for drill {signoff.drill}, not {msel.msel.drill}"))
    for n, o in enumerate(signoff.observations):
        if (why := observation_problem(msel, o.objective, o.task)) is not None:
            found.append((("observations", n, "task" if "task" in why else "objective"), why))
    seen: set[str] = set()
    for n, s in enumerate(signoff.ratings):
        if (why := observation_problem(msel, s.objective, None)) is not None:
            found.append((("ratings", n, "objective"), why))
        elif s.objective in seen:
            found.append((("ratings", n, "objective"), f"objective {s.objective} is rated twice"))
        seen.add(s.objective)
    if found:
        raise ScenarioError([doc.problem(loc, msg) for loc, msg in found])
    return LoadedSignoff(doc, signoff)
