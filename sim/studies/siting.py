"""Where to put new aviation bases: maximal covering (MCLP) and set covering (LSCP) as exact MILPs.

A site is covered when some aircraft reaches it within the time standard (static reach, the same
rules the simulation flies by). Candidates are (airport, aircraft type) pairs; each airport takes
at most one new type. MCLP (Church & ReVelle 1974): choose at most K candidates maximising the
population covered, max sum a_i y_i s.t. y_i <= sum_{j in N_i} x_j, sum x_j <= K. LSCP (Toregas et
al. 1971), here in its partial form: the fewest candidates covering a given population share.
Both are solved exactly by HiGHS through scipy.optimize.milp: no extra dependency, and national
instances (hundreds of airports, thousands of sites) solve in well under a second.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, eye_array, hstack

from sim.scenario.catalogue import Catalogue
from sim.studies.reach import Base, Sites, arrival_matrix, ready_minutes
from sim.world.geo import Airport


@dataclass(frozen=True)
class Coverage:
    """Which candidate covers which site, which sites the fleet already covers, and their weights."""
    candidates: list[Base]
    covers: np.ndarray       # bool, sites x candidates
    existing: np.ndarray     # bool, per site
    weight: np.ndarray       # population per site

    def share(self, covered: np.ndarray) -> float:
        total = self.weight.sum()
        return float(self.weight[covered].sum() / total) if total else 0.0


@dataclass(frozen=True)
class Solution:
    chosen: list[int]        # indices into Coverage.candidates
    covered: np.ndarray      # bool per site, existing coverage included
    status: str
    seconds: float


def candidate_bases(airports: Sequence[Airport], types: Sequence[str], start: datetime, hours: float,
                    cat: Catalogue) -> list[Base]:
    """Every (airport, type) pair, ready as it would be at the scenario start."""
    out = []
    for a in airports:
        for t in types:
            spec = cat.aircraft[t]
            out.append(Base(f"{t}@{a.icao}", t, spec, a, *ready_minutes(spec, a, start, hours)))
    return out


def candidate_points(forces: Sequence, start: datetime, hours: float, cat: Catalogue) -> list[Base]:
    """Candidate bases anywhere (forest-protection stations, helipads, landing points): one per CSV
    row of `read_bases_csv`, with the type that row names."""
    from sim.world.bases import resolve_base
    out = []
    for f in forces:
        spec, where = cat.aircraft[f.type], resolve_base(f.base)
        out.append(Base(f"{f.type}@{where.icao}", f.type, spec, where, *ready_minutes(spec, where, start, hours)))
    return out


def coverage(candidates: Sequence[Base], sites: Sites, existing_min: np.ndarray, airports: Sequence[Airport],
             cat: Catalogue, within_min: float) -> Coverage:
    """Coverage sets N_i of every site under the time standard."""
    t, _, _ = arrival_matrix(candidates, sites, airports, cat.aviation_settings, horizon_min=within_min)
    return Coverage(list(candidates), (t <= within_min).T, np.asarray(existing_min) <= within_min,
                    sites.population.astype(float))


def _useful(cov: Coverage) -> np.ndarray:
    """Candidates worth a variable: covering an uncovered site, not dominated at their own airport.

    Dropping a candidate whose new coverage is a subset of another type's at the same airport
    never changes the optimum (one type per airport), and shrinks national instances a lot. Among
    types with equal new coverage the one covering more sites in all (backup) is kept.
    """
    new = cov.covers & ~cov.existing[:, None]
    keep = new.any(axis=0)
    rank = np.lexsort((-np.arange(new.shape[1]), cov.covers.sum(axis=0), new.sum(axis=0)))  # ascending
    better = np.empty_like(rank)
    better[rank] = np.arange(len(rank))   # higher: more new sites, then more sites in all, then earlier
    by_airport: dict[str, list[int]] = {}
    for j in np.flatnonzero(keep):
        by_airport.setdefault(cov.candidates[j].airport.icao, []).append(int(j))
    for cols in by_airport.values():
        for j in cols:
            for k in cols:
                if k != j and better[k] > better[j] and np.all(new[:, j] <= new[:, k]):
                    keep[j] = False
                    break
    return np.flatnonzero(keep)


def _model(cov: Coverage, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[LinearConstraint]]:
    """Variables [x over cols, y over open sites]; rows y_i - sum x_j <= 0 and one type per airport."""
    open_sites = np.flatnonzero(~cov.existing & cov.covers[:, cols].any(axis=1))
    n_x, n_y = len(cols), len(open_sites)
    link = hstack([csr_array(-cov.covers[np.ix_(open_sites, cols)].astype(float)), eye_array(n_y)], format="csr")
    airports = sorted({cov.candidates[j].airport.icao for j in cols})
    row = {icao: i for i, icao in enumerate(airports)}
    one = np.zeros((len(airports), n_x + n_y))
    for k, j in enumerate(cols):
        one[row[cov.candidates[j].airport.icao], k] = 1.0
    constraints = [LinearConstraint(link, -np.inf, 0.0), LinearConstraint(csr_array(one), 0.0, 1.0)]
    integrality = np.r_[np.ones(n_x), np.zeros(n_y)]   # y stays integral at the optimum
    return open_sites, integrality, constraints


def _solve(c: np.ndarray, integrality: np.ndarray, constraints: list[LinearConstraint]):
    t0 = time.perf_counter()
    res = milp(c, integrality=integrality, bounds=Bounds(0, 1), constraints=constraints,
               options={"mip_rel_gap": 0.0})
    return res, time.perf_counter() - t0


def mclp(cov: Coverage, k: int) -> Solution:
    """At most k new bases maximising the population covered (existing coverage counted as given).

    Among optimal choices, the fewest bases: a second solve minimises their number at the optimum
    coverage, so a budget larger than needed never yields bases that add nothing.
    """
    cols = _useful(cov)
    if k <= 0 or not len(cols):
        return Solution([], cov.existing.copy(), "nothing to add", 0.0)
    open_sites, integrality, constraints = _model(cov, cols)
    budget = LinearConstraint(np.r_[np.ones(len(cols)), np.zeros(len(open_sites))][None, :], 0, k)
    c = np.r_[np.zeros(len(cols)), -cov.weight[open_sites]]
    res, seconds = _solve(c, integrality, [*constraints, budget])
    fewest = _fewest(cov, cols, -res.fun, [budget])
    return Solution(fewest.chosen, fewest.covered, res.message, seconds + fewest.seconds)


def lscp(cov: Coverage, share: float) -> Solution | None:
    """The fewest new bases covering `share` of the population; None if all candidates together fall short."""
    need = share * cov.weight.sum() - cov.weight[cov.existing].sum()
    if need <= 1e-9:
        return Solution([], cov.existing.copy(), "already met", 0.0)
    cols = _useful(cov)
    if not len(cols) or cov.share(cov.existing | cov.covers[:, cols].any(axis=1)) < share - 1e-12:
        return None
    return _fewest(cov, cols, need)


def _fewest(cov: Coverage, cols: np.ndarray, need: float, extra: Sequence[LinearConstraint] = ()) -> Solution:
    """Fewest candidates among `cols` newly covering at least `need` population."""
    open_sites, integrality, constraints = _model(cov, cols)
    demand = np.r_[np.zeros(len(cols)), cov.weight[open_sites]]
    tol = 1e-9 * max(1.0, need)
    c = np.r_[np.ones(len(cols)), np.zeros(len(open_sites))]
    res, seconds = _solve(c, integrality, [*constraints, *extra, LinearConstraint(demand[None, :], need - tol, np.inf)])
    x = np.round(res.x[:len(cols)]).astype(bool)
    chosen = [int(j) for j in cols[x]]
    return Solution(chosen, cov.existing | cov.covers[:, chosen].any(axis=1), res.message, seconds)
