"""KPIs computed from the event stream alone (DESIGN.md's names are the keys of summary.json).

Reading only events keeps one source of truth: a replayed events file gives the same numbers as
the live run that wrote it.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

import numpy as np

from sim.events import Event
from sim.hazards.warnings import warning_kpis

TWO_HOURS_MIN = 120.0
TEN_HOURS = 10.0
DAY_MIN = 24 * 60.0


def _pct(values: list[float], q: float) -> float | None:
    """Percentile where unreached sites count as never (inf); None when that percentile is never."""
    if not values:
        return None
    v = float(np.percentile(np.array(values, dtype=float), q, method="inverted_cdf"))
    return None if math.isinf(v) else round(v, 2)


def summarize(events: Iterable[Event]) -> dict[str, Any]:
    """The KPI dictionary of one run."""
    events = list(events)
    impacts, onsets = _impacts(events)
    first: dict[str, float] = {}
    relieved: dict[str, float] = {}
    for e in events:
        airborne = e.kind == "arrive" and e.data.get("mission") in ("rescue", "airlift")
        if airborne or (e.kind == "relieved" and e.data.get("day", 1) == 1):    # the first day's needs covered
            at = _site_at(onsets, e.place, e.t)
            if at is not None:
                (first if airborne else relieved).setdefault(at[1], e.t - at[0])
    arrival = {site: first.get(site) for site in impacts}
    times = [t if t is not None else math.inf for t in arrival.values()]
    need = {site: d["homeless"] for site, d in impacts.items() if d["homeless"] > 0}
    hours = {site: (relieved[site] / 60 if site in relieved else None) for site in need}
    people = sum(need.values())
    within = sum(n for site, n in need.items() if hours[site] is not None and hours[site] <= TEN_HOURS)
    rescues = [e.data for e in events if e.kind == "rescue"]
    trapped = sum(d["trapped"] for d in impacts.values())
    rescued = sum(d["alive"] for d in rescues)
    care = care_kpis(events)
    died_trapped = sum(e.data["trapped_dead"] for e in events if e.kind == "unreached")
    deaths = (sum(d["killed"] for d in impacts.values()) + sum(d["dead"] for d in rescues)
              + care["rescue.critical_deaths"] + died_trapped)
    return {
        "aviation.first_arrival_min": {k: (round(v, 2) if v is not None else None) for k, v in arrival.items()},
        "aviation.share_within_2h": round(sum(t <= TWO_HOURS_MIN for t in times) / len(times), 4) if times else None,
        "aviation.share_within_2h_by_province": share_within_2h_by_province(arrival),
        "aviation.first_over_worst_min": _over_worst(impacts, arrival),
        "aviation.p50_min": _pct(times, 50),
        "aviation.p90_min": _pct(times, 90),
        "relief.hours": {k: (round(v, 3) if v is not None else None) for k, v in hours.items()},
        "relief.people": people,
        "relief.share_within_10h": round(within / people, 4) if people else None,
        "relief.p90_hours": _pct([h if h is not None else math.inf for h in hours.values()], 90),
        "rescue.trapped": trapped,
        "rescue.rescued_alive": rescued,
        "rescue.deaths": deaths,
        "rescue.still_trapped": trapped - rescued - sum(d["dead"] for d in rescues) - died_trapped,
        "rescue.died_unreached": died_trapped,
        "sites": len(impacts),
        "population.affected": sum(d["population"] for d in impacts.values()),
        **care,
        **relief_day_kpis(events),
        **relocation_kpis(events, impacts),
        **road_kpis(events),
        **transport_kpis(events),
        **hazard_kpis(events),
        **command_kpis(events),
        **warning_kpis(events),
    }


def worst_hit(impacts: dict[str, dict[str, Any]]) -> str | None:
    """The worst-hit site: the one shaken hardest (the records' "over the epicentre": a county's own
    toll grows with its people, so the most killed is often a populous county, not the epicentral
    town), then the most killed, the most people, the key (a fixed order)."""
    return max(impacts, key=lambda k: (impacts[k].get("intensity", 0.0), impacts[k]["killed"],
                                       impacts[k]["population"], k), default=None)


def _over_worst(impacts: dict[str, dict[str, Any]], arrival: dict[str, float | None]) -> float | None:
    """Minutes from its onset to the first aircraft over the worst-hit site: the record states this one
    time for a disaster ("the first helicopter reached Moxi at ..."), not a share of sites."""
    site = worst_hit(impacts)
    return None if site is None or arrival[site] is None else round(arrival[site], 2)


def relocation_kpis(events: list[Event], impacts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`relief.relocated`: people moved to safety or shelter (紧急转移安置, the figure the ministry reports):
    those who left on a warning before the impact, plus at each place the homeless or, where the room
    ordered more people out, those ordered (the homeless leave first, so the larger of the two)."""
    warned = sum(e.data["people"] for e in events if e.kind == "evacuated" and e.agent == "warning")
    ordered: dict[str, int] = {}
    for e in events:
        if e.kind == "order" and e.data.get("order") == "evacuate":
            ordered[e.place] = ordered.get(e.place, 0) + e.data["people"]
    homeless: dict[str, int] = {}
    for site, d in impacts.items():
        place = site.partition(INCIDENT_SEP)[0]
        homeless[place] = homeless.get(place, 0) + d["homeless"]
    places = homeless.keys() | ordered.keys()
    return {"relief.relocated": warned + sum(max(homeless.get(p, 0), ordered.get(p, 0)) for p in places)}


