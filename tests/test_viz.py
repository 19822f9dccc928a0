"""The tabletop view, headless: pixels where the map says things are, replay KPIs equal summary.json,
the drill console turns clicks and keys into decisions, headless runs never import pygame."""
from __future__ import annotations

import json
import os
import subprocess
import sys

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

import run_sim  # noqa: E402
from sim.events import Event, read_events  # noqa: E402
from sim.model import ResponseModel  # noqa: E402
from sim.run import run_scenario  # noqa: E402
from sim.schema import load_scenario  # noqa: E402
from tests.conftest import LUDING, ROOT  # noqa: E402
from viz.app import make_view  # noqa: E402
from viz.console import DrillInput  # noqa: E402
from viz.draw import BASE, STATUS_RGB, Renderer, UiState  # noqa: E402
from viz.fonts import Fonts, cjk_font_path  # noqa: E402
from viz.scene import Scene, kpi_rows, layout_from_model  # noqa: E402
from viz.source import LiveSource, ReplaySource  # noqa: E402

SIZE = (1920, 1080)
SEED = 7


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A Luding run written to disk, as `run` writes it: (events path, summary)."""
    out = tmp_path_factory.mktemp("luding")
    _, summary = run_scenario(load_scenario(LUDING), SEED, out)
    return out / "events.jsonl", summary


@pytest.fixture(scope="module")
def layout():
    return layout_from_model(ResponseModel(load_scenario(LUDING), SEED))


def replay_scene(layout, path) -> Scene:
    scene = Scene(layout)
    scene.extend(ReplaySource(read_events(path), layout.end_min).advance(0.0))
    return scene


def frame(scene: Scene, minutes: float, ui: UiState | None = None) -> tuple[pygame.Surface, dict, object]:
    scene.seek(minutes)
    surface = pygame.Surface(SIZE)
    view = make_view(scene.layout, SIZE)
    rects = Renderer(scene.layout).render(surface, scene, view, ui or UiState())
    return surface, rects, view


def pixel(surface: pygame.Surface, x: float, y: float) -> tuple[int, int, int]:
    return tuple(surface.get_at((int(x), int(y))))[:3]


def test_base_icons_sit_at_their_projected_airports(layout, recorded):
    surface, _, view = frame(replay_scene(layout, recorded[0]), 0.0)
    assert {b.icao for b in layout.bases} == {"ZUUU", "ZUTF", "ZUXC"}
    for b in layout.bases:
        x, y = view.screen(b.lat, b.lon)
        assert pixel(surface, x, y + 1) == BASE, b.icao


def test_clock_shows_the_time_and_changes_with_it(layout, recorded):
    scene = replay_scene(layout, recorded[0])
    clocks = []
    for minutes in (10.0, 200.0):
        surface, rects, _ = frame(scene, minutes)
        r = rects["clock"]
        patch = pygame.surfarray.array3d(surface)[r.left:r.right, r.top:r.bottom]
        assert (patch.min(axis=2) > 200).sum() > 500          # bright text on the dark panel
        clocks.append(patch)
    assert not np.array_equal(*clocks)


def test_a_dispatched_aircraft_moves_along_its_leg(layout, recorded):
    fly = next(e for e in read_events(recorded[0]) if e.kind == "fly" and e.data["minutes"] > 30)
    scene = replay_scene(layout, recorded[0])
    spots = []
    for f in (0.1, 0.9):
        surface, _, view = frame(scene, fly.t + f * fly.data["minutes"])
        lat = fly.data["lat"] + f * (fly.data["to"][0] - fly.data["lat"])
        lon = fly.data["lon"] + f * (fly.data["to"][1] - fly.data["lon"])
        x, y = (float(v) for v in view.screen(lat, lon))
        spot = (int(x - 6) + 6, int(y - 6) + 6)               # sprite centre, as blitted
        assert pixel(surface, *spot) == STATUS_RGB["flying"], fly.agent
        spots.append(spot)
    assert np.hypot(spots[0][0] - spots[1][0], spots[0][1] - spots[1][1]) > 30


def test_replay_ends_on_the_kpis_of_summary_json(layout, recorded):
    path, summary = recorded
    on_disk = json.loads((path.parent / "summary.json").read_text(encoding="utf-8"))
    scene = replay_scene(layout, path)
    scene.seek(layout.end_min)
    kpis = scene.kpis()
    for key in ("aviation.share_within_2h", "relief.share_within_10h", "rescue.rescued_alive", "rescue.deaths",
                "rescue.still_trapped", "aviation.first_arrival_min"):
        assert kpis[key] == on_disk[key], key
    assert kpi_rows(kpis, None) == kpi_rows(on_disk, None)


def test_live_view_shows_what_the_recorded_run_shows(layout, recorded):
    model = ResponseModel(load_scenario(LUDING), SEED)
    live, replay = Scene(layout), replay_scene(layout, recorded[0])
    source = LiveSource(model)
    for minutes in (60.0, 150.0, 400.0):
        live.extend(source.advance(minutes))
        live.seek(minutes)
        replay.seek(minutes)
        fleet = len(layout.units)          # trucks differ: live estimates arrivals a replay already knows
        for a, b in zip(live.units.positions(minutes), replay.units.positions(minutes)):
            np.testing.assert_allclose(a[:fleet], b[:fleet], atol=1e-3)
        assert kpi_rows(live.kpis(), None) == kpi_rows(replay.kpis(), None)


class FakeSink:
    def __init__(self) -> None:
        self.decisions: list[dict] = []

    def submit(self, decision: dict) -> None:
        self.decisions.append(decision)


def test_drill_console_turns_clicks_and_keys_into_decisions(layout, recorded):
    scene = replay_scene(layout, recorded[0])
    fly = next(e for e in scene.events if e.kind == "fly" and e.data["minutes"] > 30)
    scene.seek(fly.t + 10)
    view = make_view(layout, SIZE)
    console = DrillInput(scene, view, sink := FakeSink())
    lat, lon = scene.units.position(scene.units.index[fly.agent], scene.t)
    assert console.click(*(float(v) for v in view.screen(lat, lon))) is None
    assert console.selected == fly.agent
    site = next(iter(scene.groups))
    console.click(*(float(v) for v in view.screen(scene.groups[site].lat, scene.groups[site].lon)))
    console.key("2")
    console.key("m")
    at = round(scene.t, 2)
    assert sink.decisions == [{"kind": "dispatch", "unit": fly.agent, "place": site, "at": at},
                              {"kind": "set_level", "level": "II", "at": at}, {"kind": "mutual_aid", "at": at}]


def test_level_events_and_inject_cards_reach_the_screen(layout, recorded):
    scene = replay_scene(layout, recorded[0])
    scene.extend([Event(5000.0, "level", "provincial:四川省", "", {"level": "II"})])
    card = {"id": "I-01", "at": "00:05", "from": "泸定县应急管理局", "to": "甘孜州指挥部", "channel": "phone",
            "message": "磨西镇房屋大面积倒塌，通信中断"}
    surface, rects, _ = frame(scene, 5000.0, UiState(cards=[card], drill=True))
    assert kpi_rows(scene.kpis(), scene.level)[-1] == ("响应级别  response level", "II")
    r = rects["cards"]
    patch = pygame.surfarray.array3d(surface)[r.left:r.right, r.top:r.bottom].reshape(-1, 3)
    assert (patch == (255, 221, 0)).all(axis=1).sum() > 200   # the card's yellow frame and header


def test_chinese_place_names_render_with_real_glyphs():
    assert cjk_font_path() is not None
    width = Fonts().font(20).render("泸定县", True, (255, 255, 255)).get_width()
    assert width >= 50                                        # three full-width glyphs, not 6 px boxes


def test_screenshot_command_writes_a_png(recorded, tmp_path):
    out = tmp_path / "view.png"
    assert run_sim.main(["replay", str(recorded[0]), "--scenario", str(LUDING), "--screenshot", str(out),
                         "--at", "120", "--size", "960x540"]) == 0
    assert pygame.image.load(str(out)).get_size() == (960, 540)


def test_headless_commands_never_import_pygame():
    code = ("import sys, run_sim; run_sim.main(['validate', 'scenarios/luding-2022.yaml']); "
            "print('pygame' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_window_keys_pause_change_speed_and_jump_to_the_next_event(layout, recorded):
    from viz.app import App
    events = read_events(recorded[0])
    scene = Scene(layout)
    app = App(scene, ReplaySource(events, layout.end_min), (960, 540), "replay", sink=FakeSink())
    screen = pygame.Surface((960, 540))
    app.tick(60.0)                                            # one wall minute at 60x: one simulated hour
    assert app.t == pytest.approx(60.0)
    app.key("space", screen)
    app.tick(60.0)
    assert app.t == pytest.approx(60.0) and app.ui.paused
    app.key("+", screen)
    assert app.ui.speed == 300.0
    app.key("n", screen)
    assert app.t == min(e.t for e in events if e.t > 60.0) and scene.t == app.t
    app.key("3", screen)
    assert app.sink.decisions[-1] == {"kind": "set_level", "level": "III", "at": round(app.t, 2)}
    app.draw(screen)
    assert "level=III" in app.ui.toast
