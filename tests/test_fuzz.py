"""Mutation fuzzing of every input file kind: whatever a user's file holds, the command line ends with
exit 0 or 2, never a traceback, never a hang, and every error line says `file:line:`.

Mutants are the bundled files with a few edits drawn from a list of known-bad values and
structures (alias bombs, deep nesting, NUL and ANSI bytes, duplicate keys, bad tags, huge counts,
dates near 9999, hostile names). The CLI runs in-process under an alarm, which keeps a few hundred
examples within the suite's budget; `bench/fuzz.py` runs the same mutations 10,000 times.
"""
from __future__ import annotations

import contextlib
import io
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
ERROR_LINE = re.compile(r"^.+:\d+: \S")
GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="x" for="node" attr.name="x" attr.type="double"/>
  <key id="y" for="node" attr.name="y" attr.type="double"/>
  <key id="length" for="edge" attr.name="length" attr.type="double"/>
  <graph edgedefault="undirected">
    <node id="a"><data key="x">102.23</data><data key="y">29.91</data></node>
    <node id="b"><data key="x">102.08</data><data key="y">29.59</data></node>
    <edge source="a" target="b"><data key="length">40000</data></edge>
  </graph>
</graphml>
"""
# kind -> (bundled files to mutate, where the mutant goes in the copied tree, extra arguments)
KINDS = {
    "scenario": (["luding-2022.yaml", "mangkhut-2018.yaml", "zhengzhou-2021.yaml", "daxinganling-fire.yaml",
                  "yushu-2010.yaml", "with-map.yaml", "ludian-2014.yaml"],
                 "fuzz.yaml", []),
    "plan": (["plans/sichuan-earthquake.yaml", "plans/sichuan-earthquake-flat.yaml", "plans/flood-control.yaml",
              "plans/sichuan-earthquake-airbridge.yaml", "plans/henan-flood.yaml"],
             "plans/fuzz.yaml", []),
    "msel": (["msel/luding-ttx.yaml", "msel/jishishan-night-ttx.yaml"], "msel/fuzz.yaml", []),
    "decisions": (["msel/luding-ttx.decisions.yaml"], "msel/fuzz.decisions.yaml",
                  ["--msel", "msel/luding-ttx.yaml"]),
    "sweep": (["sweeps/luding-helicopters.yaml", "sweeps/luding-sensitivity.yaml"], "sweeps/fuzz.yaml", []),
    "graphml": (["roads.graphml"], "roads.graphml", []),
}
VALUES = ["", "~", "-1", "0", "1e18", "1000000000000000000", "1e308", ".inf", "-.inf", ".nan", "inf", "1e-9",
          "2022-02-30", "9999-12-31T23:59:00+08:00", "0001-01-01T00:00:00+00:00", "!!float abc", "!!timestamp nope",
          "!!binary ===", "!!python/object/apply:os.system [ls]", "!!set {a}", "[]", "{}", "[[[[]]]]", "'x'",
          '"\\0"', '"\\e[31mred"', '"<script>alert(1)</script>"', "\"@rating:X\"", "../../../x", "/dev/zero",
          "/etc/passwd", ".", "[澳门特别行政区]", "*nowhere", "&a [*a]", "x" * 300, "99:99", "30:15", "true",
          "[1, 2, 3]", "{a: 1}", "ZUUU", "H125", "'", "{", "command.level", "aviation.first_arrival_min",
          "\"\u202eevil\"", "12345678901234567890123456789"]
SNIPPETS = ["a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e]\n",
            "loop: &l [*l]\n", "deep: " + "[" * 5000 + "]" * 5000 + "\n", "\x00\n", "\x1b[2J\n", "? [a, b]\n: 1\n",
            "<<: {x: 1}\n", "--- \n", "%YAML 1.1\n", "\t\n", "\ufeff", "\r\n"]


def mutate(text: str, ops: list[tuple[int, int, int]]) -> str:
    """`text` after each (operation, position, choice) edit: replace a value, drop, double or swap
    a line, insert a snippet, truncate, or insert a raw byte. Positions wrap, so any integers do."""
    for op, pos, choice in ops:
        lines = text.split("\n")
        n = pos % max(1, len(lines))
        if op == 0:
            lines[n] = _set_value(lines[n], VALUES[choice % len(VALUES)], pos)
        elif op == 1:
            del lines[n]
        elif op == 2:
            lines.insert(n, lines[n] if lines else "")
        elif op == 3:
            m = choice % max(1, len(lines))
            lines[n], lines[m] = lines[m], lines[n]
        elif op == 4:
            lines.insert(n, SNIPPETS[choice % len(SNIPPETS)].rstrip("\n"))
        elif op == 5:
            return text[:pos % max(1, len(text))]
        else:
            cut = pos % max(1, len(text))
            return text[:cut] + chr(choice % 0x110000 if choice % 5 else choice % 32) + text[cut:]
        text = "\n".join(lines)
    return text


def _set_value(line: str, value: str, pos: int) -> str:
    """`line` with one of its values (after `key:`, `- `, `[` or `,`) replaced by `value`."""
    spots = list(re.finditer(r"(?::\s+|-\s+|\[|,\s*)([^,\[\]{}\n#]*)", line))
    if not spots:
        return line + " " + value
    m = spots[pos % len(spots)]
    return line[:m.start(1)] + value + line[m.end(1):]


@dataclass
class Outcome:
    code: int | str                 # exit code, or "traceback" / "hang"
    stderr: str

    @property
    def unlocated(self) -> list[str]:
        """Error lines on stderr without `file:line:` (argparse usage lines aside)."""
        return [line for line in self.stderr.splitlines()
                if line.strip() and not ERROR_LINE.match(line) and not line.startswith(("usage:", "run_sim.py"))]


class Hang(BaseException):
    """Raised by the alarm: the command took longer than the limit."""


def run_cli(argv: list[str], limit_s: float = 20.0) -> Outcome:
    """The CLI in-process, with stdout and stderr captured and an alarm against hangs."""
    import cli

    def alarm(*_):
        raise Hang

    err = io.StringIO()
    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, limit_s)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code: int | str = cli.main(argv, "fuzz")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    except Hang:
        code = "hang"
    except BaseException as exc:  # noqa: BLE001 - any other escape is what the fuzzer looks for
        code = "traceback"
        err.write(f"\n{type(exc).__name__}: {exc}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return Outcome(code, err.getvalue())


def tree(dest: Path) -> Path:
    """A copy of scenarios/ (plus a small GraphML and a scenario using it) to write mutants into."""
    root = dest / "scenarios"
    if not root.exists():
        shutil.copytree(ROOT / "scenarios", root)
        (root / "roads.graphml").write_text(GRAPHML, encoding="utf-8")
        luding = (root / "luding-2022.yaml").read_text(encoding="utf-8")
        (root / "with-roads.yaml").write_text(luding + "roads: {graphml: roads.graphml}\n", encoding="utf-8")
        mapped = luding.replace("strike_deg: 160}", "strike_deg: 160,\n     isoseismals: {areas_km2: {VI: 19089, "
                                "VII: 4393, VIII: 785, IX: 280}, source: MEM 2022-09-11}}")
        assert mapped != luding, "the Luding scenario's quake line changed: update the fuzz map"
        (root / "with-map.yaml").write_text(mapped, encoding="utf-8")
    return root


def check(root: Path, kind: str, source: int, ops: list[tuple[int, int, int]], limit_s: float = 20.0) -> Outcome:
    """Write one mutant of a bundled file of `kind` and validate it through the CLI."""
    files, target, extra = KINDS[kind]
    original = root / files[source % len(files)]
    text = GRAPHML if kind == "graphml" else original.read_text(encoding="utf-8")
    (root / target).write_text(mutate(text, ops), encoding="utf-8", errors="surrogatepass")
    argv = ["validate", str(root / ("with-roads.yaml" if kind == "graphml" else target))]
    return run_cli(argv + [str(root / a) if a.endswith(".yaml") else a for a in extra], limit_s)


OPS = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=4)
EXAMPLES = {"scenario": 80, "plan": 40, "msel": 50, "decisions": 30, "sweep": 40, "graphml": 30}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tree(tmp_path_factory.mktemp("fuzz"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_mutant_ends_in_a_traceback_a_hang_or_an_unlocated_error(root, kind):
    @settings(max_examples=EXAMPLES[kind], derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(source=st.integers(0, 3), ops=OPS)
    def prop(source: int, ops: list[tuple[int, int, int]]) -> None:
        out = check(root, kind, source, ops)
        assert out.code in (0, 2), out.stderr[-2000:]
        assert out.unlocated == [], out.stderr[-2000:]
    prop()


@pytest.mark.parametrize("snippet", [0, 1, 2], ids=["alias-bomb", "self-alias", "deep"])
def test_hostile_structures_end_quickly_in_a_subprocess(root, snippet):
    """The same checks across a process boundary, with a timeout, for the inputs that used to hang."""
    path = root / "hostile.yaml"
    path.write_text((root / "luding-2022.yaml").read_text(encoding="utf-8") + SNIPPETS[snippet], encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "run_sim.py"), "validate", str(path)], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert all(ERROR_LINE.match(line) for line in done.stderr.splitlines()), done.stderr
