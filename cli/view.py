"""Sub-commands of the tabletop view: `view` (live run) and `replay` (a recorded events file).

pygame is imported inside the command functions only, so registering these commands costs a
headless run nothing.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from cli import options

ROOT = Path(__file__).resolve().parent.parent


def register(sub: argparse._SubParsersAction) -> None:
    v = options.command(sub, "view", "watch a scenario run live on the map")
    v.add_argument("scenario", help="scenario file")
    v.add_argument("--seed", type=options.seed, default=0, help="seed of every random draw")
    _common(v)
    v.set_defaults(func=cmd_view)
    r = options.command(sub, "replay", "replay a recorded run (DIR/events.jsonl) on the map")
    r.add_argument("events", help="a run's folder or its events.jsonl")
    r.add_argument("--scenario", help="scenario file (None: scenarios/<name>.yaml from DIR/summary.json)")
    _common(r)
    r.set_defaults(func=cmd_replay)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--size", type=options.size, default="1920x1080", help="window or screenshot size, WIDTHxHEIGHT")
    p.add_argument("--speed", type=options.positive, default=60.0,
                   help="simulated seconds per second (60: a minute a second)")
    p.add_argument("--record", type=options.folder,
                   help="write every frame as JPEG into this folder (for a debrief video)")
    p.add_argument("--screenshot", type=options.image, help="render one frame to this PNG headless and exit")
    p.add_argument("--at", type=options.minutes, default="02:00",
                   help="sim time of the --screenshot frame: minutes since onset or HH:MM")


def cmd_view(args: argparse.Namespace) -> int:
    if not args.screenshot and display_problem():      # before the model is built: say it at once
        return options.fail(display_problem())
    from sim.model import ResponseModel
    from sim.scenario.schema import load_scenario
    model = ResponseModel(load_scenario(args.scenario), args.seed)
    too_late = options.within("--at", args.at, model.spec.hours * 60)
    if too_late:
        return options.fail(too_late)
    from viz.source import LiveSource
    return _show(args, model, LiveSource(model), "live")


def cmd_replay(args: argparse.Namespace) -> int:
    if not args.screenshot and display_problem():
        return options.fail(display_problem())
    from sim.events import read_events
    from sim.model import ResponseModel
    from sim.scenario.schema import load_scenario
    events_path = Path(args.events)
    if events_path.is_dir():
        events_path = events_path / "events.jsonl"
    if not events_path.is_file():
        return options.fail(f"{events_path}: no such events file")
    try:
        events = read_events(events_path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return options.fail(f"{events_path}: not an events file written by `run` ({type(exc).__name__}: {exc})")
    summary = _summary(events_path.parent)
    scenario = Path(args.scenario) if args.scenario else _scenario_for(summary)
    if scenario is None or not scenario.is_file():
        return options.fail(f"cannot tell which scenario {events_path} came from: pass --scenario FILE")
    seed = summary.get("seed")
    model = ResponseModel(load_scenario(scenario), seed if isinstance(seed, int) and seed >= 0 else 0)
    too_late = options.within("--at", args.at, model.spec.hours * 60)
    if too_late:
        return options.fail(too_late)
    from viz.source import ReplaySource
    return _show(args, model, ReplaySource(events, model.spec.hours * 60), "replay")


def _summary(folder: Path) -> dict:
    """The run's summary.json, or {} when it is missing or not a JSON object."""
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return summary if isinstance(summary, dict) else {}


def _scenario_for(summary: dict) -> Path | None:
    from sim.scenario.yamlio import safe_name
    name = summary.get("scenario")
    if not isinstance(name, str) or not name:
        return None
    file = f"{safe_name(name)}.yaml"
    return next((p for p in (Path("scenarios") / file, ROOT / "scenarios" / file) if p.is_file()), None)


def display_problem() -> str | None:
    """Why no window can be seen here (None when one can): without a display SDL falls back to a
    driver that shows nothing, and a view or drill console would run invisibly until killed."""
    if os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen") or \
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("no display to open the map window on (DISPLAY and WAYLAND_DISPLAY are unset): run it on a "
            "desktop or over `ssh -X`, or use --screenshot FILE.png for one frame headless")


def _show(args: argparse.Namespace, model, source, mode: str) -> int:
    """Screenshot headless, or open the window; the model is only read (and stepped, when live)."""
    if args.screenshot:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from viz.app import App, render_at
    from viz.draw import UiState
    from viz.scene import Scene, layout_from_model
    width, height = args.size
    scene = Scene(layout_from_model(model))
    if args.screenshot:
        render_at(scene, source, args.at, (width, height), args.screenshot, UiState(speed=args.speed, mode=mode))
        print(f"wrote {args.screenshot} (T+{args.at:g} min)")
        return 0
    return App(scene, source, (width, height), mode, speed=args.speed, record=args.record).run()