def share_within_2h_by_province(arrival: dict[str, float | None]) -> dict[str, float]:
    """Share of each province's sites reached within 2 h, keyed by the province's adcode (from the
    county adcode that opens a site's key; sites below county level, `site:...`, have none)."""
    by: dict[str, list[bool]] = {}
    for site, t in arrival.items():
        code = site.partition(INCIDENT_SEP)[0]
        if len(code) >= 6 and code.isdigit():
            by.setdefault(code[:2].ljust(len(code), "0"), []).append(t is not None and t <= TWO_HOURS_MIN)
    return {p: round(sum(v) / len(v), 4) for p, v in sorted(by.items())}


INCIDENT_SEP = "#"          # site key of an incident at a place: "<place>#<incident id>"


def _impacts(events: list[Event]) -> tuple[dict[str, dict[str, Any]], dict[str, list[tuple[float, str]]]]:
    """Sites and what every hazard did there, summed, and each place's (onset, site) in time order.

    A place hit twice is one site, except that each incident of an incident stream (`incident` in
    the impact) is a site of its own, with its own clock: the 2 h question is asked once per incident."""
    out: dict[str, dict[str, Any]] = {}
    onsets: dict[str, list[tuple[float, str]]] = {}
    for e in events:
        if e.kind != "impact":
            continue
        incident = e.data.get("incident")
        at = onsets.get(e.place)
        key = f"{e.place}{INCIDENT_SEP}{incident}" if incident else (at[-1][1] if at else e.place)
        if key not in out:
            out[key] = dict(e.data)
            onsets.setdefault(e.place, []).append((e.t, key))    # clocks start when each site is first hit
            continue
        d = out[key]
        for k in ("killed", "trapped", "injured", "homeless"):
            d[k] += e.data[k]
        d["intensity"] = max(d["intensity"], e.data["intensity"])
    return out, onsets


def _site_at(onsets: dict[str, list[tuple[float, str]]], place: str, t: float) -> tuple[float, str] | None:
    """(onset, site) of the latest site at a place struck by time t, or None."""
    at = onsets.get(place)
    if not at or t < at[0][0]:
        return None
    return at[bisect_right(at, (t, "\uffff")) - 1]


def relief_day_kpis(events: list[Event]) -> dict[str, Any]:
    """Person-days without basic needs: each day's homeless count, for the part of that day (up to
    the horizon) before deliveries covered the day's needs. 0 when every day is covered at its start."""
    horizon = max((e.t for e in events), default=0.0)
    covered: dict[tuple[str, int], float] = {}
    for e in events:
        if e.kind == "relieved":
            covered.setdefault((e.place, e.data.get("day", 1)), e.t)
    short = 0.0
    for e in events:
        if e.kind == "needs" and e.t < horizon:
            end = min(e.t + DAY_MIN, horizon, covered.get((e.place, e.data["day"]), math.inf))
            short += e.data["people"] * max(0.0, end - e.t) / DAY_MIN
    return {"relief.days_short": round(short, 1)}


def road_kpis(events: list[Event]) -> dict[str, Any]:
    """Hours from each link's closure until a clearing team reopened it (None: never), and from each
    site's cut-off until a road joined it to the top depot again (None: never in the horizon)."""
    closed: dict[str, float] = {}
    cut: dict[str, float] = {}
    reopened: dict[str, float] = {}
    joined: dict[str, float] = {}
    for e in events:
        if e.kind == "road_damage":
            for a, b in e.data["closed"]:
                closed.setdefault(f"{a}|{b}", e.t)
            for site in e.data.get("cut_off", ()):
                cut.setdefault(site, e.t)
        elif e.kind == "road_cleared":
            reopened.setdefault("|".join(e.data["link"]), e.t)
            for site in e.data["reconnected"]:
                joined.setdefault(site, e.t)
    hours = {k: (round((reopened[k] - t) / 60, 2) if k in reopened else None) for k, t in closed.items()}
    back = {k: (round((joined[k] - t) / 60, 2) if k in joined else None) for k, t in cut.items()}
    return {"roads.reopened_h": hours, "roads.cut_off_h": back,
            "roads.links_reopened": sum(v is not None for v in hours.values())}


