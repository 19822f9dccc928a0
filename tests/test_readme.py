"""The README cannot go stale: its generated blocks match a fresh run, its commands run as written.

The blocks between `<!-- make:NAME -->` markers are written by `docs/make.py`; the cheap ones are
rerun here in a temporary folder (timings masked). When this fails after a model change, rerun
`.venv/bin/python docs/make.py` (and `--all` for the expensive blocks) and read the new numbers.
"""
from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("docs_make", ROOT / "docs" / "make.py")
make = sys.modules["docs_make"] = importlib.util.module_from_spec(_spec)    # dataclasses look it up
_spec.loader.exec_module(make)
README = (ROOT / "README.md").read_text(encoding="utf-8")
READS = ("replay", "analyze", "report", "--against", "--resume", "--bases")    # words followed by a run folder


def bash_commands(readme: str) -> list[str]:
    """Every command of the README's bash blocks, in order, continuations joined, comments dropped."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", readme, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("  #")[0].strip()
            if line:
                out.append(" ".join(line.split()))
    return out


def test_cheap_blocks_match_a_fresh_run():
    diffs = make.drift()
    assert not diffs, "README blocks drifted; rerun `.venv/bin/python docs/make.py`:\n\n" + "\n\n".join(diffs.values())


def test_timings_are_masked_and_centring_ignored():
    assert make.masked("   run in 0.05 s   \nx 23.3 runs/s") == make.masked(" run in 12.4 s\nx 9 runs/s")
    assert make.masked("1217 events") != make.masked("1249 events")


def test_every_block_has_a_step_and_every_step_its_block():
    steps = {s.name for s in make.STEPS if s.block}
    assert set(make.blocks(README)) == steps


def test_every_generating_command_is_in_the_readme():
    shown = set(bash_commands(README))
    missing = [c for s in make.STEPS for c in s.commands if " ".join(c.split()) not in shown]
    assert not missing


def test_replace_block_keeps_the_prose_around_it():
    text = "before\n<!-- make:x -->\n```\nold\n```\n<!-- /make -->\nafter\n"
    assert make.replace_block(text, "x", "```\nnew\n```\n") == text.replace("old", "new")


def _written(words: list[str]) -> list[str]:
    """Folders or files a command creates: --out, a sweep's runs/sweeps/<name>, a shell redirect."""
    made = [words[i + 1] for i, w in enumerate(words[:-1]) if w in ("--out", ">")]
    if "sweep" in words:
        sweep = yaml.safe_load((ROOT / words[words.index("sweep") + 1]).read_text(encoding="utf-8"))
        made.append(f"runs/sweeps/{sweep['sweep']}")
    return made


def test_examples_create_the_folders_they_use():
    made, missing = [], []
    for command in bash_commands(README):
        words = shlex.split(command)
        for i, w in enumerate(words[:-1]):
            target = words[i + 1]
            if w in READS and target.startswith("runs/") and \
                    not any(target == m or target.startswith(m.rstrip("/") + "/") for m in made):
                missing.append(f"{command}: {target}")
        made += _written(words)
    assert not missing
