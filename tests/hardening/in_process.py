"""Several `deedbook` commands in one process of their own: for what a process's surroundings decide (its time
zone, say), without a second or more of imports for each command.  Set-up that needs no process of its own runs
in the test's (`tests.hardening.harness.run_here`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.hardening.harness import Outcome
from tests.hardening.storage import _DRIVER as DRIVER  # runs each argv in one process, prints outcomes as JSON


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
