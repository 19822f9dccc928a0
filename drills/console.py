"""The drill console: the pygame tabletop view in drill mode, with the session as its clock and sink.

Imported only for an interactive drill, so headless drills never load pygame. The session, not the
window, decides how far the model runs: it stops at each inject and the view pauses with it.
Closing the window (Q, its close button, or SIGTERM, which SDL turns into a close) only pauses the
drill: `--resume` goes on from the log. F10 is ENDEX, the one way to end it before the scenario does.
"""
from __future__ import annotations

import os

from drills.session import Session

ENDEX_KEY = "f10"


def run_console(session: Session, size: tuple[int, int], speed: float) -> None:
    """Open the window; returns when the facilitator closes it (Q, the close button) or gives ENDEX."""
    make_app(session, size, speed).run()


def make_app(session: Session, size: tuple[int, int], speed: float):
    """The tabletop view whose clock is the session's: it pauses when the session pauses at an inject,
    and the room's space bar pauses and resumes the session (both logged by the session)."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from viz.app import App
    from viz.scene import Scene, layout_from_model

    app = App(Scene(layout_from_model(session.model)), session, size, "drill", sink=session, injects=session,
              speed=speed)

    def on_time(minutes: float) -> float:
        shown = session.advance_to(minutes)
        if session.paused:
            app.pause()
        return shown

    def on_pause(paused: bool) -> None:
        if paused and not session.paused:
            session.pause()
        elif not paused and session.paused:
            session.resume()

    keys = app.key

    def key(name: str, screen) -> None:
        if name == ENDEX_KEY:
            session.endex()
            app.running = False
        else:
            keys(name, screen)

    app.on_time, app.on_pause, app.key, app.t = on_time, on_pause, key, session.now
    return app
