#!/usr/bin/env python3
"""Command line of the disaster-response simulation: one sub-command, one function, one exit code.

    python3 run_sim.py setup          (create .venv, install, run the Luding scenario)
    python run_sim.py validate scenarios/luding-2022.yaml
    python run_sim.py run scenarios/luding-2022.yaml --seed 7 --out runs/luding

The sub-commands live in the `cli` package, each imported only when it runs; a bad scenario
exits 2 with `file:line: field: message` lines on stderr.
"""
import subprocess
import sys
import venv
from pathlib import Path

MIN_PYTHON = (3, 12)
COMMANDS = ["cli.scenario", "cli.montecarlo", "cli.sweep", "cli.reach", "cli.view", "cli.drill"]
HERE = Path(__file__).resolve().parent
FIRST_RUN = ["run", "scenarios/luding-2022.yaml", "--seed", "7", "--out", "runs/luding"]


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
    if sys.version_info < MIN_PYTHON:  # noqa: UP036 - users do run this with an old python3
        print(f"This platform needs Python >= 3.12 (Mesa >= 3.4); this is {sys.version.split()[0]}. "
              "Install 3.12 (e.g. `pyenv install 3.12`) and recreate .venv with it.", file=sys.stderr)
        return 2
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["setup"]:
        return setup()
    import cli
    return cli.main(argv, __doc__.splitlines()[0])


if __name__ == "__main__":
    sys.exit(main())
