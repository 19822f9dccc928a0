"""Option types and helpers every sub-command shares, so that one rule holds across the CLI: each
option says its default, a sim minute may be written `HH:MM`, a value out of range is refused by
argparse (exit 2, on stderr) before any work starts.

Light on purpose: argparse only, anything else is imported when an option is actually given.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

MAX_SEED = 2**32 - 1
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tga")


def command(sub: argparse._SubParsersAction, name: str, summary: str) -> argparse.ArgumentParser:
    """A sub-command whose --help shows every option's default."""
    return sub.add_parser(name, help=summary, description=summary.replace("%%", "%"),
                          formatter_class=argparse.ArgumentDefaultsHelpFormatter)


def _number(text: str, kind: type, low: float | None, high: float | None, what: str) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if (low is not None and not value >= low) or (high is not None and not value <= high):
        bound = f"between {low:g} and {high:g}" if low is not None and high is not None else \
            f"at least {low:g}" if low is not None else f"at most {high:g}"
        raise argparse.ArgumentTypeError(f"{text} is out of range: give {what} {bound}")
    return value


def seed(text: str) -> int:
    return _number(text, int, 0, MAX_SEED, "a seed")


def count(text: str) -> int:
    return _number(text, int, 1, 1_000_000, "a whole number")


def positive(text: str) -> float:
    return _number(text, float, 1e-3, 1e9, "a number")


def non_negative(text: str) -> float:
    return _number(text, float, 0, 1e9, "a number")


def minutes(text: str) -> float:
    """Sim minutes since onset, as a number or as clock time HH:MM (hours may pass 24)."""
    from drills.msel import parse_clock
    try:
        value = parse_clock(text if ":" in text else _number(text, float, 0, 1e7, "minutes"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return float(value)


def size(text: str) -> tuple[int, int]:
    """WIDTHxHEIGHT in pixels."""
    width, sep, height = text.lower().partition("x")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r}: write WIDTHxHEIGHT, e.g. 1920x1080")
    return _number(width, int, 64, 16384, "a width"), _number(height, int, 64, 16384, "a height")


def folder(text: str) -> Path:
    """An output folder: may not exist yet, must not be a file."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a file, not a folder")
    return path


def image(text: str) -> Path:
    """A picture file to write (its suffix chooses the format)."""
    path = Path(text)
    if path.is_dir() or path.suffix.lower() not in IMAGE_SUFFIXES:
        raise argparse.ArgumentTypeError(f"{text}: give a file name ending {', '.join(IMAGE_SUFFIXES)}")
    return path


def within(name: str, value: float | None, end_min: float) -> str | None:
    """Why a sim minute given as an option is outside the scenario (None when it is inside)."""
    if value is not None and value > end_min:
        return f"{name} {value:g} min is after the scenario's end ({end_min:g} min)"
    return None


def fail(message: str) -> int:
    """An error the user can fix, on stderr; the exit code of bad input."""
    print(f"run_sim.py: error: {message}", file=sys.stderr)
    return 2


def cluster(p: argparse.ArgumentParser) -> None:
    """Where runs go: local worker processes, or an existing Dask cluster (with TLS if it requires it)."""
    p.add_argument("--workers", type=count, default=None, help="local worker processes (None: all cores)")
    p.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler, tcp://host:8786 "
                                                     "or tls://host:8786 (None: a local cluster)")
    p.add_argument("--tls-ca", default=None, help="with --scheduler tls://...: the cluster's CA certificate (PEM)")
    p.add_argument("--tls-cert", default=None, help="with --tls-ca: this client's certificate (PEM)")
    p.add_argument("--tls-key", default=None, help="with --tls-cert: its private key, if not in the cert file")


def security(args: argparse.Namespace) -> Any:
    """Dask TLS settings from --tls-*, or None; half a set, TLS without a scheduler or a missing file
    ends the command with exit 2 (as argparse does)."""
    given = [args.tls_ca, args.tls_cert, args.tls_key]
    if not any(given):
        return None
    if not (args.tls_ca and args.tls_cert) or not args.scheduler:
        raise SystemExit(fail("TLS needs --scheduler tls://..., --tls-ca and --tls-cert (and --tls-key unless "
                              "the key is in the cert file)"))
    missing = [f for f in given if f and not Path(f).is_file()]
    if missing:
        raise SystemExit(fail(f"no such file: {missing[0]}"))
    from sim.experiments.runner import tls_security
    return tls_security(args.tls_ca, args.tls_cert, args.tls_key)
