"""Civil twilight from date and position, offline: when a day-only aircraft may fly.

NOAA's "General Solar Position Calculations" approximations (declination and equation of time as
Fourier series in the day of year); civil twilight is the sun 6 degrees below the horizon
(zenith 96 deg). Accurate to a few minutes, plenty for a launch decision.
"""
from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from functools import lru_cache

CIVIL_ZENITH_DEG = 96.0


def civil_twilight_utc(day: datetime, lat: float, lon: float) -> tuple[datetime, datetime] | None:
    """(dawn, dusk) in UTC on the UTC date of `day`; None in polar day or night."""
    d = day.astimezone(UTC)
    gamma = 2 * math.pi / 365 * (d.timetuple().tm_yday - 1)
    eqtime = 229.18 * (0.000075 + 0.001868 * math.cos(gamma) - 0.032077 * math.sin(gamma)
                       - 0.014615 * math.cos(2 * gamma) - 0.040849 * math.sin(2 * gamma))
    decl = (0.006918 - 0.399912 * math.cos(gamma) + 0.070257 * math.sin(gamma) - 0.006758 * math.cos(2 * gamma)
            + 0.000907 * math.sin(2 * gamma) - 0.002697 * math.cos(3 * gamma) + 0.00148 * math.sin(3 * gamma))
    phi = math.radians(lat)
    cos_h = math.cos(math.radians(CIVIL_ZENITH_DEG)) / (math.cos(phi) * math.cos(decl)) - math.tan(phi) * math.tan(decl)
    if abs(cos_h) > 1:
        return None
    h = math.degrees(math.acos(cos_h))
    midnight = datetime(d.year, d.month, d.day, tzinfo=UTC)
    noon = 720 - 4 * lon - eqtime
    return midnight + timedelta(minutes=noon - 4 * h), midnight + timedelta(minutes=noon + 4 * h)


@lru_cache(maxsize=4096)
def daylight_windows(start: datetime, hours: float, lat: float, lon: float) -> tuple[tuple[float, float], ...]:
    """(dawn, dusk) pairs in minutes since `start`, covering the run (one evaluation per day, not per
    question; and per base and scenario, not per aircraft or run)."""
    out = []
    for offset in range(-1, int(hours // 24) + 3):
        try:
            tw = civil_twilight_utc(start + timedelta(days=offset), lat, lon)
        except OverflowError:        # past year 9999: no calendar day (the schema keeps scenarios in 1900..2200)
            continue
        if tw is not None:
            out.append(tuple((t - start).total_seconds() / 60 for t in tw))
    return tuple(sorted(out))
