"""Sub-commands of the tabletop view: `view` (live run) and `replay` (a recorded events file).

pygame is imported inside the command functions only, so registering these commands costs a
headless run nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def register(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser("view", help="watch a scenario run live on the map")
    v.add_argument("scenario")
    v.add_argument("--seed", type=int, default=0)
    _common(v)
    v.set_defaults(func=cmd_view)
    r = sub.add_parser("replay", help="replay a recorded run (DIR/events.jsonl) on the map")
    r.add_argument("events")
    r.add_argument("--scenario", help="scenario file (default: scenarios/<name>.yaml from DIR/summary.json)")
    _common(r)
    r.set_defaults(func=cmd_replay)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--size", default="1920x1080", help="window or screenshot size, WIDTHxHEIGHT")
    p.add_argument("--speed", type=float, default=60.0, help="simulated seconds per second (60: a minute a second)")
    p.add_argument("--record", type=Path, help="write every frame as JPEG into this folder (for a debrief video)")
    p.add_argument("--screenshot", type=Path, help="render one frame to this PNG headless and exit")
    p.add_argument("--at", type=float, default=120.0, help="minute of the --screenshot frame")


def cmd_view(args: argparse.Namespace) -> int:
    from sim.model import ResponseModel
    from sim.scenario.schema import load_scenario
    model = ResponseModel(load_scenario(args.scenario), args.seed)
    from viz.source import LiveSource
    return _show(args, model, LiveSource(model), "live")


def cmd_replay(args: argparse.Namespace) -> int:
    from sim.events import read_events
    from sim.model import ResponseModel
    from sim.scenario.schema import load_scenario
    events_path = Path(args.events)
    if events_path.is_dir():
        events_path = events_path / "events.jsonl"
    if not events_path.is_file():
        print(f"{events_path}: no such events file", file=sys.stderr)
        return 2
    summary = _summary(events_path.parent)
    scenario = Path(args.scenario) if args.scenario else _scenario_for(summary)
    if scenario is None or not scenario.is_file():
        print(f"cannot tell which scenario {events_path} came from: pass --scenario FILE", file=sys.stderr)
        return 2
    model = ResponseModel(load_scenario(scenario), int(summary.get("seed", 0)))
    from viz.source import ReplaySource
    return _show(args, model, ReplaySource(read_events(events_path), model.spec.hours * 60), "replay")


def _summary(folder: Path) -> dict:
    path = folder / "summary.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _scenario_for(summary: dict) -> Path | None:
    name = summary.get("scenario")
    if not name:
        return None
    return next((p for p in (Path("scenarios") / f"{name}.yaml", ROOT / "scenarios" / f"{name}.yaml") if p.is_file()),
                None)


def _show(args: argparse.Namespace, model, source, mode: str) -> int:
    """Screenshot headless, or open the window; the model is only read (and stepped, when live)."""
    if args.screenshot:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from viz.app import App, render_at
    from viz.draw import UiState
    from viz.scene import Scene, layout_from_model
    width, height = (int(v) for v in args.size.lower().split("x"))
    scene = Scene(layout_from_model(model))
    if args.screenshot:
        render_at(scene, source, args.at, (width, height), args.screenshot, UiState(speed=args.speed, mode=mode))
        print(f"wrote {args.screenshot} (T+{args.at:g} min)")
        return 0
    return App(scene, source, (width, height), mode, speed=args.speed, record=args.record).run()
