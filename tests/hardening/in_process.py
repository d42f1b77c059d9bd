"""Several `deedbook` commands in one process of their own: for what a process's surroundings decide (its time
zone, say), without a second or more of imports for each command.  Set-up that needs no process of its own runs
in the test's (`tests.hardening.harness.run_here`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.hardening.harness import Outcome

# Runs each command line it is given (a JSON list of argv) in this one process and prints their outcomes as JSON.
DRIVER = r"""
import contextlib, io, json, sys, traceback
from desktop.cli.main import run
results = []
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = run(argv)
        except SystemExit as stop:  # argparse's refusals
            code = stop.code
        except BaseException:
            traceback.print_exc(file=err)
            code = -1
    results.append([code, out.getvalue(), err.getvalue()])
sys.__stdout__.write(json.dumps(results))
"""


def run_in_one_process(
    argvs: list[list[str]],
    env: dict[str, str],
    *,
    cwd: Path | None = None,
    timeout: float = 300,
    wrapper: tuple[str, ...] = (),
) -> list[Outcome]:
    """`deedbook ARGV` for each of `argvs`, one after another in one process of its own with `env`: for what a
    process's surroundings decide (its time zone, a read-only mount), without the imports of a process a
    command.  `wrapper` is what runs the process (`unshare ... sh -c '... exec "$@"' sh`), if anything."""
    result = subprocess.run(
        [*wrapper, sys.executable, "-c", DRIVER, json.dumps(argvs)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    return [Outcome(code, out, err) for code, out, err in json.loads(result.stdout)]