def transport_kpis(events: list[Event]) -> dict[str, Any]:
    """Consignments (restocking transfers included) by how they travel: `road`, a trunk (`rail`,
    `air`), or where no road reaches from the start the last leg (`air` by helicopter, `porters`,
    `boat`, under `last_leg:`); and the tonnes the rail and air trunk legs carried."""
    by_mode: dict[str, int] = {}
    tonnes = {"rail": 0.0, "air": 0.0}
    for e in events:
        if e.kind == "dispatch" and e.agent.startswith("consignment#"):
            mode = e.data.get("trunk") or (e.data["mode"] if e.data["mode"] == "road" else f"last_leg:{e.data['mode']}")
            by_mode[mode] = by_mode.get(mode, 0) + 1
        elif e.kind == "leg" and e.data["mode"] in tonnes:
            tonnes[e.data["mode"]] += e.data["kg"] / 1000
    return {"relief.consignments_by_mode": dict(sorted(by_mode.items())),
            "relief.trunk_t": {k: round(v, 1) for k, v in tonnes.items()}}


def hazard_kpis(events: list[Event]) -> dict[str, Any]:
    """The main shock's isoseismal areas (cumulative km2 at or above VI..XI) and maximum intensity."""
    quakes = [e.data for e in events if e.kind == "quake"]
    if not quakes:
        return {}
    main = max(quakes, key=lambda d: d["magnitude"])
    return {"hazard.intensity_area_km2": main["areas_km2"], "hazard.max_intensity": main["max_intensity"]}


def care_kpis(events: list[Event]) -> dict[str, Any]:
    """The immediate (critical) category: brought to definitive care by road or air, or not in time."""
    by = {"road": [0, 0], "air": [0, 0]}
    for e in events:
        if e.kind == "medevac":
            by["road"][0] += e.data["alive"]
            by["road"][1] += e.data["dead"]
        elif e.kind == "evacuate":
            dead = e.data.get("died_before_care", 0)
            by["air"][0] += e.data["people"] - dead
            by["air"][1] += dead
    untreated = sum(e.data["critical_dead"] for e in events if e.kind == "unreached")
    return {"medevac.road_alive": by["road"][0], "medevac.air_alive": by["air"][0],
            "rescue.critical_deaths": by["road"][1] + by["air"][1] + untreated}


def command_kpis(events: list[Event]) -> dict[str, Any]:
    """Response levels on both ladders and when, requests and their approval + transfer times, mutual aid."""
    approvals = [e.data["approval_min"] + (e.data["transfer_min"] or 0.0) for e in events
                 if e.kind == "approve" and e.data.get("request") in ("aviation", "ground")
                 and e.data.get("transfer_min") is not None]
    aid = [e.data["after_request_min"] for e in events if e.kind == "mutual_aid_arrived"]
    return {
        **ladder_kpis(events, "level", "command"),
        **ladder_kpis(events, "national_level", "command.national"),
        "command.requests": sum(e.kind == "request" for e in events),
        "command.request_median_min": round(float(np.median(approvals)), 2) if approvals else None,
        "command.mutual_aid_min": round(min(aid), 2) if aid else None,
    }


def ladder_kpis(events: list[Event], kind: str, prefix: str) -> dict[str, Any]:
    """One response ladder: the level reached, its rank, when, and when each level was first reached."""
    levels = [e for e in events if e.kind == kind]
    final = levels[-1].data["level"] if levels else None
    first: dict[str, float] = {}
    for e in levels:
        first.setdefault(e.data["level"], round(e.t, 2))
    return {f"{prefix}.level": final,
            f"{prefix}.level_rank": {"I": 1, "II": 2, "III": 3, "IV": 4}.get(final),
            f"{prefix}.time_to_level_min": round(levels[-1].t, 2) if levels else None,
            f"{prefix}.level_time_min": first}


def check_objectives(summary: dict[str, Any], objectives) -> list[dict[str, Any]]:
    """Pass/fail of each plan objective against this run's KPIs."""
    out = []
    for o in objectives:
        value = summary.get(o.kpi)
        if value is None:
            passed = False
        elif o.at_least is not None:
            passed = value >= o.at_least
        else:
            passed = value <= o.at_most
        out.append({"id": o.id, "kpi": o.kpi, "value": value,
                    "target": f">= {o.at_least}" if o.at_least is not None else f"<= {o.at_most}", "pass": passed})
    return out
