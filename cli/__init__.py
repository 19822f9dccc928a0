"""The command line: one module per family of sub-commands, each light to import.

A module here registers its sub-commands on argparse and imports what a command needs only
inside the function that runs it, so `--help` and `validate` never pay for mesa, pandas, dask,
matplotlib or pygame. `run_sim.py` is the entry point; `main` below builds the parser and runs.
"""
from __future__ import annotations

import argparse
import importlib
import sys

MODULES = ["cli.scenario", "cli.montecarlo", "cli.history", "cli.sweep", "cli.reach", "cli.view", "cli.drill"]


def parser(description: str) -> argparse.ArgumentParser:
    """The whole command line, every sub-command registered by its module."""
    p = argparse.ArgumentParser(prog="run_sim.py", description=description)
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="create .venv beside run_sim.py, install requirements.txt, run Luding 2022")
    for name in MODULES:
        importlib.import_module(name).register(sub)
    return p


def main(argv: list[str], description: str) -> int:
    """Parse, run one command, and turn a bad input file into `file:line: field: message` lines, exit 2."""
    from sim.scenario.yamlio import ScenarioError
    args = parser(description).parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return 2
