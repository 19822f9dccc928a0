"""Fonts with Chinese glyphs: place names in our data are Chinese, so a Latin-only font shows boxes.

Looked up in order: the PyPI package `mplfonts` (Noto Sans CJK SC), Debian/Ubuntu font packages
(fonts-noto-cjk, fonts-wqy-zenhei, fonts-wqy-microhei), fonts the system knows by name. Without any
of them the view still runs with pygame's default font and says once, on stderr, how to fix it.
"""
from __future__ import annotations

import sys
from functools import cache

import pygame

from viz.cjk import cjk_font_file

SYSTEM_NAMES = ("notosanscjksc", "notosanscjk", "wenquanyizenhei", "wenquanyimicrohei", "simhei", "microsoftyahei")
MISSING = ("no font with Chinese glyphs found: place names will show as boxes. "
           "Install one with `.venv/bin/pip install mplfonts` or `apt-get install fonts-noto-cjk`.")


@cache
def cjk_font_path() -> str | None:
    """Path of the first CJK font found, or None (then warn once)."""
    path = cjk_font_file()
    if path is not None:
        return str(path)
    for name in SYSTEM_NAMES:
        found = pygame.font.match_font(name)
        if found:
            return found
    print(MISSING, file=sys.stderr)
    return None


class Fonts:
    """Font objects by pixel size and a cache of rendered text (labels repeat every frame)."""

    def __init__(self, path: str | None = None) -> None:
        pygame.font.init()
        self.path = path if path is not None else cjk_font_path()
        self._fonts: dict[int, pygame.font.Font] = {}
        self._text: dict[tuple[str, int, tuple[int, ...]], pygame.Surface] = {}

    def font(self, size: int) -> pygame.font.Font:
        if size not in self._fonts:
            self._fonts[size] = pygame.font.Font(self.path, size)
        return self._fonts[size]

    def text(self, text: str, size: int, colour: tuple[int, ...]) -> pygame.Surface:
        """Rendered text, cached: the same labels are drawn thirty times a second."""
        key = (text, size, colour)
        surf = self._text.get(key)
        if surf is None:
            if len(self._text) > 4000:
                self._text.clear()
            surf = self._text[key] = self.font(size).render(text, True, colour)
        return surf
