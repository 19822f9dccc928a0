"""Legible pictures and a clear front door: labels that do not pile up, wrapped inject cards,
plots named from the sweep file, Sobol bars in [0, 1], and no invisible window without a display."""
from __future__ import annotations

import os
import subprocess
import sys

import pygame
import pytest

from sim.experiments.analyze import parameter_labels, sobol_bars
from sim.experiments.sweep import SweepFile
from tests.conftest import ROOT
from viz.fonts import Fonts
from viz.labels import Label, place, wrap

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")


@pytest.fixture(scope="module")
def font() -> pygame.font.Font:
    return Fonts().font(20)


def test_wrap_breaks_between_words_and_between_cjk_characters(font):
    text = "Report from Moxi: the road to Hailuogou is blocked; 300 tourists stranded, request helicopters"
    lines = wrap(text, font, 260)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(font.size(line)[0] <= 260 for line in lines)
    zh = "磨西镇报告：通往海螺沟的道路因滑坡中断，约300名游客滞留，请求直升机支援。"
    lines = wrap(zh, font, 200)
    assert "".join(lines) == zh and all(font.size(line)[0] <= 200 for line in lines)


def test_wrap_cuts_a_word_only_when_it_is_wider_than_a_line(font):
    lines = wrap("a " + "x" * 80, font, 150)
    assert lines[0] == "a" and all(font.size(line)[0] <= 150 for line in lines)


def test_labels_take_a_free_place_and_optional_ones_give_way():
    img = pygame.Surface((40, 10))
    bounds = pygame.Rect(0, 0, 400, 400)
    first = Label(img, (100, 100), priority=0, must=True)
    second = Label(img, (100, 100), priority=1, must=True)          # same point: goes to its second anchor
    third = Label(img, (100, 100), (("midleft", (8, 0)),), priority=2)   # optional, nowhere free: left out
    placed = place([third, second, first], bounds)
    assert [p[0] for p in placed] == [first, second]
    assert not placed[0][2].colliderect(placed[1][2])


def test_a_crowded_label_falls_back_to_its_short_form():
    big, small = pygame.Surface((120, 30)), pygame.Surface((30, 10))
    bounds = pygame.Rect(0, 0, 200, 200)
    wall = [pygame.Rect(0, 0, 200, 45)]                             # leaves room above the point for 12 px
    (label, img, rect), = place([Label(big, (100, 100), (("midbottom", (0, -42)),), short=small)], bounds, wall)
    assert img is small and not rect.colliderect(wall[0])


def test_inject_cards_wrap_on_words_and_end_in_an_ellipsis(font):
    from viz.draw import CARD_LINES, Renderer
    renderer = Renderer.__new__(Renderer)
    renderer.fonts = Fonts()
    message = " ".join(["helicopter"] * 60)
    lines = renderer._card_lines(message, 300)
    assert len(lines) == CARD_LINES and lines[-1].endswith("…")
    assert all(w in ("helicopter", "…") for line in lines for w in line.split())


def test_sobol_bars_are_clipped_to_the_unit_interval():
    assert sobol_bars(1.04, 0.1) == pytest.approx((1.0, 0.06, 0.0))
    bar, low, high = sobol_bars(-0.07, 0.05)
    assert (bar, low) == (0.0, 0.0) and high == pytest.approx(0.0)
    assert sobol_bars(0.5, 0.2) == pytest.approx((0.5, 0.2, 0.2))


def test_sweep_parameters_carry_a_label_for_plots():
    sweep = SweepFile(sweep="s", scenario="x.yaml", parameters=[
        {"path": "forces.aviation[2].count", "label": "H125s at Chengdu", "values": [1, 2]},
        {"path": "hazards[0].magnitude", "values": [6.5]}])
    manifest = {"parameters": [p.model_dump() for p in sweep.parameters]}
    assert parameter_labels(manifest) == {"forces.aviation[2].count": "H125s at Chengdu",
                                          "hazards[0].magnitude": "hazards[0].magnitude"}


def test_reach_map_titles_state_the_standard():
    from viz.reach_map import standard
    assert standard(60) == "1 h (60 min)" and standard(120) == "2 h (120 min)" and standard(45) == "45 min"


def _run_sim(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_sim.py"), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_view_without_a_display_says_so_and_exits_2():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    done = _run_sim("view", "scenarios/luding-2022.yaml", env=env)
    assert done.returncode == 2 and "no display" in done.stderr and "Traceback" not in done.stderr


def test_replay_screenshot_into_a_folder_is_refused(tmp_path):
    done = _run_sim("replay", str(tmp_path), "--screenshot", str(tmp_path), env=dict(os.environ))
    assert done.returncode == 2 and "give a file name ending .png" in done.stderr


def test_drill_console_without_a_display_exits_2(monkeypatch, capsys):
    from run_sim import main
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(var, raising=False)
    assert main(["drill", "scenarios/msel/luding-ttx.yaml"]) == 2
    assert "--headless" in capsys.readouterr().err
