"""What each desk's page shows: the session's knowledge filtered down to what that post knows.

A post knows the reports that reached it (the model's report events at that post, with how long
the news took and how wrong such estimates run), the requests escalated to it, its own units and
depots, and the injects addressed to its desk. Only the controller and evaluators see the truth
behind the reports. `Knowledge` digests new events once, as they come, so a page costs little to
rebuild however long the drill has run.
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from drills.msel import clock_text
from drills.session import CARD, INJECT, Session
from sim.events import Event

SHOWN = 40          # rows of a list a page shows (newest first)
PASSED = {"reroute": "by_road", "forward": "forwarded"}     # how a held request went on, as the page says it
CHANNELS = ("phone", "radio", "email", "fax", "media", "social", "in_person", "satellite_phone", "video")


class Knowledge:
    """Reports, requests and the response level, by post, kept up to date from new events only."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}                     # site id -> name
        self.onset: dict[str, float] = {}                   # site id -> minute of impact
        self.made: dict[str, list[tuple[float, int]]] = defaultdict(list)   # site -> (minute, deaths) at origin
        self.reports: dict[str, list[dict[str, Any]]] = defaultdict(list)   # post name -> reports reached it
        self.requests: dict[str, list[dict[str, Any]]] = defaultdict(list)  # post name -> escalated to it
        self.passed: dict[str, list[dict[str, Any]]] = defaultdict(list)    # post name -> held requests gone on
        self.level: str | None = None

    def digest(self, events: list[Event]) -> None:
        for e in events:
            if e.kind == "impact":
                self.names[e.place], self.onset[e.place] = e.data["name"], e.t
            elif e.kind == "report":
                self._report(e)
            elif e.kind == "escalate":
                self.requests[e.data["to"]].append({"t": e.t, "at": clock_text(e.t),
                                                    "place": self.names.get(e.place, e.place),
                                                    "need": e.data["request"], "from": e.agent})
            elif e.kind == "level":
                self.level = e.data["level"]
            elif e.kind in PASSED and "chain" in e.data:          # a post's reroute, not a consignment's
                self._passed(e)

    def _passed(self, e: Event) -> None:
        """A request held at a post went on without its desk's unit or stock: by road, or up the chain."""
        need = "airlift" if e.data.get("purpose") == "airlift" else e.data["request"]
        self.passed[e.agent].append({"t": e.t, "place": self.names.get(e.place, e.place), "need": need,
                                     "from": e.data["chain"][0], "at_post": e.agent, "status": PASSED[e.kind],
                                     "since": "T+" + clock_text(e.t)})

    def _report(self, e: Event) -> None:
        """A report at a post: made there (by the county, a sitrep, a verdict) or relayed from below;
        one relayed by the post to itself is a rumour (an inject's false report)."""
        relayed_by = e.data.get("relayed_by")
        rumour = relayed_by == e.agent
        lag = 0.0
        if relayed_by is None:
            self.made[e.place].append((e.t, e.data["deaths"]))
        elif not rumour:
            made = [t for t, d in self.made[e.place] if d == e.data["deaths"] and t <= e.t]
            lag = e.t - made[-1] if made else 0.0
        self.reports[e.agent].append({
            "t": e.t, "at": clock_text(e.t), "place": self.names.get(e.place, e.place), "deaths": e.data["deaths"],
            "lag_min": round(lag, 1), "since_onset_min": round(e.t - self.onset.get(e.place, e.t), 1),
            "rumour": rumour, "assessed": e.data.get("assessed"), "sitrep": bool(e.data.get("sitrep"))})


def clock(session: Session, speed: float) -> dict[str, Any]:
    now = session.shown
    return {"now": round(now, 2), "text": "T+" + clock_text(now), "end": session.end, "speed": speed,
            "date": session.model.clock(now).strftime("%Y-%m-%d %H:%M"), "paused": session.paused,
            "started": session.started, "finished": session.finished}


def desk_view(session: Session, know: Knowledge, role: str, speed: float) -> dict[str, Any]:
    """A player's page: what its post knows and may order."""
    desk = session.desks[role]
    units = [u for u in [*session.model.aircraft, *session.model.teams] if session.tasks(desk, u)]
    depots = [d for d in session.model.depots if session.tasks(desk, d)]
    sigma = session.model.plan.response.estimate_error
    held = _held(session, know, role)
    return {
        "page": "desk", "role": _role(session, role), "clock": clock(session, speed), "level": know.level,
        "injects": _injects(session, [r for r in session.released if r["to"] == role]),
        "reports": know.reports.get(desk.post or "", [])[::-1][:SHOWN],
        "error_factor": round(math.exp(sigma), 2) if sigma else None,
        "units": [{"name": u.name, "type": u.type_name, "kind": session.kind_of(u), "status": u.status} for u in units],
        "depots": [{"name": d.name, "stock": {k: round(c.level) for k, c in d.stock.items()}} for d in depots],
        "requests": know.requests.get(desk.post or "", [])[::-1][:SHOWN],
        "held": held,
        "decisions": _decisions(session, role),
        "orders": session.orders(role),
        "sites": sorted({r["place"] for r in know.reports.get(desk.post or "", [])} | {h["place"] for h in held}),
        "items": sorted({k for d in depots for k in d.stock}),
    }


