"""Shared fixtures: bundled scenarios and a writer for small scenario files in a temp dir."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LUDING = ROOT / "scenarios" / "luding-2022.yaml"
JISHISHAN = ROOT / "scenarios" / "jishishan-2023.yaml"

MINIMAL = """\
scenario: tiny
start: 2022-09-05T12:52:00+08:00
duration_h: 6
region: {provinces: [四川省]}
hazards:
  - {type: earthquake, epicentre: [29.59, 102.08], magnitude: 6.8, depth_km: 16}
forces:
  aviation:
    - {type: Mi-171, base: ZUXC, count: 1}
  fire_rescue:
    - {type: heavy_rescue_team, station: 康定市, count: 1}
  depots:
    - {level: county, place: 泸定县, stock: {tents: 10, rations: 100, water_l: 1000}}
"""


@pytest.fixture
def write(tmp_path: Path):
    """write(text, name='s.yaml') -> path of a dedented YAML file in a temp dir."""
    def _write(text: str, name: str = "s.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path
    return _write


def watch_stock(m, every_min: float) -> list[bool]:
    """Check the conservation of stock every `every_min` while `m` runs (initial + produced = in depots
    + in transit + delivered, per item); the list fills as the model runs."""
    opening: dict[str, float] = {}
    for d in m.depots:
        for k, v in d.opening.items():
            opening[k] = opening.get(k, 0.0) + v
    checks: list[bool] = []

    def check():
        while True:
            for k, total in opening.items():
                held = sum(d.stock[k].level for d in m.depots if k in d.stock)
                now = held + m.in_transit.get(k, 0.0) + m.delivered.get(k, 0.0)
                checks.append(abs(now - total - m.produced.get(k, 0.0)) < 1e-6 * max(1.0, total))
            yield m.env.timeout(every_min)
    m.env.process(check())
    return checks
