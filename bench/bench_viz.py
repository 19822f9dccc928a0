"""Benchmark of the tabletop view: frame time at 1920x1080 with 2,000 moving units on the Luding map.

Synthetic aircraft fly random legs across the view (one `fly` event each, through the same Scene
and Renderer a replay uses); every frame advances the clock, so every unit moves every frame.
Prints the fastest and median frame of N after a warm-up, and the share spent on units alone.
Headless (SDL dummy driver).   Usage: python bench/bench_viz.py [--units 2000] [--frames 120]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from sim.events import Event  # noqa: E402
from sim.model import ResponseModel  # noqa: E402
from sim.scenario.schema import load_scenario  # noqa: E402
from viz.app import make_view  # noqa: E402
from viz.draw import Renderer, UiState  # noqa: E402
from viz.scene import Scene, layout_from_model  # noqa: E402

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "luding-2022.yaml"
SIZE = (1920, 1080)


def synthetic_flights(n: int, seed: int = 0) -> list[Event]:
    """n aircraft each flying one 10-hour leg between random points around the epicentre."""
    rng = np.random.default_rng(seed)
    lat = rng.uniform(28.0, 31.5, (n, 2))
    lon = rng.uniform(101.0, 105.0, (n, 2))
    return [Event(0.0, "fly", f"SYN-{i}", "", {"lat": lat[i, 0], "lon": lon[i, 0], "to": [lat[i, 1], lon[i, 1]],
                                               "minutes": 600.0, "km": 0.0})
            for i in range(n)]


def frame_times(units: int, frames: int) -> tuple[list[float], list[float]]:
    """Wall ms per full frame and per units-only pass."""
    model = ResponseModel(load_scenario(SCENARIO), 7)
    scene = Scene(layout_from_model(model))
    scene.extend(synthetic_flights(units))
    surface = pygame.Surface(SIZE)
    view = make_view(scene.layout, SIZE)
    renderer, ui = Renderer(scene.layout), UiState()
    full, unit_only = [], []
    for k in range(frames + 10):
        scene.seek(1.0 + k)
        t0 = time.perf_counter()
        renderer.render(surface, scene, view, ui)
        t1 = time.perf_counter()
        renderer._units(surface, scene, view, ui)
        t2 = time.perf_counter()
        if k >= 10:                       # warm-up: static layer, fonts, contours
            full.append((t1 - t0) * 1000)
            unit_only.append((t2 - t1) * 1000)
    return full, unit_only


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=2000)
    ap.add_argument("--frames", type=int, default=120)
    args = ap.parse_args()
    pygame.font.init()
    full, units = frame_times(args.units, args.frames)
    print(f"{args.units} moving units, {SIZE[0]}x{SIZE[1]}, {args.frames} frames")
    print(f"  full frame : fastest {min(full):.1f} ms, median {statistics.median(full):.1f} ms "
          f"({1000 / statistics.median(full):.0f} FPS)")
    print(f"  units only : fastest {min(units):.1f} ms, median {statistics.median(units):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