def _held(session: Session, know: Knowledge, role: str) -> list[dict[str, Any]]:
    """What waits for this desk to decide: requests held at its post and, for a desk that flies airlift,
    the airlift sorties held at the posts below; then those of them that went on (by road, or up)."""
    desk, command = session.desks[role], session.model.command
    post = command.posts.get(desk.place_id or "")   # never created here: a page must not change the model
    if post is None:
        return []
    flies = "assign_airlift" in session.orders(role) and desk.tasks_kind("aircraft")
    rows = [{"t": r.created, "place": r.group.place.name, "need": "airlift" if r.purpose == "airlift" else r.kind,
             "from": r.origin.name, "at_post": r.holder.name, "status": "waiting",
             "since": "T+" + clock_text(r.created)}
            for r in post.held(below=flies) if r.holder is post or r.purpose == "airlift"]
    below = {p.name for p in command.posts.values() if post.controls(p)} if flies and know.passed else {post.name}
    rows += [x for name in below for x in know.passed.get(name, []) if x["at_post"] == post.name
             or x["need"] == "airlift"]
    return sorted(rows, key=lambda x: -x["t"])[:SHOWN]


def control_view(session: Session, know: Knowledge, role: str, speed: float,
                 connected: dict[str, int]) -> dict[str, Any]:
    """The controller's (and, read only, the evaluators') page: every inject's delivery and
    acknowledgement, every desk's decisions, the truth at each site."""
    lead = session.model.command.lead
    lead_reported = lead.estimates if lead else {}
    played = {d.post for d in session.desks.values() if d.role.played}
    return {
        "page": "control", "role": _role(session, role), "clock": clock(session, speed), "level": know.level,
        "injects": _injects(session, session.released),
        "upcoming": [{"id": i.what.id, "at": clock_text(i.t), "to": i.what.to} for i in session.agenda
                     if i.phase == INJECT][:SHOWN],
        "decisions": _decisions(session, None),
        "held": _held_everywhere(session),
        "desks": [{"id": d.role.id, "name": d.role.name, "desk": d.role.desk, "played": d.role.played,
                   "connected": connected.get(d.role.id, 0)} for d in session.desks.values()],
        "truth": [{"place": g.place.name, "dead": g.dead, "trapped": g.trapped, "homeless": g.homeless,
                   "reported_lead": lead_reported.get(g.place.id)} for g in session.model.groups],
        "simcell": sorted({p.name for p in session.model.command.posts.values() if p.name not in played}),
        "channels": CHANNELS, "card": CARD,
        "may_control": session.desks[role].role.desk == "controller",
        "guides": _guides(session) if session.desks[role].role.desk == "evaluator" else None,
    }


def _held_everywhere(session: Session) -> list[dict[str, Any]]:
    """Every request waiting on a played post's desk, oldest first, with how long it has waited: the
    controller sees which desk is holding up which site (and may prompt it with an inject)."""
    now = session.model.env.now
    return [{"since": "T+" + clock_text(r.created), "at_post": r.holder.name, "place": r.group.place.name,
             "need": "airlift" if r.purpose == "airlift" else r.kind, "from": r.origin.name,
             "waited": f"{now - r.created:.0f} min"} for r in session.model.command.held[:SHOWN]]


def _guides(session: Session) -> list[dict[str, Any]]:
    """The evaluator's form: each objective with the critical tasks of its guide."""
    return [{"id": o.id, "text": o.text, "tasks": [{"id": t.id, "text": t.text} for t in o.guide.tasks]
             if o.guide else []} for o in session.msel.msel.objectives]


def _role(session: Session, role: str) -> dict[str, Any]:
    d = session.desks[role]
    return {"id": role, "name": d.role.name, "desk": d.role.desk, "post": d.post, "played": d.role.played}


def _injects(session: Session, released: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in released[::-1][:SHOWN]:
        key = (r["id"], r["to"])
        ack, seen = session.acks.get(key), session.deliveries.get(key)
        out.append({"id": r["id"], "at": "T+" + clock_text(r["t"]), "from": r["from"], "to": r["to"],
                    "channel": r["channel"], "message": r["message"], "adhoc": bool(r.get("adhoc")),
                    "delivered": _when(seen), "acked": _when(ack)})
    return out


def _when(record: dict[str, Any] | None) -> dict[str, str] | None:
    return None if record is None else {"t": "T+" + clock_text(record["t"]), "wall": record["wall"][11:19]}


def _decisions(session: Session, role: str | None) -> list[dict[str, Any]]:
    """Decisions and refusals, of one desk or of all, newest first."""
    rows = [{"t": r["t"], "at": "T+" + clock_text(r["t"]), "role": r.get("role") or r.get("by") or "room",
             "kind": r["decision"].get("kind") if r["rec"] == "refused" else r["kind"],
             "what": _what(r["decision"] if r["rec"] == "refused" else r),
             "result": "refused" if r["rec"] == "refused" else "ok" if r["ok"] else "failed",
             "why": r.get("reason") or r.get("error") or ""}
            for r in [*session.decided, *session.refused] if role is None or r.get("role") == role]
    return sorted(rows, key=lambda x: -x["t"])[:SHOWN]


def _what(d: dict[str, Any]) -> str:
    keys = ("unit", "place", "level", "need", "depot", "deaths", "share", "text")
    parts = [str(d[k]) for k in keys if d.get(k) not in (None, "")]
    if d.get("items"):
        parts.append(", ".join(f"{k} {v}" for k, v in dict(d["items"]).items()))
    return " · ".join(parts)
