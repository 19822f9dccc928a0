"""One run of one scenario: build, simulate, summarise, write events.jsonl and summary.json."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from sim.events import write_atomic
from sim.metrics import check_objectives, summarize
from sim.model import ResponseModel
from sim.scenario.schema import LoadedScenario


def run_scenario(loaded: LoadedScenario, seed: int, out: Path | None = None,
                 vary: bool = False) -> tuple[ResponseModel, dict[str, Any]]:
    """Simulate to the end; with `out`, write the event stream and the summary there (atomically:
    a failed write leaves no temp file). `vary`: apply the scenario's `varies:` block."""
    t0 = time.perf_counter()
    model = ResponseModel(loaded, seed, vary)
    model.run()
    summary = {"scenario": loaded.scenario.scenario, "plan": loaded.plan.plan, "seed": seed,
               "sim_hours": loaded.scenario.hours, "events": len(model.recorder.events)}
    summary.update(summarize(model.recorder.events))
    summary["objectives"] = check_objectives(summary, loaded.plan.objectives)
    summary["wall_s"] = round(time.perf_counter() - t0, 3)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        model.recorder.write(out / "events.jsonl")
        write_atomic(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return model, summary
