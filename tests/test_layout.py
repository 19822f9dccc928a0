"""The layout keeps its promises: no import cycles, the model never imports the view or the drill
room, light commands stay light, and the cached gazetteer is the one built from the packages."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sim.world import geo
from tests.conftest import LUDING, ROOT

PACKAGES = ("sim", "agents", "drills", "viz", "cli")
HEAVY = ("mesa", "pandas", "dask", "scipy.stats", "matplotlib", "pygame")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, set[str]]:
    """Module -> the modules of `packages` it imports (any import statement, at any depth, type-only too)."""
    files = {module_name(root, p): p for pkg in packages for p in (root / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                deps.add(node.module)
                deps.update(f"{node.module}.{a.name}" for a in node.names)   # `from pkg import module`
        graph[name] = {d for d in deps if d in files and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    assert cycles(import_graph(ROOT)) == []


def test_a_cycle_is_caught(tmp_path: Path):
    (tmp_path / "sim").mkdir()
    (tmp_path / "sim" / "__init__.py").write_text("")
    (tmp_path / "sim" / "a.py").write_text("from sim.b import f\n")
    type_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim import a\n"
    (tmp_path / "sim" / "b.py").write_text(type_only)
    assert cycles(import_graph(tmp_path, ("sim",))) == [["sim.a", "sim.b"]]


def test_model_never_imports_view_drills_or_cli():
    graph = import_graph(ROOT)
    bad = [(m, d) for m, deps in graph.items() if m.split(".")[0] in ("sim", "agents")
           for d in deps if d.split(".")[0] in ("viz", "drills", "cli")]
    assert bad == []


def _modules_after(*argv: str) -> list[str]:
    code = ("import json, runpy, sys\n"
            f"sys.argv = ['run_sim.py', *{list(argv)!r}]\n"
            "try:\n    runpy.run_path('run_sim.py', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [("--help",), ("validate", str(LUDING))], ids=["help", "validate"])
def test_light_commands_import_nothing_heavy(argv):
    loaded = _modules_after(*argv)
    assert "sim.scenario.schema" in loaded or argv == ("--help",)
    assert [m for m in loaded if m.split(".")[0] in HEAVY or m in HEAVY] == []


def test_cached_gazetteer_is_the_built_one(tmp_path: Path):
    path = tmp_path / "gazetteer.json"
    built = geo.load_or_build(path)                  # builds and writes the cache
    assert path.is_file()
    cached = geo.load_or_build(path)                 # reads it
    assert cached.to_json() == built.to_json() == geo.Gazetteer.from_packages().to_json()
    assert cached.find("泸定县") == built.find("泸定县") and cached.airports == built.airports
    path.write_text("{not json", encoding="utf-8")
    assert geo.load_or_build(path).to_json() == built.to_json()   # a corrupt cache is rebuilt


def test_cache_key_follows_source_versions(monkeypatch):
    before = geo.cache_path()
    real = geo.metadata.version
    monkeypatch.setattr(geo.metadata, "version", lambda name: "0.0" if name == "cpca" else real(name))
    assert geo.cache_path() != before
