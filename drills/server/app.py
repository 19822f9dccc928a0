"""The drill room's ASGI app (Starlette on uvicorn): a join page, one page per desk, one WebSocket.

Thin by design: a join code (in an HttpOnly cookie) proves a desk's role; the page gets that desk's
view over the WebSocket whenever anything changes and sends orders, acknowledgements and controls
back, which the hub hands to the session. Pages are plain HTML plus one small JS file served from
the package (no build step, no CDN); user text reaches them only through `textContent`, and the
HTML the server writes escapes everything it puts in.
"""
from __future__ import annotations

import asyncio
import html
import json
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from drills.server.hub import Hub
from drills.texts import PAGES
from viz.cjk import cjk_font_file

STATIC = Path(__file__).parent / "static"
COOKIE = "drill_code"
HEADERS = {"Content-Security-Policy": "default-src 'self'; connect-src 'self'; frame-ancestors 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def build_app(hub: Hub) -> Starlette:
    """The routes over one hub; the hub's clock runs for the app's lifetime."""

    @asynccontextmanager
    async def lifespan(app: Starlette):
        clock = asyncio.create_task(hub.run())
        yield
        clock.cancel()

    async def join_page(request: Request) -> Response:
        return _page(hub, request, "join", "")

    async def join(request: Request) -> Response:
        try:
            code = str((await request.json()).get("code", ""))
        except (ValueError, AttributeError):
            code = ""
        role = hub.role_of(code)
        if role is None:
            return JSONResponse({"ok": False}, status_code=403, headers=HEADERS)
        response = JSONResponse({"ok": True, "role": role}, headers=HEADERS)
        response.set_cookie(COOKIE, code.strip().upper(), httponly=True, samesite="strict")
        return response

    async def leave(request: Request) -> Response:
        response = RedirectResponse("/", status_code=303, headers=HEADERS)
        response.delete_cookie(COOKIE)
        return response

    async def desk_page(request: Request) -> Response:
        role = hub.role_of(request.cookies.get(COOKIE))
        if role is None:
            return RedirectResponse("/", status_code=303)
        return _page(hub, request, "desk", role)

    async def state(request: Request) -> Response:
        role = hub.role_of(request.cookies.get(COOKIE))
        if role is None:
            return JSONResponse({"error": "join first"}, status_code=401, headers=HEADERS)
        return JSONResponse(hub.view(role), headers=HEADERS)

    async def socket(ws: WebSocket) -> None:
        role = hub.role_of(ws.cookies.get(COOKIE))
        if role is None or not _same_origin(ws):
            await ws.close(code=4401)
            return
        await ws.accept()
        hub.arrive(role)
        sending = asyncio.Lock()
        pusher = asyncio.create_task(_push(hub, ws, role, sending))
        try:
            while True:
                msg = await ws.receive_json()
                reply = hub.handle(role, msg if isinstance(msg, dict) else {})
                async with sending:
                    await ws.send_json(reply)
        except (WebSocketDisconnect, RuntimeError, ValueError):
            pass
        finally:
            pusher.cancel()
            hub.left(role)

    async def font(request: Request) -> Response:
        """The CJK font the platform already ships (mplfonts), so tablets without one show Chinese too."""
        path = cjk_font_file()
        if path is None:
            return Response(status_code=404)
        return FileResponse(path, headers={"Cache-Control": "max-age=86400"})

    routes = [Route("/", join_page), Route("/font/cjk", font), Route("/join", join, methods=["POST"]),
              Route("/leave", leave, methods=["POST"]),
              Route("/desk", desk_page), Route("/api/state", state), WebSocketRoute("/ws", socket),
              Mount("/static", StaticFiles(directory=STATIC), name="static")]
    return Starlette(routes=routes, lifespan=lifespan)


async def _push(hub: Hub, ws: WebSocket, role: str, sending: asyncio.Lock) -> None:
    """Send the desk's view whenever it changed (and log the first delivery of each inject to it)."""
    version, last = -1, None
    while True:
        if version == hub.version:
            await hub.changed(version)
        version = hub.version
        view = hub.view(role)
        if view != last:
            async with sending:
                await ws.send_json({"op": "state", "view": view})
            last = view
            hub.delivered(role, view)


def _same_origin(ws: WebSocket) -> bool:
    """A browser's WebSocket must come from our own pages (a cookie alone would let any site in)."""
    origin = ws.headers.get("origin")
    return origin is None or origin.split("://", 1)[-1] == ws.headers.get("host")


def _page(hub: Hub, request: Request, page: str, role: str) -> HTMLResponse:
    lang = request.query_params.get("lang", hub.lang)
    lang = lang if lang in PAGES else hub.lang
    words = PAGES[lang]
    strings = json.dumps(words, ensure_ascii=False).replace("<", "\\u003c")
    title = html.escape(f"{words['title']} · {hub.session.msel.msel.title or hub.session.msel.msel.drill}")
    body = (f'<body data-page="{page}" data-lang="{lang}" data-role="{html.escape(role)}">'
            f'<script type="application/json" id="strings">{strings}</script>'
            f'<header><h1>{title}</h1><div id="clock"></div><nav>'
            f'<a href="?lang=en">EN</a> <a href="?lang=zh">中文</a></nav></header>'
            f'<div id="toast" role="status"></div><main id="main"></main>'
            f'<script src="/static/desk.js"></script></body>')
    doc = (f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
           f'<link rel="stylesheet" href="/static/desk.css"></head>{body}</html>')
    return HTMLResponse(doc, headers=HEADERS)
