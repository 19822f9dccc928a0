#!/usr/bin/env python3
"""Command line of the disaster-response simulation: one sub-command, one function, one exit code.

    python3 run_sim.py setup          (create .venv, install, run the Luding scenario)
    python3 run_sim.py validate scenarios/luding-2022.yaml
    python3 run_sim.py run scenarios/luding-2022.yaml --seed 7 --out runs/luding

Any python3 will do: without the dependencies this file re-runs itself with .venv/bin/python.
The sub-commands live in the `cli` package, each imported only when it runs; a bad input file
exits 2 with `file:line: field: message` lines on stderr.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import venv
from pathlib import Path

MIN_PYTHON = (3, 12)
COMMANDS = ["cli.scenario", "cli.montecarlo", "cli.sweep", "cli.reach", "cli.view", "cli.drill"]
HERE = Path(__file__).resolve().parent
FIRST_RUN = ["run", "scenarios/luding-2022.yaml", "--seed", "7", "--out", "runs/luding"]
NEEDED = ("yaml", "pydantic", "rich", "numpy")       # what building the command line imports
VENV_PYTHON = HERE / ".venv" / "bin" / "python"
REEXEC = "RUN_SIM_REEXEC"                              # set in the re-run, so it happens at most once


def setup() -> int:
    """Create .venv beside this file, install requirements.txt into it, run the bundled scenario."""
    env_dir = HERE / ".venv"
    if not (env_dir / "bin" / "python").exists():
        print(f"creating {env_dir} with Python {sys.version.split()[0]}")
        venv.EnvBuilder(with_pip=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(HERE / "requirements.txt")]
    if subprocess.run(pip).returncode != 0:
        print("pip install failed: see the messages above", file=sys.stderr)
        return 1
    return subprocess.run([python, str(HERE / "run_sim.py"), *FIRST_RUN], cwd=HERE).returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    old = sys.version_info < MIN_PYTHON
    missing = ["Python >= 3.12"] if old else [m for m in NEEDED if importlib.util.find_spec(m) is None]
    if missing and argv != ["setup"]:
        reexec_in_venv(argv)
    if old:  # noqa: UP036 - users do run this with an old python3
        print(f"This platform needs Python >= 3.12 (Mesa >= 3.4); this is {sys.version.split()[0]}. "
              "Install 3.12 (e.g. `pyenv install 3.12`) and recreate .venv with it.", file=sys.stderr)
        return 2
    if argv == ["setup"]:
        return setup()
    if missing:
        return without_dependencies(argv, missing)
    import cli
    return cli.main(argv, __doc__.splitlines()[0])


def reexec_in_venv(argv: list[str]) -> None:
    """Become .venv/bin/python running this file, if that exists and is not this interpreter (once)."""
    if VENV_PYTHON.exists() and not os.environ.get(REEXEC) and Path(sys.prefix).resolve() != VENV_PYTHON.parents[1]:
        os.environ[REEXEC] = "1"
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(HERE / "run_sim.py"), *argv])


def without_dependencies(argv: list[str], missing: list[str]) -> int:
    """No .venv to re-run in: `--help` answers from this docstring, anything else says what to do."""
    helping = not argv or argv[0] in ("-h", "--help")
    if helping:
        print(__doc__)
    print(f"run_sim.py: this Python ({sys.executable}) lacks {', '.join(missing)}: "
          'run "python3 run_sim.py setup" first', file=sys.stderr)
    return 0 if argv and helping else 2


if __name__ == "__main__":
    sys.exit(main())
