"""The window shell: clock, speed, pan/zoom, keys and clicks around `Renderer.render`.

Everything drawn comes from `viz.draw`; everything known comes from the scene and its source. The
shell only turns wall-clock seconds into simulated minutes and input into view changes or drill
decisions (through `viz.console.DrillInput`), so the same frames come out headless for screenshots.
Whoever owns the clock in a drill (the session) hooks in with `on_time` (how far the display may go)
and `on_pause` (the room paused or resumed), and stops the view with `pause()`.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame

from sim.world.geo import haversine_km
from viz.console import DecisionSink, DrillInput, InjectSource
from viz.draw import Renderer, UiState
from viz.projection import Projection, View
from viz.scene import Layout, Scene
from viz.source import Source

SPEEDS = (1.0, 10.0, 60.0, 300.0, 900.0, 3600.0)   # simulated seconds per wall-clock second
FPS = 30
DRAG_PX = 4
PANEL_PX = 500                                     # the KPI and event panels on the right


def make_view(layout: Layout, size: tuple[int, int]) -> View:
    """A view of where the response happens: hazard, bases, stations and depots."""
    view = View(Projection(*layout.origin), *size)
    home(view, layout)
    return view


def home(view: View, layout: Layout) -> None:
    """The hazard and the forces within reach of it (a far base's ring would shrink the hazard to a dot)."""
    pts = [(b.lat, b.lon) for b in layout.bases] + [(d.lat, d.lon) for d in layout.depots]
    pts = np.array(pts + [(lat, lon) for _, _, lat, lon in layout.units]).reshape(-1, 2)
    near = pts[haversine_km(layout.origin[0], layout.origin[1], pts[:, 0], pts[:, 1]) <= layout.near_km]
    arr = np.vstack([near, np.array(layout.focus).reshape(-1, 2)])
    view.fit(arr[:, 0], arr[:, 1], margin=0.08, min_km=layout.min_km, right_px=PANEL_PX)


def fit_region(view: View, layout: Layout) -> None:
    p = [layout.places[i] for i in layout.dots]
    view.fit(np.array([x[2] for x in p]), np.array([x[3] for x in p]), margin=0.05, right_px=PANEL_PX)


def render_at(scene: Scene, source: Source, minutes: float, size: tuple[int, int], path: Path,
              ui: UiState | None = None) -> dict[str, pygame.Rect]:
    """One frame at a minute, saved as PNG, without a window (docs, tests, `--screenshot`)."""
    scene.extend(source.advance(minutes))
    scene.seek(minutes)
    surface = pygame.Surface(size)
    rects = Renderer(scene.layout).render(surface, scene, make_view(scene.layout, size), ui or UiState())
    path.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(path))
    return rects


