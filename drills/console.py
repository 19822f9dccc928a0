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
    """The tabletop view whose clock is the session's: it pauses when the session pauses at an inject."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    from viz.app import App
    from viz.scene import Scene, layout_from_model

    class DrillApp(App):
        def goto(self, minutes: float) -> None:
            super().goto(session.advance_to(minutes))
            self.ui.paused = session.paused

        def key(self, name: str, screen: pygame.Surface) -> None:
            if name != "space":
                super().key(name, screen)
            elif session.paused:
                session.resume()
                self.ui.paused = False
            else:
                session.pause()
                self.ui.paused = True

    app = DrillApp(Scene(layout_from_model(session.model)), session, size, "drill", sink=session, injects=session,
                   speed=speed)
    app.t = session.now
    return app
