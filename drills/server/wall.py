"""The wall display: the pygame tabletop view as one more client of the drill session.

It runs in its own thread, reads events from the hub's feed (never the model directly, never
deciding anything) and shows the session's clock and inject cards. Closing it pauses the drill.
"""
from __future__ import annotations

import os
import queue

from drills.server.hub import Hub
from sim.events import Event


class WallFeed:
    """A `viz.source.Source` over the hub's event feed: the view follows the session's clock."""

    def __init__(self, hub: Hub) -> None:
        self.hub, self.end = hub, hub.session.end
        self.feed = hub.subscribe_wall()

    def advance(self, t: float) -> list[Event]:
        out: list[Event] = []
        while True:
            try:
                out.extend(self.feed.get_nowait())
            except queue.Empty:
                return out

    def next_event(self, after: float) -> float | None:
        return None


def run_wall(hub: Hub, size: tuple[int, int], speed: float) -> None:
    """Open the wall window; when it closes, the drill pauses (it never ends: ENDEX does)."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from viz.app import App
    from viz.scene import Scene, layout_from_model
    with hub.lock:
        scene = Scene(layout_from_model(hub.session.model))
    hub.arrive("wall")
    try:
        app = App(scene, WallFeed(hub), size, "wall", injects=hub, speed=speed, on_time=lambda _t: hub.now)
        app.t = hub.now
        app.run()
    finally:
        hub.left("wall")
