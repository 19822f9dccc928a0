"""Earthquake: magnitude and epicentre -> seismic intensity per place -> casualties and road damage.

Intensity: the western-China attenuation relation of Wang Suyun, Yu Yanxiang, Gao Ajia & Yan Xiujie
(2000), "Determination of attenuation relations of ground motion in China by zones"
(汪素云等, 中国分区地震动衰减关系的确定, 中国地震 16(2): 99-106), elliptical form:
    long axis   I = 5.253 + 1.398 M - 4.164 lg(R + 26)
    short axis  I = 2.019 + 1.398 M - 2.943 lg(R + 8)      (R: epicentral distance, km)
A place off both axes lies on the ellipse through it; we find its intensity by Newton's method.
The relation is fitted on shallow crustal events, so depth is checked (<= 70 km) but not used.

Near field: a finite rupture. A point source cannot make Luding's IX zone (280 km2), which lies
along the Moxi fault. The rupture is a segment along strike centred on the epicentre, of the
subsurface length of Wells & Coppersmith (1994, BSSA 84(4): 974-1002, table 2A, all slip types):
    lg RLD = -2.44 + 0.59 M      (37 km at M 6.8; their M is moment magnitude, ours the
                                  scenario's, usually Ms: an assumption that lengthens it a little)
Distance is measured from the segment with confocal elliptic coordinates (foci at its ends): a
point on the ellipse of semi-axes (A, B) about the segment is mapped to x' = x B / A, y' = y.
So r' = B is 0 on the rupture, equals the epicentral distance across strike and tends to it far
away (short by h²/2R, h the half-length); the published relation, with its published near-source
terms (26 and 8 km), is applied at (x', y'): the far field stays as published, the isoseismals
lengthen along strike near the source (sqrt(ra² + h²) instead of ra).
Where the rupture ran one way from the instrumental epicentre (Yushu 2010), the scenario may give
its centre (`rupture_centre`, from a field survey's macroseismic epicentre); the field is centred there.
Within the saturation distance of the rupture, r' <= 5.57 km (the fictitious depth h of Boore,
Joyner & Fumal 1997, SRL 68(1): 128-153, table 8, PGA: inside it their distance term changes by
less than a factor sqrt 2), the intensity is at least the epicentral intensity of Chinese
earthquakes, M = 0.58 I0 + 1.5 (Li Shanbang 李善邦, 中国地震, 1981), I0 = 9.14 at M 6.8: the
meizoseismal zone. The published relation alone tops out at 5.253 + 1.398 M - 4.164 lg 26
(8.87 at M 6.8); the two agree at the source near M 6.0, so smaller events keep their published
peak and I0 only fills the edge of their saturation zone. No constant here is fitted to any event.
Zone areas (cumulative land area, km2, official vs model, `intensity_areas`): Luding 2022 M6.8
(Ministry of Emergency Management, 2022-09-11): VI+ 19,089 vs 21,808 (+14 %), VII+ 4,393 vs 4,290
(-2 %), VIII+ 785 vs 653 (-17 %), IX+ 280 vs 337 (+20 %); the point source gave 22,641, 4,455, 571
and 5. The model's areas depend on magnitude alone, and official maps of like events scatter
around them: IX+ at Dingri 2025 M6.8 411 vs 345 (-16 %, MEM/CEA 2025-01-10) and Jiuzhaigou 2017
M7.0 139 vs 439 (x3.2, CEA 2017-08-12); VIII+ at Jishishan 2023 M6.2 331 vs 174 (MEM 2023-12-22),
Kangding 2014 M6.3 340 vs 191 (CEA 2014-11-25); Shangri-La 2013 M5.9 reached VIII (118 km2, CEA
2013-09-06) where I0 = 7.6 gives none. Expect a factor of about 2 on one event's zone areas.
To replay a past quake as it was mapped, a scenario may give the official map (`isoseismals:`,
`sim.hazards.isoseismals`): the field is remapped monotonically so that its zones take the map's
areas. `history` does so for each quake whose record holds a map (from VI to its maximum): over the
maps the four quakes' errors, x0.44 to x11 over the model's field, close to x2.4-x6.3, all over (README):
the spread is the intensity's, one degree being a factor 16 in PAGER's rate at VIII-IX.

Deaths follow the USGS PAGER empirical fatality model (Jaiswal & Wald 2010, "An empirical model for
global earthquake fatality estimation", Earthquake Spectra 26(4): 1017-1037): the fatality rate at
shaking intensity S is nu(S) = Phi(ln(S / theta) / beta), with China's parameters fitted on 120
Chinese earthquakes of 1973-2008: theta = 10.328811, beta = 0.100058 (USGS PAGER `fatality.xml`,
model version 2.2, as shipped in the PyPI package esi-utils-pager 1.1.19). The Chinese intensity
scale (GB/T 17742) is built to agree with MMI degree for degree, so S is the degree of a place,
capped at 10 as PAGER does. The degree is floor(I): Wang et al. fit I to the radius of the
isoseismal of degree I, the outer edge of that zone, so zone n is n <= I < n + 1. PAGER counts the
people of each integer MMI level n (ShakeMap MMI within n +- 0.5, `calc_exposure` in
esi-utils-pager's losspager/models/exposure.py) and applies nu(n). Feeding PAGER the continuous I
instead would put every place half a degree high (a factor of 3 to 5 on nu at VIII-IX).
Exposure: each county's people by the census of the scenario's year (`sim.world.census`: the 6th and
7th censuses' county tables, interpolated between them), its census urban share at its seat and the
rest spread evenly over its land; a town a scenario names holds its own people (Moxi: 7,243).
The published theta and beta stay. Over the four official maps (Jiuzhaigou 2017, Luding 2022,
Jishishan 2023, and Ludian 2014's VI and IX) all four tolls are over-predicted, by x2.2 to x5.4, and a
refit on them (theta 13.00, beta 0.170) predicts each one left out within x1.3: the vulnerability of
these quakes looks a fifth to a third of PAGER's 1973-2008 China fit. On the two quakes without a map
(over the model's field) the refit does a little better at the median (|log10| 0.58 vs 0.70) but not
on both: Lushan 2013 +1.17 -> +0.64, Yushu 2010 +0.23 -> -0.52, and Ludian's
weight rests on Longtoushan's 30,000, the scenario's own estimate. The published values' errors are
within the error PAGER states for China (chi-square p 0.62 over six quakes, a weak test: it rejects
only a typical error beyond x18). Not enough to replace a fit on 120 quakes (`sim.experiments.calibrate`,
`run_sim.py calibrate`).
PAGER's deaths are those of a historical response, in which part of the trapped
died waiting; we split them the way Coburn & Spence's engineering model does (Coburn, Spence &
Pomonis 1992; Coburn & Spence, "Earthquake Protection", 2nd ed., 2002, ch. 9): of the people
trapped in collapses a share M4 = 0.2 (masonry) die at once and a share M5 of the rest die later;
M5 = 0.5 is their post-collapse mortality for a community with emergency services. So the trapped
are deaths / (M4 + M5 (1 - M4)), M4 of them killed outright; the rest wait, and their fate is
decided by when rescuers reach them (`agents.affected.survival`). The injured are PAGER's deaths
times the injured-per-dead ratio of documented Chinese earthquakes (`INJURY_RECORDS`: the median,
with its leave-one-out error in `injury_ratio_loo`); the homeless share by intensity is an
assumption, flagged below.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat, model_validator

from sim.hazards.care import IMMEDIATE_SHARE, REFERENCE_CARE_MIN, critical_survival
from sim.hazards.isoseismals import DEGREES, Isoseismals, Remap
from sim.world.geo import bearing_deg, haversine_km

PAGER_THETA, PAGER_BETA = 10.328811, 0.100058   # China (CN), PAGER fatality.xml v2.2 (Jaiswal & Wald 2010)
PAGER_MAX_S = 10.0                               # PAGER caps shaking at MMI X
# PAGER's own uncertainty of a death estimate for China: ln(deaths) ~ N(ln(expected), G), G = 2.013134
# (`gnormvalue` of CN in fatality.xml v2.2; esi-utils-pager 1.1.19 probs.calcEmpiricalProbFromValue uses
# it for the alert probabilities). Its 90 % band is a factor exp(1.645 G) = 27 either way.
PAGER_G = 2.013134
KILLED_AT_ONCE_M4 = 0.2      # Coburn & Spence 2002, masonry: dead among trapped at collapse
POST_COLLAPSE_M5 = 0.5       # Coburn & Spence 2002: mortality of the trapped, community + emergency services
# (event, dead, missing, injured, source): official tolls; calibration set for the injured ratio
# (Luding 2022 and Jishishan 2023, the bundled scenarios, are left out so that they test it)
INJURY_RECORDS = (
    ("Wenchuan 2008 Ms 8.0", 69_227, 17_923, 374_643, "State Council Information Office, 2008-09-25"),
    ("Yushu 2010 Ms 7.1", 2_698, 270, 12_135, "Qinghai provincial government via Xinhua, 2010-05-31"),
    ("Lushan 2013 Ms 7.0", 196, 21, 11_470, "Sichuan provincial earthquake relief HQ via Xinhua, 2013-04"),
    ("Ludian 2014 Ms 6.5", 617, 112, 3_143, "Yunnan provincial earthquake relief HQ, 2014-08-08"),
    ("Jiuzhaigou 2017 Ms 7.0", 25, 5, 525, "Sichuan provincial government, 2017-08-13"),
)
INTENSITY_POINTS = np.array([6.0, 7.0, 8.0, 9.0, 10.0, 11.0])
# Homeless share by the place's intensity: an assumption, set against Luding's relocated (50,000, 2022-09-06);
# out of sample, over census exposure, the relocated come within a factor 2.2 (`history`, log10 model/record):
# Lushan 295,000 +0.19, Yushu 100,000 -0.01, Jiuzhaigou 23,477 -0.34 (Luding itself -0.18).
HOMELESS_SHARE = np.array([0.01, 0.06, 0.25, 0.60, 0.90, 1.00])
ROAD_CLOSE_P = np.array([0.0, 0.0, 0.05, 0.30, 0.60, 0.85])        # landslides on mountain roads; assumption
ROAD_SLOW = np.array([1.0, 1.1, 1.5, 2.5, 4.0, 6.0])               # travel-time factor on open damaged roads
LN10 = np.log(10.0)


def injury_ratio(records=INJURY_RECORDS) -> float:
    """Injured per dead or missing: the median over documented events (robust to Lushan's 53)."""
    return float(np.median([inj / (dead + missing) for _, dead, missing, inj, _ in records]))


def injury_ratio_loo() -> list[tuple[str, float, float]]:
    """Leave-one-out check of the ratio: (event, ratio predicted from the others, recorded ratio)."""
    out = []
    for i, (name, dead, missing, inj, _) in enumerate(INJURY_RECORDS):
        others = INJURY_RECORDS[:i] + INJURY_RECORDS[i + 1:]
        out.append((name, injury_ratio(others), inj / (dead + missing)))
    return out


INJURED_PER_DEATH = injury_ratio()      # 4.31 (LOO: median |log10 error| 0.43, a factor of 2.7)


def pager_level(i):
    """PAGER's shaking level of a place whose continuous intensity is `i`: its degree (numpy or float).
    The same degree as the zone areas and as an intensity map's record (zone n is n <= I < n + 1)."""
    return np.floor(i)


def fatality_rate(s: float) -> float:
    """PAGER's expected share of people killed at shaking intensity `s` (China's parameters)."""
    s = min(float(s), PAGER_MAX_S)
    if s <= 0:
        return 0.0
    return 0.5 * math.erfc(-math.log(s / PAGER_THETA) / (PAGER_BETA * math.sqrt(2.0)))


def intensity(magnitude: float, epicentre: tuple[float, float], strike_deg: float | None,
              lat: np.ndarray, lon: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Seismic intensity (continuous, China scale) at each point.

    Without a strike the rupture's direction is unknown: a point source, the mean of the axes.
    The long-axis value at r' bounds the intensity from above and the short-axis value from below;
    points whose upper bound is under `floor` get that bound instead of the exact elliptical
    value, which saves the root finding where nobody cares.
    """
    return _field(magnitude, epicentre, strike_deg, lat, lon, floor)[0]


def ranked_intensity(magnitude: float, epicentre: tuple[float, float], strike_deg: float | None,
                     lat: np.ndarray, lon: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """`intensity` less a millionth of a degree per 10 km from the rupture within the saturation
    distance, where the field is flat at I0: an official map's top zone may be smaller than that
    plateau, so its points are ranked by their distance (for `Isoseismals`)."""
    out, r = _field(magnitude, epicentre, strike_deg, lat, lon, floor)
    return out - 1e-7 * np.minimum(r, SATURATION_KM)


def _field(magnitude: float, epicentre: tuple[float, float], strike_deg: float | None,
           lat: np.ndarray, lon: np.ndarray, floor: float) -> tuple[np.ndarray, np.ndarray]:
    """(intensity, distance r' from the rupture in km) at each point."""
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    r = haversine_km(epicentre[0], epicentre[1], lat, lon)
    if strike_deg is None:
        return _meizoseismal(magnitude, r, 0.5 * (_long_axis(magnitude, r) + _short_axis(magnitude, r))), r
    theta = np.radians(bearing_deg(epicentre[0], epicentre[1], lat, lon) - strike_deg)
    x2, y2 = rupture_frame(r * np.cos(theta), r * np.sin(theta), rupture_half_km(magnitude))
    r = np.sqrt(x2 + y2)
    out = _long_axis(magnitude, r)
    near = np.flatnonzero((out >= floor) & (r > 1e-3))     # on the rupture itself both axes agree
    cos2 = x2[near] / r[near] ** 2
    out[near] = _on_ellipse(magnitude, x2[near], y2[near], out[near], _short_axis(magnitude, r[near]), cos2)
    return _meizoseismal(magnitude, r, out), r


A_LONG, B_LONG, A_SHORT, B_SHORT, C_M = 5.253, 4.164, 2.019, 2.943, 1.398    # Wang Suyun et al. (2000)
R0_LONG, R0_SHORT = 26.0, 8.0                    # their near-source terms, km
WC_RLD_A, WC_RLD_B = -2.44, 0.59                 # Wells & Coppersmith 1994 table 2A: lg RLD, all slip types
SATURATION_KM = 5.57                             # Boore, Joyner & Fumal 1997 table 8: h for PGA


def epicentral_intensity(m: float) -> float:
    """I0 from magnitude, M = 0.58 I0 + 1.5 (Li Shanbang 1981)."""
    return (m - 1.5) / 0.58


def peak_intensity(m: float) -> float:
    """The highest intensity of the field: on the rupture, I0 or the published relation at R = 0."""
    return max(epicentral_intensity(m), A_LONG + C_M * m - B_LONG * np.log10(R0_LONG))


def rupture_half_km(m: float) -> float:
    """Half the subsurface rupture length (Wells & Coppersmith 1994)."""
    return 0.5 * 10 ** (WC_RLD_A + WC_RLD_B * m)


def rupture_frame(x: np.ndarray, y: np.ndarray, h: float) -> tuple[np.ndarray, np.ndarray]:
    """(x'², y'²) of points (x along strike, y across, km from the epicentre) about a rupture from
    -h to h: x' = x B / A on the confocal ellipse (A, B) through the point, so x'² + y² = B²."""
    r1, r2 = np.hypot(x - h, y), np.hypot(x + h, y)
    a2 = (0.5 * (r1 + r2)) ** 2
    b2 = np.maximum(a2 - h * h, 0.0)
    return x * x * np.divide(b2, a2, out=np.ones_like(a2), where=a2 > 0), y * y


def _meizoseismal(m: float, r: np.ndarray, out: np.ndarray) -> np.ndarray:
    """At least I0 within the saturation distance of the rupture."""
    return np.where(r <= SATURATION_KM, np.maximum(out, epicentral_intensity(m)), out)


def _on_ellipse(m: float, x2: np.ndarray, y2: np.ndarray, hi: np.ndarray, lo: np.ndarray,
                cos2: np.ndarray) -> np.ndarray:
    """The intensity I in [lo, hi] whose isoseismal ellipse passes through (x, y) in the strike frame.

    g(I) = x²/ra(I)² + y²/rb(I)² - 1 rises and is convex in I, so Newton's method converges
    (monotonically after its first step) from a start blended between the axis values by direction:
    to 1e-9 in about five steps, where a bisection needs 24 for 1e-6."""
    ka, kb, a0, b0 = LN10 / B_LONG, LN10 / B_SHORT, A_LONG + C_M * m, A_SHORT + C_M * m
    i = hi * cos2 + lo * (1 - cos2)
    for _ in range(50):
        ea, eb = np.exp((a0 - i) * ka), np.exp((b0 - i) * kb)      # ra + R0_LONG and rb + R0_SHORT
        ra, rb = ea - R0_LONG, eb - R0_SHORT
        qa, qb = x2 / (ra * ra), y2 / (rb * rb)
        step = (qa + qb - 1) / (qa * ea / ra * (2 * ka) + qb * eb / rb * (2 * kb))     # g / g'
        i = np.minimum(np.maximum(i - step, lo), hi)
        if not len(step) or np.abs(step).max() < 1e-9:
            break
    return i


def _long_axis(m: float, r: np.ndarray) -> np.ndarray:
    return A_LONG + C_M * m - B_LONG * np.log10(r + R0_LONG)


def _short_axis(m: float, r: np.ndarray) -> np.ndarray:
    return A_SHORT + C_M * m - B_SHORT * np.log10(r + R0_SHORT)


@lru_cache(maxsize=64)
def _grid(magnitude: float, epicentre: tuple[float, float], strike_deg: float | None, lowest: float,
          cells: int = 240, ranked: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The model's field on a cells x cells grid over the bounding box of its `lowest` isoseismal:
    (intensities, `ranked_intensity` if `ranked`; land area of each cell in km2). All land: our
    historical events are inland."""
    r = max(long_axis_km(magnitude, lowest), SATURATION_KM)    # on the meizoseismal plateau: its width
    half_lat = math.hypot(r, rupture_half_km(magnitude)) * 1.05 / 111.195
    half_lon = half_lat / max(np.cos(np.radians(epicentre[0])), 0.05)
    lat = epicentre[0] + np.linspace(-half_lat, half_lat, cells)
    lon = epicentre[1] + np.linspace(-half_lon, half_lon, cells)
    la, lo = np.meshgrid(lat, lon, indexing="ij")
    ii = (ranked_intensity if ranked else intensity)(magnitude, epicentre, strike_deg, la.ravel(), lo.ravel(),
                                                     floor=lowest)
    dy, dx = 2 * half_lat * 111.195 / (cells - 1), 2 * half_lon * 111.195 / (cells - 1)
    km2 = dy * dx * np.cos(np.radians(la.ravel()))
    for a in (ii, km2):
        a.flags.writeable = False              # shared through the cache
    return ii, km2


def long_axis_km(m: float, i: float) -> float:
    """Distance along the long axis at which the published relation falls to intensity `i`."""
    return 10 ** ((A_LONG + C_M * m - i) / B_LONG) - R0_LONG


def areas_of(ii: np.ndarray, cell_km2: np.ndarray) -> dict[str, float]:
    """Cumulative area (km2) at or above each degree VI..XI of a sampled field."""
    return {name: round(float(cell_km2[ii >= 6 + k].sum()), 1) for k, name in enumerate(DEGREES)}


def intensity_areas(magnitude: float, epicentre: tuple[float, float], strike_deg: float | None) -> dict[str, float]:
    """Area (km2) at or above each degree VI..XI: the model's isoseismal map, for comparison with an
    official one. Evaluated on a 240 x 240 grid over the VI zone's bounding box (about 0.1 % of the
    VI area per cell)."""
    return areas_of(*_grid(magnitude, epicentre, strike_deg, 6.0))


@lru_cache(maxsize=64)
def _remap(magnitude: float, epicentre: tuple[float, float], strike_deg: float | None,
           iso: Isoseismals) -> Remap:
    """The official map laid over the model's field, sampled down to intensity V (or further, until the
    grid holds twice the map's VI area: the shift below VI needs the model's contour of that area)."""
    lowest = 5.0
    while True:
        ii, km2 = _grid(magnitude, epicentre, strike_deg, lowest, cells=300, ranked=True)
        if km2.sum() >= 2 * iso.areas_km2["VI"] or lowest < 2:
            return Remap.fit(iso, ii, km2)
        lowest -= 1.0


@dataclass(frozen=True, slots=True)
class Damage:
    """What the earthquake did to one place, in people."""
    intensity: float
    killed: int
    trapped: int
    injured: int
    homeless: int


def casualty_rates(deaths: float) -> tuple[float, float]:
    """Shares of people trapped (alive or not) and injured where PAGER's share killed is `deaths`.

    PAGER's deaths D include the critically injured who died in the response the tolls record:
    the immediate category (IMMEDIATE_SHARE of the injured) times their mortality at a reference
    time to care. What is left of D is the trapped's: D_trapped = T (M4 + M5 (1 - M4))."""
    injured = INJURED_PER_DEATH * deaths
    critical_deaths = IMMEDIATE_SHARE * injured * (1.0 - critical_survival(REFERENCE_CARE_MIN))
    trapped = max(0.0, deaths - critical_deaths) / (KILLED_AT_ONCE_M4 + POST_COLLAPSE_M5 * (1 - KILLED_AT_ONCE_M4))
    return trapped, injured


def damage(intensity_value: float, population: int, rng: np.random.Generator,
           death_rate: float | None = None) -> Damage:
    """People killed, trapped alive, injured and needing relief at a place of given intensity
    (`death_rate`: PAGER's share killed over the place's area, where it was integrated)."""
    rate = fatality_rate(pager_level(intensity_value)) if death_rate is None else death_rate
    trapped_rate, injured_rate = casualty_rates(rate)
    trapped_all = rng.binomial(population, min(1.0, trapped_rate))
    killed = rng.binomial(trapped_all, KILLED_AT_ONCE_M4)
    injured = rng.binomial(population - trapped_all, min(1.0, injured_rate))
    homeless_share = float(np.interp(intensity_value, INTENSITY_POINTS, HOMELESS_SHARE))
    homeless = rng.binomial(population - killed, homeless_share)
    return Damage(float(intensity_value), int(killed), int(trapped_all - killed), int(injured), int(homeless))


def road_factors(intensities: np.ndarray, mountain: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Travel-time factor of each road segment (inf where a landslide closes it); one draw per segment."""
    p_close = np.interp(intensities, INTENSITY_POINTS, ROAD_CLOSE_P) * np.where(mountain, 1.0, 0.3)
    closed = rng.random(len(intensities)) < p_close
    return np.where(closed, np.inf, np.interp(intensities, INTENSITY_POINTS, ROAD_SLOW))


def _blend(place, seat_intensity: float, spread_rate: float | None) -> float:
    """A place's share killed: a county's urban people at its seat, the rest spread over its land."""
    seat = fatality_rate(pager_level(seat_intensity))
    return seat if spread_rate is None else place.seat_share * seat + (1 - place.seat_share) * spread_rate


def cell_fatality_rates(s: np.ndarray) -> np.ndarray:
    """`fatality_rate` over an array of intensities (0 where s <= 0)."""
    from scipy.special import ndtr  # here: validating a scenario needs no scipy
    s = np.minimum(np.asarray(s, float), PAGER_MAX_S)
    out = np.zeros_like(s)
    pos = s > 0
    out[pos] = ndtr(np.log(s[pos] / PAGER_THETA) / PAGER_BETA)
    return out


class Earthquake(BaseModel):
    """An earthquake in a scenario's `hazards:` list, and the process that lets it strike."""
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: Literal["earthquake"]
    epicentre: tuple[float, float]
    magnitude: float = Field(ge=4.0, le=9.5)
    depth_km: float = Field(gt=0, le=70, description="the attenuation relation is for shallow crustal events")
    strike_deg: float | None = Field(None, ge=0, lt=360, description="long axis of the isoseismals")
    rupture_centre: tuple[float, float] | None = Field(
        None, description="centre of the rupture where it ran one way from the epicentre (a field survey's "
                          "macroseismic epicentre); default the epicentre")
    isoseismals: Isoseismals | None = Field(
        None, description="the official intensity map, to replay a past quake as it was mapped: the model's "
                          "zones keep their shape and take the map's areas (whatever magnitude `varies:` draws)")
    at_min: NonNegativeFloat = 0.0
    origin_key: ClassVar[str] = "epicentre"     # the field that places the hazard (checked against the region)

    @model_validator(mode="after")
    def _map_fits(self) -> Earthquake:
        """An official map must be one this quake's field can take (`Remap.fit` says why not)."""
        self.remap()
        return self

    @property
    def origin(self) -> tuple[float, float]:
        return self.epicentre

    @property
    def source(self) -> tuple[float, float]:
        """Where the rupture segment is centred: the intensity field's origin."""
        return tuple(self.rupture_centre or self.epicentre)

    def remap(self) -> Remap | None:
        """The official map over the model's field, if the scenario gives one."""
        if self.isoseismals is None:
            return None
        return _remap(self.magnitude, self.source, self.strike_deg, self.isoseismals)

    def field(self, lat: np.ndarray, lon: np.ndarray, floor: float = 0.0) -> np.ndarray:
        """Intensity at each point (as `intensity`, points under `floor` only bounded): the model's,
        laid over the official map where there is one."""
        remap = self.remap()
        if remap is None:
            return intensity(self.magnitude, self.source, self.strike_deg, lat, lon, floor)
        return remap(ranked_intensity(self.magnitude, self.source, self.strike_deg, lat, lon, remap.inverse(floor)))

    def model_floor(self, floor: float) -> float:
        """The model intensity that ends up at `floor` (itself without an official map)."""
        remap = self.remap()
        return floor if remap is None else remap.inverse(floor)

    def areas(self) -> dict[str, float]:
        """Cumulative area at or above each degree (`intensity_areas`, over the official map if any)."""
        remap = self.remap()
        if remap is None:
            return intensity_areas(self.magnitude, self.source, self.strike_deg)
        ii, km2 = _grid(self.magnitude, self.source, self.strike_deg, remap.inverse(6.0), ranked=True)
        return areas_of(remap(ii), km2)

    def peak(self) -> float:
        """The field's highest intensity, on the rupture (over a map: just under its top degree + 1)."""
        remap = self.remap()
        top = peak_intensity(self.magnitude)
        return top if remap is None else float(remap(np.array([top]))[0])

    def county_exposure(self, world, floor: float) -> dict[int, float]:
        """Per candidate county (by index): PAGER's share killed averaged over its land, its people
        spread evenly there. PAGER counts people where they live
        (LandScan); a county judged at its seat alone puts a rural county's whole population at one
        point, near or far from the rupture. Only cells within the floor's isoseismal are shaken."""
        who, level, km2, area = self.shaken_cells(world, floor)
        if not len(who):
            return {}
        killed = np.bincount(who, weights=cell_fatality_rates(level) * km2, minlength=len(world.candidates))
        return {int(i): float(killed[i] / area[i]) for i in np.unique(who) if area[i] > 0}

    def shaken_cells(self, world, floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The county land cells shaken to `floor` or more: (owner's candidate index, PAGER level, km2),
        and every candidate's land area (km2)."""
        lat, lon, km2, owner = world.county_cells()
        area = np.bincount(owner[owner >= 0], weights=km2[owner >= 0], minlength=len(world.candidates))
        reach = long_axis_km(self.magnitude, self.model_floor(floor)) + R0_LONG + rupture_half_km(self.magnitude)
        dlat = reach / 111.0                          # a box first: the great circle only inside it
        src = self.source
        dlon = dlat / max(math.cos(math.radians(src[0]) + dlat * math.pi / 180), 0.05)
        box = np.flatnonzero((owner >= 0) & (np.abs(lat - src[0]) <= dlat) & (np.abs(lon - src[1]) <= dlon))
        near = box[haversine_km(src[0], src[1], lat[box], lon[box]) <= reach]
        ii = self.field(lat[near], lon[near], floor)
        near, ii = near[ii >= floor], ii[ii >= floor]
        return owner[near], pager_level(ii), km2[near], area

    def run(self, model):
        """At onset: shake every candidate place and road, create the affected groups, alert command."""
        yield model.env.timeout(self.at_min)
        floor = model.spec.min_intensity
        w = model.world
        cands, roads = w.candidates, w.roads
        # places and road midpoints in one call: one root finding instead of two
        ii = self.field(np.concatenate((w.cand_lat, roads.mid_lat)), np.concatenate((w.cand_lon, roads.mid_lon)),
                        floor)
        at_places, at_roads = ii[:len(cands)], ii[len(cands):]
        field = {"strike_deg": self.strike_deg}        # what a view needs to draw this quake's own field
        if self.rupture_centre is not None:
            field["rupture_centre"] = list(self.rupture_centre)
        if self.isoseismals is not None:
            field["isoseismals"] = self.isoseismals.model_dump()
        model.recorder.record(model.env.now, "quake", "hazard", "", magnitude=self.magnitude,
                              epicentre=list(self.epicentre), depth_km=self.depth_km, **field,
                              max_intensity=round(self.peak(), 3),
                              max_at_places=float(at_places.max()),
                              areas_km2=self.areas())
        hit = np.flatnonzero(at_roads >= floor)
        model.damage_roads(hit, road_factors(at_roads[hit], roads.mountain[hit], model.streams["roads"]))
        model.command.take_lead(self.epicentre)
        rng = model.streams["hazard"]
        rates = self.county_exposure(w, floor)      # a place is affected where its seat is shaken (as `reach`)
        groups = [model.hit(place, damage(float(v), place.population, rng, _blend(place, v, rates.get(i))))
                  for i, (place, v) in enumerate(zip(cands, at_places)) if v >= floor and place.population > 0]
        model.command.quick_report(self, groups)
