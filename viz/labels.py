"""Labels that do not pile up, and text that wraps, for the pygame view.

A frame's labels are collected first and placed afterwards, most important first: each tries its
anchor positions around its point in turn and takes the first that covers no label (and no marker)
placed before it, then the same with its short form (a site's name without its state) if it has
one. An optional label that fits nowhere is left out, which is what keeps a zoomed-out map or a
crowded delta readable; a label that must show takes its first position anyway.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pygame

BOX = (10, 14, 20, 170)
AROUND = (("midleft", (8, 0)), ("midright", (-8, 0)), ("midbottom", (0, -8)), ("midtop", (0, 8)))
GAP = 2                                     # pixels kept clear between two labels
TOKENS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+")


@dataclass(frozen=True)
class Label:
    """One piece of text (or a pre-composed badge) to place near a point on the map."""
    img: pygame.Surface
    point: tuple[float, float]
    anchors: Sequence[tuple[str, tuple[float, float]]] = AROUND      # (Rect attribute, offset from point)
    priority: float = 5                                              # lower is placed first
    must: bool = False
    boxed: bool = False                                              # on a dark box, to read over fills
    short: pygame.Surface | None = None                              # tried where the full one does not fit

    def rects(self) -> list[tuple[pygame.Surface, pygame.Rect]]:
        """Every candidate (image, rectangle), in order of preference."""
        out = []
        for img in (self.img, self.short) if self.short is not None else (self.img,):
            for where, (dx, dy) in self.anchors:
                rect = img.get_rect(**{where: (int(self.point[0] + dx), int(self.point[1] + dy))})
                out.append((img, rect.inflate(6, 2) if self.boxed else rect))
        return out


def place(labels: Sequence[Label], bounds: pygame.Rect,
          reserved: Sequence[pygame.Rect] = ()) -> list[tuple[Label, pygame.Surface, pygame.Rect]]:
    """Where each label goes and in which form, by priority; optional labels that overlap or leave
    `bounds` are dropped."""
    taken = [r.inflate(GAP, GAP) for r in reserved]
    placed = []
    for label in sorted(labels, key=lambda lb: lb.priority):
        candidates = label.rects()
        free = next(((img, r) for img, r in candidates
                     if bounds.contains(r) and r.inflate(GAP, GAP).collidelist(taken) < 0), None)
        if free is None and label.must:
            free = candidates[0]
        if free is not None:
            taken.append(free[1].inflate(GAP, GAP))
            placed.append((label, *free))
    return placed


def paint(surface: pygame.Surface, labels: Sequence[Label], reserved: Sequence[pygame.Rect] = ()) -> int:
    """Place and draw the labels; returns how many were left out."""
    placed = place(labels, surface.get_rect(), reserved)
    for label, img, rect in placed:
        if label.boxed:
            box = pygame.Surface(rect.size, pygame.SRCALPHA)
            box.fill(BOX)
            surface.blit(box, rect.topleft)
            surface.blit(img, img.get_rect(center=rect.center))
        else:
            surface.blit(img, rect)
    return len(labels) - len(placed)


def wrap(text: str, font: pygame.font.Font, width: int) -> list[str]:
    """Lines no wider than `width`: broken between words, between any two CJK characters, and
    inside a word only when the word alone is wider than a line."""
    lines, line = [], ""
    for token in TOKENS.findall(text.replace("\n", " ")):
        if font.size((line + token).rstrip())[0] <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while len(line) > 1 and font.size(line.rstrip())[0] > width:
            cut = _fitting(line, font, width)
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _fitting(word: str, font: pygame.font.Font, width: int) -> int:
    """How many characters of `word` fit in `width` (at least one, so wrapping always advances)."""
    k = len(word)
    while k > 1 and font.size(word[:k])[0] > width:
        k -= 1
    return k
