"""What a drill can do to a running model: the room's decisions and the controllers' inject effects.

Decisions go through the command layer as orders of the lead post (the room plays the headquarters);
inject effects change the world the way a real surprise would. Each call records one event
(`order` or `inject_effect`) so the after-action report and a replay see it, and raises
`InterventionError` with a plain message when the order cannot be carried out.
"""
from __future__ import annotations

import math

import numpy as np

from agents.missions import Mission
from agents.supply import Consignment
from sim.hazards.earthquake import Damage
from sim.scenario.schema import Forces, check_forces
from sim.world.geo import gazetteer

LEVELS = ("I", "II", "III", "IV")


class InterventionError(ValueError):
    """An order or effect that does not fit the current state (unknown unit, unit busy, ...)."""


def _unit(model, name: str):
    for u in [*model.aircraft, *model.teams]:
        if u.name == name:
            return u
    raise InterventionError(f"no unit named {name!r}")


def _group(model, place: str):
    for g in model.groups:
        if place in (g.place.id, g.place.name):
            return g
    raise InterventionError(f"no affected site {place!r}")


def _record(model, kind: str, place: str = "", **data) -> None:
    model.recorder.add(model.env.now, kind, "player" if kind == "order" else "controller", place, data)


# -- decisions of the room ------------------------------------------------------------------------
def dispatch(model, unit: str, place: str, post=None) -> None:
    """Send a named aircraft or team to an affected site now. Ordered by a desk for its post (`post`),
    it answers the request of that kind held there for the site (closed, approved by the post);
    otherwise it is the lead post's retasking."""
    u, g = _unit(model, unit), _group(model, place)
    if u.status != "idle" or u.missions.items:
        raise InterventionError(f"{unit} is {u.status}, not available")
    kind = "ground_rescue" if u in model.teams else "rescue"
    mission = Mission(kind, g, model.env.now, done=model.env.event(), purpose="rescue")
    if kind == "ground_rescue":
        g.teams_assigned += 1
    elif not u.can_serve(mission):
        raise InterventionError(f"{unit} cannot serve {g.place.name} (type, ceiling or airlift role)")
    _record(model, "order", g.place.id, order="dispatch", unit=unit)
    eta = u.eta_min(g.node) if kind == "ground_rescue" else u.eta_min(g.place.lat, g.place.lon, model.env.now)
    if post is None or not model.command.close_held(post, g, u, mission, eta):
        model.command.assign_order(u, mission, eta)


def set_level(model, level: str, reason: str = "decided by the room") -> None:
    """Raise or lower the response level now (the lead post's activation delay still applies to raises)."""
    if level not in LEVELS:
        raise InterventionError(f"level must be one of {', '.join(LEVELS)}")
    _record(model, "order", order="set_level", level=level, reason=reason)
    model.command.order_level(level, reason)


def request_mutual_aid(model) -> None:
    """Ask the plan's partner regions for help now."""
    if not model.plan.mutual_aid:
        raise InterventionError("the plan names no mutual-aid partners")
    if model.command.aid_requested:
        raise InterventionError("mutual aid has already been requested")
    _record(model, "order", order="mutual_aid")
    model.command.request_mutual_aid(force=True)


def release_stock(model, depot: str, place: str, items: dict[str, float], post=None) -> None:
    """Ship stock from a named depot to a site (by road, or by air where roads are cut). Ordered by a
    desk for its post (`post`), it answers the relief request held there for the site (approved by
    the post; closed once nothing the site needs is left unshipped)."""
    d = next((x for x in model.depots if depot in (x.name, x.place.name)), None)
    if d is None:
        raise InterventionError(f"no depot {depot!r}")
    g = _group(model, place)
    released = d.release(items)
    if not released:
        raise InterventionError(f"{d.name} holds none of {', '.join(items)}")
    _record(model, "order", g.place.id, order="release_stock", depot=d.name, items=released)
    road = float(model.world.roads.minutes_from(d.node)[g.node])
    Consignment(model, d, g, released, road)
    if post is not None:
        post.answer_relief(g, d, road)


