"""Survival in closed form: of trapped people by the time they are reached, of the critically injured
by the time they reach definitive care. Shared by the hazards (damage budgets) and the agents.

Survival of trapped people is evaluated in closed form at the moment of rescue (no ticking). The
figures recorded after the 1976 Tangshan earthquake, which Chinese rescue doctrine quotes for the
"golden 72 hours" (China Earthquake Administration / 中国地震应急搜救中心 training material), are
the shares alive among people rescued *during* each period: within 30 min 99.3 %, day 1 81 %,
day 2 53.7 %, day 3 36.7 %, day 4 19 %, day 5 7.4 %. `survival(t)` is the piecewise-linear
function through knots at 0, 0.5, 24, ..., 120 h whose *mean over each period* equals the
published figure (knot values solved in `_knots`, starting from 1.0 at onset); it is monotone,
and beyond day 5 it decays at the day-5 rate.

Injured people are triaged (START / 检伤分类: immediate, delayed, minor). The immediate category
dies without definitive care: `critical_survival(t)` falls from 1 - m0 with the slope of Clarke
et al. (2002), "Time to laparotomy for intra-abdominal bleeding from trauma does affect survival
for delays up to 90 minutes", J Trauma 52(3): 420-425: the probability of death rose by about 1 %
for every 3 minutes of delay. Beyond the 90 minutes the study covers we continue that initial
hazard as an exponential decay (assumption, so that survival never goes below zero).
"""
from __future__ import annotations

import bisect
import math

PERIOD_HOURS = (0.0, 0.5, 24.0, 48.0, 72.0, 96.0, 120.0)
PERIOD_SURVIVAL = (0.993, 0.81, 0.537, 0.367, 0.19, 0.074)   # mean over [0, 0.5 h], day 1 ([0, 24 h]), day 2 ...

# critical casualties were ~10-20 % of survivors in mass-casualty events (Frykberg 2002, J Trauma 53: 201-212)
IMMEDIATE_SHARE = 0.15        # of the injured; assumed within that range
REFERENCE_CARE_MIN = 240.0    # time to surgical care of the critical in the responses tolls record; assumption
BASE_MORTALITY = 0.1          # immediate patients treated at once; assumption
DEATH_PER_MIN = 0.01 / 3      # Clarke et al. (2002): +1 % probability of death per 3 minutes of delay


def _knots() -> tuple[float, ...]:
    """Knot values v(t_k) of a piecewise-linear survival whose period means are PERIOD_SURVIVAL."""
    h = PERIOD_HOURS
    v = [1.0, 2 * PERIOD_SURVIVAL[0] - 1.0]
    day1 = PERIOD_SURVIVAL[1] * h[2] - PERIOD_SURVIVAL[0] * h[1]      # area of day 1 after the first 30 min
    v.append(2 * day1 / (h[2] - h[1]) - v[1])
    for mean in PERIOD_SURVIVAL[2:]:
        v.append(2 * mean - v[-1])
    return tuple(v)


SURVIVAL_KNOTS = _knots()
TAIL_RATE_PER_H = math.log(SURVIVAL_KNOTS[-2] / SURVIVAL_KNOTS[-1]) / 24.0


def survival(hours: float) -> float:
    """Share of trapped people still alive when reached `hours` after onset."""
    if hours >= PERIOD_HOURS[-1]:
        return SURVIVAL_KNOTS[-1] * math.exp(-TAIL_RATE_PER_H * (hours - PERIOD_HOURS[-1]))
    i = max(1, bisect.bisect_right(PERIOD_HOURS, hours))
    h0, h1, s0, s1 = PERIOD_HOURS[i - 1], PERIOD_HOURS[i], SURVIVAL_KNOTS[i - 1], SURVIVAL_KNOTS[i]
    return s0 + (s1 - s0) * (hours - h0) / (h1 - h0)


def critical_survival(minutes: float) -> float:
    """Share of immediate-category patients alive on reaching definitive care `minutes` after injury."""
    alive_at_once = 1.0 - BASE_MORTALITY
    return alive_at_once * math.exp(-DEATH_PER_MIN / alive_at_once * max(0.0, minutes))
