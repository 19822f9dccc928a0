"""The drill console: the pygame tabletop view in drill mode, with the session as its clock and sink.

Imported only for an interactive drill, so headless drills never load pygame. The session, not the
window, decides how far the model runs: it stops at each inject and the view pauses with it.
"""
from __future__ import annotations

import os

from drills.session import Session


def run_console(session: Session, size: tuple[int, int], speed: float) -> None:
    """Open the window; returns when the facilitator closes it (Q or the window's close button)."""
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

    app.on_time, app.on_pause, app.t = on_time, on_pause, session.now
    return app
