"""`calibrate`: would PAGER's China parameters, refitted on the bundled quakes, predict a quake they
were not fitted on better than the published ones? Leave-one-out on the historical scenarios' records.

Each quake's exposure is the model's own: the people at each PAGER level, each county's urban share
at its seat and the rest spread over its land (`Earthquake.shaken_cells`), a town's people at the
town. Its expected deaths are sum_n E_n nu(n; theta, beta), PAGER's closed form, which the model's
runs scatter around (they add who is reached in time). theta and beta are fitted by least squares on
ln(expected / record) (the log residual Jaiswal & Wald 2010 fit on), starting from the published values.

Are the published model's errors on these quakes within the error it states? PAGER gives China's
uncertainty as ln(deaths) ~ N(ln(expected), G), G = 2.013 (`PAGER_G`). Then z = ln(expected / record) / G
is standard normal per quake: sum z^2 is chi-square with n degrees of freedom, sqrt(n) mean(z) is
standard normal (a bias test), and the median |log10| error to expect is 0.6745 G / ln 10 = 0.59
(`stated_error`). A weak test with six quakes: at 95 % it rejects only a typical error beyond x18
(sum z^2 > 12.6), and it cannot tell G from half of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import ndtr
from scipy.stats import chi2, norm

from sim.experiments.history import official_map
from sim.hazards.earthquake import LN10, PAGER_BETA, PAGER_G, PAGER_MAX_S, PAGER_THETA, Earthquake, pager_level
from sim.scenario.catalogue import load_catalogue
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import LoadedScenario, load_scenario
from sim.world.world import build_world

CITED = ("census", "cited")                                 # population sources that are counts with a source
LEVELS = np.arange(int(PAGER_MAX_S) + 1, dtype=float)      # PAGER levels 0..10 (10: X and above)


@dataclass(frozen=True)
class Quake:
    """One historical quake as the calibration sees it."""
    name: str
    record: float               # deaths and missing
    exposure: np.ndarray        # people at each of LEVELS
    counted: np.ndarray | None = None    # of them, people whose place's figure is a cited count


def exposure(quake: Earthquake, world, floor: float, cited_only: bool = False) -> np.ndarray:
    """People at each PAGER level as the model places them (the exposure behind its deaths); with
    `cited_only`, only the people of places whose figure is a cited count (`Place.population_source`)."""
    who, level, km2, area = quake.shaken_cells(world, floor)
    top = len(LEVELS) - 1
    level = np.minimum(level, top).astype(int)
    out = np.zeros(len(LEVELS))
    at = quake.field(world.cand_lat, world.cand_lon, floor)
    for i, (place, v) in enumerate(zip(world.candidates, at)):
        if v < floor or place.population <= 0 or (cited_only and place.population_source not in CITED):
            continue
        seat = min(int(pager_level(v)), top)
        mine = who == i
        if mine.any() and area[i] > 0:
            spread = np.bincount(level[mine], km2[mine], len(LEVELS)) / area[i]
            out[seat] += place.seat_share * place.population
            out += (1 - place.seat_share) * place.population * spread
        else:
            out[seat] += place.population
    return out


def counted_share(q: Quake) -> tuple[float, float]:
    """Share of a quake's exposed people (VI and above), and of its expected deaths, that rest on cited
    counts: how much of the exposure is real figures rather than a scenario's estimate."""
    people = q.exposure[6:].sum()
    deaths = expected_deaths(q.exposure, PAGER_THETA, PAGER_BETA)
    return (float(q.counted[6:].sum() / people) if people else 0.0,
            float(expected_deaths(q.counted, PAGER_THETA, PAGER_BETA) / deaths) if deaths else 0.0)


def quakes(paths: list[Path], over_map: bool = False) -> list[Quake]:
    """The quakes among `paths` whose record gives their deaths (over the record's official map, if
    `over_map`: then only those with one, from VI to its maximum)."""
    out = []
    for path in paths:
        loaded = load_scenario(path)
        record = next((f.value for f in loaded.scenario.record if f.kpi == "rescue.deaths"), None)
        shocks = [h for h in loaded.scenario.hazards if isinstance(h, Earthquake)]
        if record is None or len(shocks) != 1:
            continue
        if over_map:
            mapped = official_map(loaded)
            if mapped is None:
                continue
            loaded = apply_overrides(loaded, dict([mapped]))
        out.append(Quake(loaded.scenario.scenario, float(record), *_exposure(loaded)))
    return out


def _exposure(loaded: LoadedScenario) -> tuple[np.ndarray, np.ndarray]:
    """All the exposed people per level, and those counted by cited figures."""
    spec = loaded.effective()
    quake = next(h for h in spec.hazards if isinstance(h, Earthquake))
    world = build_world(spec, load_catalogue())
    return (exposure(quake, world, spec.min_intensity),
            exposure(quake, world, spec.min_intensity, cited_only=True))


