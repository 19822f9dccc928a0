"""Public warnings: channels reach people with delays; warned people evacuate; coverage is a KPI.

A forecastable hazard (flood, typhoon, forest fire, a dammed lake) knows when it will reach each
place, so it warns that place ahead: at a fixed hour (a red rainstorm warning for a whole city) or a
lead time before the forecast impact. Each channel reaches a share of the people after its delay;
channels are independent, so after channels a, b the share warned is 1 - (1 - ra)(1 - rb). People
warned at time w and told to leave (`leave_share`) go at `evacuation_rate_per_h` (exponential), so
the share gone at impact T is leave_share x the sum over channels of their new share x
(1 - exp(-rate (T - w))): closed form, no ticking.
`warning.coverage` = people warned before impact / population of the places the hazard hit (the
plan's target: 90 %).
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, PositiveFloat, field_validator, model_validator

from sim.events import Event
from sim.scenario.catalogue import load_catalogue

FORECASTABLE = ("flood", "typhoon", "wildfire", "dam_breach")


class PublicWarning(BaseModel):
    """A hazard's `warning:` block: when the warning goes out and through which channels."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    channels: list[str] = Field(min_length=1)
    at_h: NonNegativeFloat | None = Field(None, description="issue time, hours since start, for every place")
    lead_h: NonNegativeFloat | None = Field(None, description="issue this long before each place's forecast impact")
    evacuation_rate_per_h: PositiveFloat | None = None   # default: the catalogue's
    leave_share: float = Field(1.0, ge=0, le=1, description="share of the warned told to leave (danger zones)")

    @field_validator("channels")
    @classmethod
    def _known(cls, channels: list[str]) -> list[str]:
        known = load_catalogue().warning_channels
        for c in channels:
            if c not in known:
                raise ValueError(f"unknown warning channel '{c}'; known: {', '.join(known)}")
        return channels

    @model_validator(mode="after")
    def _one_time(self) -> PublicWarning:
        if (self.at_h is None) == (self.lead_h is None):
            raise ValueError("give exactly one of at_h / lead_h")
        return self

    def issue_min(self, impact_min: float) -> float:
        """When the warning for a place hit at `impact_min` goes out (never before the start)."""
        return self.at_h * 60 if self.at_h is not None else max(0.0, impact_min - self.lead_h * 60)

    def steps(self) -> list[tuple[str, float, float]]:
        """(channel, delay after issue, new share warned), by delay: shares sum to the combined reach."""
        cat = load_catalogue().warning_channels
        left, out = 1.0, []
        for name in sorted(self.channels, key=lambda c: (cat[c].delay_min, c)):
            out.append((name, cat[name].delay_min, left * cat[name].reach))
            left *= 1 - cat[name].reach
        return out

    def rate_per_min(self) -> float:
        rate = self.evacuation_rate_per_h or load_catalogue().warning_settings.evacuation_rate_per_h
        return rate / 60

    def warned_share(self, issue_min: float, at_min: float) -> float:
        """Share of a place's people warned by `at_min` (before the moment, not at it)."""
        return sum(share for _, delay, share in self.steps() if issue_min + delay < at_min)

    def evacuated_share(self, issue_min: float, impact_min: float) -> float:
        """Share of a place's people gone when the hazard arrives."""
        rate = self.rate_per_min()
        return self.leave_share * sum(share * (1 - math.exp(-rate * (impact_min - issue_min - delay)))
                   for _, delay, share in self.steps() if issue_min + delay < impact_min)


def warn(model, warning: PublicWarning | None, place, impact_min: float, hazard: str) -> None:
    """Start the warning of one place: `warning_issued`, then one `warned` event per channel."""
    if warning is not None:
        model.env.process(_warn(model, warning, place, impact_min, hazard))


def _warn(model, warning: PublicWarning, place, impact_min: float, hazard: str):
    env = model.env
    issue = warning.issue_min(impact_min)
    yield env.timeout(max(0.0, issue - env.now))
    model.recorder.record(env.now, "warning_issued", "warning", place.id, hazard=hazard, name=place.name,
                          channels=list(warning.channels), forecast_impact_min=impact_min)
    for channel, delay, share in warning.steps():
        yield env.timeout(max(0.0, issue + delay - env.now))
        model.recorder.record(env.now, "warned", channel, place.id, people=round(place.population * share))


def evacuate(model, warning: PublicWarning | None, place, forecast_min: float) -> int:
    """People of a place who left before the hazard arrives now (recorded as `evacuated` at this
    moment); the warning went out as `warn` scheduled it for the forecast impact."""
    if warning is None:
        return 0
    people = int(place.population * warning.evacuated_share(warning.issue_min(forecast_min), model.env.now))
    if people:
        model.recorder.record(model.env.now, "evacuated", "warning", place.id, people=people)
    return people


def warning_kpis(events: Iterable[Event]) -> dict[str, Any]:
    """`warning.coverage` (warned before impact / population hit by forecastable hazards), people
    warned and evacuated; None where nothing forecastable struck."""
    impacts: dict[str, tuple[float, int]] = {}
    warned: dict[str, list[tuple[float, int]]] = {}
    evacuated = 0
    for e in events:
        if e.kind == "impact" and e.data.get("hazard") in FORECASTABLE:
            impacts.setdefault(e.place, (e.t, e.data["population"]))
        elif e.kind == "warned":
            warned.setdefault(e.place, []).append((e.t, e.data["people"]))
        elif e.kind == "evacuated" and e.agent == "warning":
            evacuated += e.data["people"]
    hit = sum(pop for _, pop in impacts.values())
    before = sum(min(pop, sum(n for t, n in warned.get(place, []) if t < at)) for place, (at, pop) in impacts.items())
    return {
        "warning.coverage": round(before / hit, 4) if hit else None,
        "warning.people_warned": sum(n for lst in warned.values() for _, n in lst),
        "warning.evacuated": evacuated,
    }
