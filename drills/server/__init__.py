"""The drill room: an ASGI server that owns one drill session, one page per desk, the wall display.

`serve` is what `run_sim.py drill FILE --serve` calls. uvicorn handles SIGINT and SIGTERM by
stopping the server gracefully; the session is then paused and its log closed, resumable with
`--resume`. Only ENDEX, given on the controller's page, ends a drill.
"""
from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

from drills.session import Session


def serve(session: Session, join: dict[str, Any], out: Path, *, host: str, port: int, lang: str, speed: float,
          wall: tuple[int, int] | None) -> int:
    """Serve the drill until the server is stopped (Ctrl-C, SIGTERM); returns the exit code."""
    import uvicorn

    from drills.server.app import build_app
    from drills.server.hub import Hub
    hub = Hub(session, join, out, lang, speed)
    if wall is not None:
        from drills.server.wall import run_wall
        threading.Thread(target=run_wall, args=(hub, wall, speed), name="wall", daemon=True).start()
    for sig in (signal.SIGINT, signal.SIGTERM):     # uvicorn stops on them, then re-raises them: to us, here
        signal.signal(sig, _stopped)
    uvicorn.Server(uvicorn.Config(build_app(hub), host=host, port=port, log_level="warning")).run()
    hub.close("server stopped")
    return 0


def _stopped(signum: int, frame: Any) -> None:
    """The server has already shut down gracefully; what is left is to pause and close the log."""
