"""Summaries of many runs: mean with a 95 % confidence interval, percentiles, paired differences."""
from __future__ import annotations

import math

import numpy as np
from scipy import stats


def describe(values: list[float]) -> dict[str, float | None]:
    """Mean, p50, p90 and the 95 % t-interval of the mean over runs (NaN runs = never, left out)."""
    v = np.asarray([x for x in values if x is not None and not math.isnan(x)], dtype=float)
    if v.size == 0:
        return {"n": 0, "mean": None, "p50": None, "p90": None, "ci95": None}
    lo, hi = _t_interval(v)
    return {"n": int(v.size), "mean": float(v.mean()), "p50": float(np.percentile(v, 50)),
            "p90": float(np.percentile(v, 90)), "ci95": [lo, hi]}


def paired(a: list[float], b: list[float]) -> dict[str, float | None]:
    """Mean of B - A over the same seeds with its 95 % t-interval (pairs with a NaN side dropped)."""
    pairs = [(x, y) for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]
    if not pairs:
        return {"n": 0, "diff": None, "ci95": None}
    d = np.array([y - x for x, y in pairs])
    lo, hi = _t_interval(d)
    return {"n": len(pairs), "diff": float(d.mean()), "ci95": [lo, hi]}


def _t_interval(v: np.ndarray) -> tuple[float, float]:
    mean = float(v.mean())
    if v.size < 2 or float(v.std(ddof=1)) == 0.0:
        return mean, mean
    half = float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size))
    return mean - half, mean + half
