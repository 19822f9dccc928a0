"""A font with Chinese glyphs for every picture we draw (maps, report charts, the tabletop view).

Place names in our data are Chinese; a Latin-only font shows boxes. Looked up in order: the PyPI
package `mplfonts` (Noto Sans CJK SC, installed by requirements.txt), then Debian/Ubuntu font files.
"""
from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

SYSTEM_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@cache
def cjk_font_file() -> Path | None:
    """The first CJK font file found on disk, or None."""
    spec = importlib.util.find_spec("mplfonts")
    candidates = []
    if spec is not None and spec.origin is not None:
        candidates.append(Path(spec.origin).parent / "fonts" / "NotoSansCJKsc-Regular.otf")
    candidates += [Path(p) for p in SYSTEM_PATHS]
    return next((p for p in candidates if p.is_file()), None)


def use_cjk_in_matplotlib() -> None:
    """Make matplotlib draw Chinese labels with that font (a no-op when there is none)."""
    path = cjk_font_file()
    if path is None:
        return
    import matplotlib.pyplot as plt
    from matplotlib import font_manager
    font_manager.fontManager.addfont(str(path))
    plt.rcParams["font.family"] = font_manager.FontProperties(fname=str(path)).get_name()
    plt.rcParams["axes.unicode_minus"] = False
