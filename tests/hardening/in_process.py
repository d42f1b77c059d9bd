"""`deedbook ARGV` run in this process for the catalogue's set-up, where no `capsys` is at hand.

Fixtures with a module or session scope prepare state (keys, deeds, signed responses) with commands
that are not what their tests are about; starting a Python process for each cost a second or more of
imports.  `run_cli(argv, capsys)` stays the way a test runs the command it is about.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import subprocess
import sys
from pathlib import Path

from desktop.cli.main import run
from tests.hardening.harness import Outcome
from tests.hardening.storage import _DRIVER as DRIVER  # runs each argv in one process, prints outcomes as JSON


def run_here(argv: list[str]) -> Outcome:
    """`deedbook ARGV` in this process, its output captured, as `run_cli(argv)` gives it from a process of its own."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(argv))
    # A process of its own closes every database it opened on exit (SQLite folds its WAL then); here the
    # ledgers a command dropped are closed now, so a fixture's folder is at rest before a test copies it.
    gc.collect()
    return Outcome(code, out.getvalue(), err.getvalue())


def run_in_one_process(
    argvs: list[list[str]], env: dict[str, str], *, cwd: Path | None = None, timeout: float = 300
) -> list[Outcome]:
    """`deedbook ARGV` for each of `argvs`, one after another in one process of its own with `env`: for what a
    process's surroundings decide (its time zone, say), without the imports of a process a command."""
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(argvs)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    return [Outcome(code, out, err) for code, out, err in json.loads(result.stdout)]
