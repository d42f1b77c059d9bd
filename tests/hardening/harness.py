"""The bad-input catalogue's harness: run a command as a user would and check how it refused.

Every case runs one `deedbook` command against an office's data folder and
asserts the contract for bad input: the expected exit code, exactly one line on
stderr, no traceback, and the ledger unchanged afterwards (the same content in
every table, the same witness and key files).

Cases run in this process by default (fast); `isolated=True` runs them as a
separate `python -m desktop` process with a time limit, for inputs that could
hang or exhaust memory (FIFOs, devices, huge files).  `run_here` runs a command
in this process where no capsys is at hand (fixtures that prepare a folder).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop.cli.main import run


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def run_cli(
    argv: list[str],
    capsys: pytest.CaptureFixture[str] | None = None,
    *,
    isolated: bool = False,
    timeout: float = 30.0,
    stdin: str | None = None,
) -> Outcome:
    """`deedbook ARGV`: in process with `capsys`, or as its own process when `isolated`."""
    if isolated or capsys is None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        result = subprocess.run(
            [sys.executable, "-m", "desktop", *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            input=stdin if stdin is not None else "",
        )
        return Outcome(result.returncode, result.stdout, result.stderr)
    code = run(list(argv))
    out, err = capsys.readouterr()
    return Outcome(code, out, err)


def run_here(argv: list[str]) -> Outcome:
    """`deedbook ARGV` in this process, its output captured without capsys: for preparing a folder (a command
    as its own process costs a second or more of imports on a loaded machine, this a tenth).  The ledgers the
    command opened and dropped are closed before it returns (SQLite's WAL folded, as when its process ends),
    so the folder can be copied or compared as a process would have left it."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(list(argv))
    gc.collect()
    return Outcome(code, out.getvalue(), err.getvalue())


def fingerprint(home: Path) -> str:
    """What a refused command must leave as it was: every table's rows, the witness and key files.

    Tables are read logically (a read may fold SQLite's WAL into the main file
    without changing anything); a database that cannot be read is taken byte for byte.
    """
    digest = hashlib.sha256()
    database = home / "ledger.sqlite"
    if database.exists():
        try:
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
                for line in conn.iterdump():
                    digest.update(line.encode("utf-8", "surrogatepass"))
            conn.close()
        except sqlite3.DatabaseError:
            for suffix in ("", "-wal"):
                part = home / f"ledger.sqlite{suffix}"
                if part.exists():
                    digest.update(part.read_bytes())
    for folder in ("witness", "keys"):
        for path in sorted((home / folder).glob("**/*")) if (home / folder).is_dir() else []:
            if path.is_file():
                digest.update(str(path.relative_to(home)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def assert_refused(outcome: Outcome, code: int = 2, *, says: str | None = None) -> None:
    """Exit `code`, one sentence on stderr (no traceback), and it says `says` if given."""
    assert outcome.code == code, f"exit {outcome.code}, wanted {code}: {outcome.err!r}"
    assert "Traceback" not in outcome.err, outcome.err
    lines = [line for line in outcome.err.splitlines() if line.strip()]
    assert len(lines) == 1, f"wanted one line on stderr, got: {outcome.err!r}"
    if says is not None:
        assert says.lower() in outcome.err.lower(), f"{says!r} not in {outcome.err!r}"


def export_document(path: Path) -> dict[str, Any]:
    """The bundle `export` wrote (deedbook-export/2: a first line, one line an entry, a last line) as one
    deedbook-export/1 document, as a server's page is and older versions wrote files: for tests that change
    a value in it and write it back."""
    head, *entries, _end = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return {**head, "format": "deedbook-export/1", "entries": entries}
