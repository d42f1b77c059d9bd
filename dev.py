#!/usr/bin/env python3
"""Set-up and everyday commands, needing nothing but Python 3.11+.

    python3 dev.py run      # the app, on the embedded default ledger
    python3 dev.py test     # the whole test suite (on up to 4 cores)
    python3 dev.py bench    # the benchmarks
    python3 dev.py typecheck  # mypy: strict on core/ and valuation/, checked on desktop/
    python3 dev.py lint     # ruff check and ruff format --check (pyproject.toml's [tool.ruff])
    python3 dev.py bundle   # the PyInstaller one-folder app in dist/Deedbook
    python3 dev.py setup    # only set up .venv (what every command above does first)

The first call creates `.venv` and installs the project with its `dev` extra;
later calls reinstall only when pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".deedbook-installed"


def ensure_environment() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    print("Installing Deedbook and its dependencies into .venv ...", flush=True)
    subprocess.check_call([str(PYTHON), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    subprocess.check_call([str(PYTHON), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"])
    STAMP.write_text(wanted)


COMMANDS = ("run", "test", "bench", "typecheck", "lint", "bundle", "setup")
MAX_TEST_WORKERS = 4  # beyond this the PostgreSQL and multi-process tests only wait on each other


def usable_cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)  # a container's share, where the system says
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def pytest_arguments(rest: list[str], cores: int) -> list[str]:
    """pytest's arguments for `dev.py test REST`: on a machine with two cores or more the suite runs on that
    many workers (pytest-xdist, at most MAX_TEST_WORKERS), each test file on one worker so that its
    fixtures are built once; a `-n`/`--numprocesses` or `-p no:xdist` of the caller's own wins."""
    own = any(a.startswith(("-n", "--numprocesses")) for a in rest) or any(
        a == "no:xdist" or a == "-pno:xdist" for a in rest
    )
    if own or cores < 2:
        return ["-q", *rest]
    return ["-q", "-n", str(min(cores, MAX_TEST_WORKERS)), "--dist", "loadfile", *rest]


def main(argv: list[str]) -> int:
    if argv and argv[0] in {"-h", "--help", "help"}:  # asked for: not an error
        print(__doc__)
        return 0
    if not argv or argv[0] not in COMMANDS:
        if argv:
            print(f"dev.py: unknown command {argv[0]!r} (one of: {', '.join(COMMANDS)}).", file=sys.stderr)
        print(__doc__)
        return 2
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "setup":
        return 0
    if command == "run":
        return subprocess.call([str(BIN / "deedbook"), *rest])
    if command == "test":
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        argv = pytest_arguments(rest, usable_cores())
        return subprocess.call([str(PYTHON), "-m", "pytest", *argv], cwd=ROOT, env=env)
    if command == "typecheck":
        return subprocess.call([str(PYTHON), "-m", "mypy", "core", "valuation", "desktop", *rest], cwd=ROOT)
    if command == "lint":  # the rules, then the formatting (ruff format --check changes nothing)
        found = subprocess.call([str(PYTHON), "-m", "ruff", "check", ".", *rest], cwd=ROOT)
        return found or subprocess.call([str(PYTHON), "-m", "ruff", "format", "--check", "--quiet", "."], cwd=ROOT)
    if command == "bench":
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        return subprocess.call([str(PYTHON), str(ROOT / "benchmarks" / "run_all.py"), *rest], cwd=ROOT, env=env)
    return subprocess.call([str(PYTHON), "-m", "PyInstaller", "--noconfirm", "--clean", "build.spec"], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