def expected_deaths(e: np.ndarray, theta: float, beta: float) -> float:
    """PAGER's expected deaths for exposure `e` (people per level)."""
    rates = np.zeros(len(LEVELS))
    rates[1:] = ndtr(np.log(LEVELS[1:] / theta) / beta)
    return float(e @ rates)


def fit(sample: list[Quake]) -> tuple[float, float]:
    """theta and beta minimising the squared ln error over `sample`, from PAGER's published values."""
    def loss(p: np.ndarray) -> float:
        theta, beta = p
        if not (5.0 < theta < 50.0 and 0.02 < beta < 2.0):
            return 1e12
        return sum(np.log(max(expected_deaths(q.exposure, theta, beta), 1e-9) / q.record) ** 2 for q in sample)
    best = minimize(loss, np.array([PAGER_THETA, PAGER_BETA]), method="Nelder-Mead",
                    options={"xatol": 1e-6, "fatol": 1e-9, "maxiter": 4000})
    return float(best.x[0]), float(best.x[1])


def leave_one_out(sample: list[Quake]) -> dict[str, Any]:
    """Per quake: the record, PAGER's published prediction and the prediction of a fit on the others,
    with their log10 errors and the shares of people and deaths on cited counts; the fit on all; median
    and mean |log10| of both."""
    rows = []
    for k, q in enumerate(sample):
        theta, beta = fit(sample[:k] + sample[k + 1:])
        published = expected_deaths(q.exposure, PAGER_THETA, PAGER_BETA)
        refit = expected_deaths(q.exposure, theta, beta)
        rows.append({"quake": q.name, "record": q.record, "published": published, "loo": refit,
                     "loo_theta": theta, "loo_beta": beta,
                     "published_log10": _log10(published / q.record), "loo_log10": _log10(refit / q.record),
                     **(dict(zip(("counted_people", "counted_deaths"), counted_share(q))) if q.counted is not None
                        else {})})
    theta, beta = fit(sample)
    summary = {f"{k}_{stat}": float(fn([abs(r[f"{k}_log10"]) for r in rows]))
               for k in ("published", "loo") for stat, fn in (("median", np.median), ("mean", np.mean))}
    return {"rows": rows, "theta": theta, "beta": beta, **summary}


def out_of_sample(fit_on: list[Quake], test_on: list[Quake]) -> dict[str, Any]:
    """A fit on `fit_on` (e.g. the quakes over their official maps, the cleaner exposure) tried on quakes
    it never saw: per quake the published and the refitted log10 errors, and their medians."""
    theta, beta = fit(fit_on)
    rows = [{"quake": q.name, "record": q.record,
             "published_log10": _log10(expected_deaths(q.exposure, PAGER_THETA, PAGER_BETA) / q.record),
             "refit_log10": _log10(expected_deaths(q.exposure, theta, beta) / q.record)} for q in test_on]
    return {"theta": theta, "beta": beta, "fit_on": [q.name for q in fit_on], "rows": rows,
            **{f"{k}_median": float(np.median([abs(r[f"{k}_log10"]) for r in rows])) for k in ("published", "refit")}}


def calibration(paths: list[Path], over_map: bool = False) -> dict[str, Any] | None:
    """Leave-one-out over the quakes of `paths` (None if fewer than 3 have a recorded toll) and, over the
    model's intensity, the out-of-sample check of a fit on the quakes with official maps."""
    sample = quakes(paths, over_map)
    if len(sample) < 3:
        return None
    loo = leave_one_out(sample)
    report = {"over_map": over_map, **loo, "out_of_sample": None,
              "stated_error": stated_error([r["published_log10"] for r in loo["rows"]])}
    mapped = [] if over_map else quakes(paths, over_map=True)
    unseen = [q for q in sample if q.name not in {m.name for m in mapped}]
    if len(mapped) >= 2 and unseen:
        report["out_of_sample"] = out_of_sample(mapped, unseen)
    return report


def stated_error(log10_errors: list[float], g: float = PAGER_G) -> dict[str, float]:
    """How the published model's errors sit against its own stated uncertainty G (on ln deaths):
    chi-square of sum z^2 (p: the chance of errors at least this large if G is right), the mean z and the
    two-sided p of a bias that large, and the median |log10| that G predicts beside the one measured."""
    z = np.asarray(log10_errors) * LN10 / g
    n = len(z)
    return {"n": n, "chi2": float(z @ z), "chi2_p": float(chi2.sf(z @ z, n)), "mean_z": float(z.mean()),
            "bias_p": float(2 * norm.sf(abs(z.mean()) * np.sqrt(n))),
            "expected_median": float(norm.ppf(0.75) * g / LN10),
            "measured_median": float(np.median(np.abs(log10_errors)))}


def _log10(ratio: float) -> float:
    return float(np.log10(max(ratio, 1e-12)))
