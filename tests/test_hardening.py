"""Input hardening beyond the fuzzer: inert user text in reports, safe output names, clear errors for
bad options and logs, no partial files, and `run` playing the scenario as written."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from drills.report import Mark, _cell_html, to_html, to_markdown
from run_sim import main
from sim.events import write_atomic
from sim.scenario.yamlio import safe_name, sanitize
from tests.conftest import LUDING, ROOT

SCRIPT = "<script>alert(1)</script>"
MSEL = ROOT / "scenarios" / "msel" / "luding-ttx.yaml"
DECISIONS = ROOT / "scenarios" / "msel" / "luding-ttx.decisions.yaml"


@pytest.mark.parametrize("cell", [SCRIPT, '@status:x"><script>x', f"@rating:{SCRIPT}",
                                  Mark("rating", SCRIPT, SCRIPT), Mark("status", '"><script>', SCRIPT)])
def test_no_cell_text_becomes_markup(cell):
    out = _cell_html(cell)
    assert "<script" not in out and re.findall(r"<(\w+)", out) in ([], ["span"])


def test_a_script_in_any_msel_text_is_inert_in_the_aar(tmp_path):
    """Every text an MSEL gives (ids, titles, messages, senders, objective texts) carries a script tag;
    neither aar.html nor aar.md holds one afterwards."""
    folder = tmp_path / "msel"
    folder.mkdir()
    data = yaml.safe_load(MSEL.read_text(encoding="utf-8"))
    data["scenario"] = str(LUDING)
    _poison(data)
    (folder / "luding-ttx.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["drill", str(folder / "luding-ttx.yaml"), "--headless", "--script", str(DECISIONS),
                 "--out", str(out)]) == 0
    for name in ("aar.html", "aar.md"):
        page = (out / name).read_text(encoding="utf-8")
        assert "<script" not in page.lower(), name
        assert "&lt;script&gt;" in page, name


def _poison(node: object) -> None:
    """Append a script tag to every free text of an MSEL (names of things and links stay as they are)."""
    for key, value in (node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()):
        if isinstance(value, str) and key in ("title", "message", "text", "from", "notes", "name"):
            node[key] = f"{value} {SCRIPT}"
        else:
            _poison(value)


def test_blocks_render_escaped():
    blocks = [("h1", SCRIPT), ("p", SCRIPT), ("ul", [SCRIPT]),
              ("table", [SCRIPT], [[SCRIPT, Mark("rating", "P", "P")]])]
    for page in (to_html(blocks, SCRIPT, "en"), to_markdown(blocks)):
        assert "<script" not in page


@pytest.mark.parametrize("name,expected", [("../../../x", "x"), ("a/b", "a_b"), ("..", "unnamed"), ("", "unnamed"),
                                           ("泸定-ttx", "泸定-ttx"), ("x" * 500, "x" * 80)])
def test_names_from_files_become_safe_file_names(name, expected):
    assert safe_name(name) == expected


def test_messages_show_control_characters_as_escapes():
    assert sanitize("a\x1b[31mb\x00\n") == "a\\x1b[31mb\\x00\\n"


def test_out_pointing_at_a_file_is_a_clear_error(tmp_path, capsys):
    file = tmp_path / "f"
    file.write_text("x")
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(LUDING), "--out", str(file)])
    assert exit_.value.code == 2
    assert "is a file, not a folder" in capsys.readouterr().err


@pytest.mark.parametrize("argv,message", [(["stress", str(LUDING), "--runs", "0"], "out of range"),
                                          (["run", str(LUDING), "--seed", "-1"], "out of range"),
                                          (["replay", "x", "--at", "25:61"], "HH:MM"),
                                          (["replay", "x", "--screenshot", "/tmp"], "file name ending")])
def test_options_out_of_range_are_refused_before_any_work(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_a_corrupt_drill_log_is_an_error_not_a_traceback(tmp_path, capsys):
    for text in ("", "{not json\n", "[1, 2]\n"):
        log = tmp_path / "drill.jsonl"
        log.write_text(text, encoding="utf-8")
        assert main(["drill", str(MSEL), "--headless", "--resume", str(log)]) == 2
        assert "cannot resume" in capsys.readouterr().err


def test_a_failed_write_leaves_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "events.jsonl"

    def full_disk(self, *_):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(Path, "replace", full_disk)
    with pytest.raises(OSError):
        write_atomic(target, "x" * 10)
    assert list(tmp_path.iterdir()) == []


def test_run_plays_the_scenario_as_written_and_vary_draws(tmp_path):
    """`run` plays M6.8 at the stated epicentre; `--vary` draws from the varies: block."""
    for flag, out in (([], tmp_path / "a"), (["--vary"], tmp_path / "b")):
        assert main(["run", str(LUDING), "--seed", "7", "--out", str(out), *flag]) == 0
    quakes = [json.loads(next(line for line in (d / "events.jsonl").open(encoding="utf-8") if '"quake"' in line))
              for d in (tmp_path / "a", tmp_path / "b")]
    assert quakes[0]["data"]["magnitude"] == 6.8 and quakes[0]["data"]["epicentre"] == [29.59, 102.08]
    assert quakes[1]["data"] != quakes[0]["data"]
    assert hashlib.md5((tmp_path / "a" / "events.jsonl").read_bytes()).hexdigest()


def test_validate_reports_every_file_and_kind_in_one_pass(tmp_path, capsys):
    bad_plan = tmp_path / "p.yaml"
    bad_plan.write_text("plan: p\nobjectives:\n  - {id: a, kpi: command.level, at_least: 1}\n", encoding="utf-8")
    bad_sweep = tmp_path / "s.yaml"
    bad_sweep.write_text(f"sweep: s\nscenario: {LUDING}\nparameters:\n  - {{path: 'forces.aviation[0].count', "
                         "values: [1, 100000]}\n", encoding="utf-8")
    assert main(["validate", str(LUDING), str(bad_plan), str(bad_sweep), str(Path("/dev/zero"))]) == 2
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith(f"{bad_plan}:3: objectives.0.kpi: KPI 'command.level' is not a number") for line in err)
    assert any(line.startswith(f"{bad_sweep}:4: parameters.0.path:") and "1000" in line for line in err)
    assert "/dev/zero:1: file: not a regular file" in err