def assign_airlift(model, aircraft: str, place: str | None = None, post=None) -> None:
    """Give a helicopter to supply airlift (it stops taking rescue missions). Ordered by a desk for its
    post (`post`), an idle one also flies the oldest airlift sortie held for that desk (at its post or
    a post below; for `place`, if named), as the post's approval of it."""
    u = _unit(model, aircraft)
    if u not in model.aircraft or u.spec.kind != "helicopter":
        raise InterventionError(f"{aircraft} is not a helicopter")
    g = None if place is None else _group(model, place)
    idle = u.status == "idle" and not u.missions.items
    role, u.role = u.role, "airlift"
    sortie = post.held_sortie(u, g) if post is not None and idle else None
    if g is not None and sortie is None:
        u.role = role
        raise InterventionError(f"{aircraft} is {u.status}, not available" if not idle else
                                f"no airlift sortie to {g.place.name} held for this desk is within "
                                f"{aircraft}'s payload and ceiling")
    _record(model, "order", g.place.id if g else "", order="assign_airlift", unit=aircraft)
    if sortie is not None:
        post.take(sortie)
        depot = sortie.mission.consignment.depot.place
        model.command.assign_order(u, sortie.mission, u.eta_min(depot.lat, depot.lon, model.env.now), sortie, post)


def order_evacuation(model, place: str, share: float = 1.0) -> None:
    """Move a share of the unhurt people out (to shelters elsewhere): they no longer need relief here."""
    g = _group(model, place)
    moved = int(g.unhurt * max(0.0, min(1.0, share)))
    _record(model, "order", g.place.id, order="evacuate", people=moved)
    if g.evacuate_unhurt(moved):
        model.recorder.record(model.env.now, "relieved", "player", g.place.id, people=g.homeless)


def note(model, text: str) -> None:
    _record(model, "order", order="note", text=text)


# -- effects of injects ---------------------------------------------------------------------------
def new_incident(model, place: str, trapped: int = 0, injured: int = 0, homeless: int = 0, killed: int = 0) -> None:
    """A new site appears (a landslide burying a village): it is reported like any other."""
    try:
        p = model.world.places.get(place) or gazetteer().find(place)
    except KeyError as exc:
        raise InterventionError(exc.args[0]) from None
    if any(g.place.id == p.id for g in model.groups):
        raise InterventionError(f"{p.name} is already an affected site: a new incident needs a new place")
    _record(model, "inject_effect", p.id, effect="new_incident", trapped=trapped, injured=injured)
    model.hit(p, Damage(model.plan.command.report_delay_min.comms_cut_intensity - 1, killed, trapped, injured,
                        homeless))


def cut_road(model, a: str, b: str) -> None:
    """Close the road segment between the seats of two places (a landslide, a collapsed bridge)."""
    roads = model.world.roads
    na, nb = (model.node_at(gazetteer().find(x)) for x in (a, b))
    edges = [e for e in range(len(roads.u)) if {int(roads.u[e]), int(roads.v[e])} == {na, nb}]
    if not edges:
        raise InterventionError(f"no road segment joins {a} and {b}")
    _record(model, "inject_effect", effect="cut_road", between=[a, b])
    model.damage_roads(np.array(edges), np.full(len(edges), math.inf))


def ground_aircraft(model, name: str) -> None:
    """An aircraft goes unserviceable (after its current mission, if flying)."""
    u = _unit(model, name)
    _record(model, "inject_effect", effect="unserviceable", unit=name)
    if u.status == "idle":
        u.status = "unserviceable"
    else:
        u.grounded_until = math.inf


def close_base(model, icao: str, minutes: float) -> None:
    """Weather closes an airport for a while: no launches from it until then."""
    until = model.env.now + minutes
    hit = [a for a in model.aircraft if a.base.icao == icao.upper()]
    if not hit:
        raise InterventionError(f"no aircraft based at {icao}")
    for a in hit:
        a.grounded_until = max(a.grounded_until, until)
    _record(model, "inject_effect", icao.upper(), effect="base_closed", until_min=until)


def false_report(model, place: str, deaths: int) -> None:
    """A wrong or exaggerated casualty report reaches the lead post."""
    g = _group(model, place)
    _record(model, "inject_effect", g.place.id, effect="false_report", deaths=deaths)
    model.command.lead.receive(g, deaths, model.command.lead)


def add_forces(model, forces: Forces | dict) -> None:
    """Forces arriving unannounced (volunteer or social rescue teams, PLA units, clearing teams, a
    neighbour's helicopter) join the lead post after their transfer; their kinds keep their channels
    (military units still answer through the military channel). An MSEL effect passes a mapping."""
    try:
        forces = forces if isinstance(forces, Forces) else Forces.model_validate(forces)
    except ValueError as exc:
        raise InterventionError(f"forces: {exc}") from None
    problems = check_forces(forces, ("forces",))
    if problems:
        raise InterventionError("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
    _record(model, "inject_effect", effect="forces_arrive", forces=forces.model_dump(exclude_defaults=True))
    model.add_aid_forces(forces, model.command.lead, model.env.now)