class App:
    """Interactive view of one scene; with a sink it is the drill console."""

    def __init__(self, scene: Scene, source: Source, size: tuple[int, int], mode: str,
                 sink: DecisionSink | None = None, injects: InjectSource | None = None,
                 speed: float = 60.0, record: Path | None = None, on_time: Callable[[float], float] | None = None,
                 on_pause: Callable[[bool], None] | None = None) -> None:
        self.scene, self.source, self.size = scene, source, size
        self.on_time, self.on_pause = on_time, on_pause
        self.sink, self.injects, self.record = sink, injects, record
        self.ui = UiState(speed=speed, mode=mode, drill=sink is not None)
        self.view = make_view(scene.layout, size)
        self.renderer = Renderer(scene.layout)
        self.drill = DrillInput(scene, self.view, sink) if sink is not None else None
        self.t = 0.0
        self.frames = 0
        self._down: tuple[int, int] | None = None
        self._dragged = False
        self.running = True

    def run(self) -> int:
        pygame.display.init()
        screen = pygame.display.set_mode(self.size, pygame.RESIZABLE)
        pygame.display.set_caption(f"{self.scene.layout.title} — tabletop view")
        clock = pygame.time.Clock()
        last = time.perf_counter()
        while self.running:
            now = time.perf_counter()
            self.tick(now - last)
            last = now
            for event in pygame.event.get():
                self.handle(event, screen)
            screen = pygame.display.get_surface()
            self.draw(screen)
            pygame.display.flip()
            clock.tick(FPS)
        pygame.display.quit()
        return 0

    def tick(self, wall_s: float) -> None:
        """Advance the display clock by wall time x speed and pull the events that became known."""
        if not self.ui.paused:
            self.t = min(self.source.end, self.t + wall_s * self.ui.speed / 60.0)
        self.goto(self.t)

    @property
    def paused(self) -> bool:
        return self.ui.paused

    def pause(self) -> None:
        """Stop the display clock (space, or the clock's owner at an inject) and tell `on_pause`."""
        if not self.ui.paused:
            self.ui.paused = True
            if self.on_pause is not None:
                self.on_pause(True)

    def resume(self) -> None:
        if self.ui.paused:
            self.ui.paused = False
            if self.on_pause is not None:
                self.on_pause(False)

    def goto(self, minutes: float) -> None:
        """Show minute `minutes`, or the earlier one `on_time` allows (a drill session stopped at an inject)."""
        if self.on_time is not None:
            minutes = self.on_time(minutes)
        self.t = minutes
        self.scene.extend(self.source.advance(minutes))
        self.scene.seek(minutes)
        if self.injects is not None:
            self.ui.cards = self.injects.cards(minutes)

    def draw(self, screen: pygame.Surface) -> None:
        self.ui.selected = self.drill.selected if self.drill else self.ui.selected
        self.renderer.render(screen, self.scene, self.view, self.ui)
        if self.record is not None:
            self.record.mkdir(parents=True, exist_ok=True)
            pygame.image.save(screen, str(self.record / f"frame_{self.frames:06d}.jpg"))   # JPEG: 12 ms, PNG: 150 ms
        self.frames += 1

    # -- input -----------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event, screen: pygame.Surface) -> None:
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.VIDEORESIZE:
            self.size = (event.w, event.h)
            self.view.resize(event.w, event.h)
        elif event.type == pygame.MOUSEWHEEL:
            x, y = pygame.mouse.get_pos()
            self.view.zoom(1.2 ** event.y, x, y)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self._down, self._dragged = event.pos, False
        elif event.type == pygame.MOUSEMOTION and self._down is not None:
            if self._dragged or abs(event.pos[0] - self._down[0]) + abs(event.pos[1] - self._down[1]) > DRAG_PX:
                self._dragged = True
                self.view.pan(*event.rel)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            if not self._dragged:
                self.click(*event.pos)
            self._down = None
        elif event.type == pygame.KEYDOWN:
            self.key(pygame.key.name(event.key), screen)

    def click(self, x: int, y: int) -> None:
        if self.drill is None:
            return
        decision = self.drill.click(x, y)
        if decision is not None:
            self.ui.toast = f"sent: dispatch {decision['unit']} → {self.scene.layout.name_of(decision['place'])}"
        elif self.drill.selected:
            self.ui.toast = f"selected {self.drill.selected}: click a place to dispatch it"

    def key(self, name: str, screen: pygame.Surface) -> None:
        if name == "space":
            if self.paused:
                self.resume()
            else:
                self.pause()
        elif name in ("+", "=", "keypad +"):
            self.ui.speed = next((s for s in SPEEDS if s > self.ui.speed), SPEEDS[-1])
        elif name in ("-", "keypad -"):
            self.ui.speed = next((s for s in reversed(SPEEDS) if s < self.ui.speed), SPEEDS[0])
        elif name == "n":
            nxt = self.source.next_event(self.t)
            if nxt is not None:
                self.goto(nxt)
        elif name == "r":
            self.ui.show_rings = not self.ui.show_rings
        elif name == "f":
            fit_region(self.view, self.scene.layout)
        elif name == "h":
            home(self.view, self.scene.layout)
        elif name == "f12":
            self.snapshot(screen)
        elif name == "q":
            self.running = False
        elif self.drill is not None:
            decision = self.drill.key(name)
            if decision is not None:
                self.ui.toast = "sent: " + ", ".join(f"{k}={v}" for k, v in decision.items())

    def snapshot(self, screen: pygame.Surface) -> None:
        h, m = divmod(int(self.t), 60)
        path = Path(f"view-{self.scene.layout.scenario}-T{h:02d}{m:02d}.png")
        pygame.image.save(screen, str(path))
        self.ui.toast = f"saved {path}"
