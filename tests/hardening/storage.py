"""Helpers for the storage cases: a database at rest, and a data folder that really cannot be written."""

from __future__ import annotations

import functools
import gc
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.hardening.harness import Outcome
from tests.hardening.in_process import run_in_one_process


def fold_wal(home: Path) -> None:
    """Fold SQLite's write-ahead log into ledger.sqlite, as it is after the last process closes it."""
    gc.collect()  # connections of ledgers opened in this process and dropped: closed now
    database = home / "ledger.sqlite"
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    wal = Path(f"{database}-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        wal.unlink(missing_ok=True)
        Path(f"{database}-shm").unlink(missing_ok=True)


def _mount_script(source: Path, target: Path) -> str:
    return f"mount --bind '{source}' '{target}' && mount -o remount,bind,ro '{target}'"


@functools.cache
def read_only_mounts_work() -> bool:
    """As root (where permissions bind nothing) a private read-only bind mount; as anyone else, chmod."""
    if os.geteuid() != 0:
        return True
    with tempfile.TemporaryDirectory() as scratch:
        source, target = Path(scratch, "src"), Path(scratch, "mnt")
        source.mkdir()
        target.mkdir()
        probe = f"{_mount_script(source, target)} && ! touch '{target}/probe' 2>/dev/null"
        try:
            result = subprocess.run(["unshare", "-m", "sh", "-c", probe], capture_output=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return result.returncode == 0 and not (source / "probe").exists()


def on_read_only_mount(home: Path, commands: list[list[str]], timeout: float = 300) -> list[Outcome]:
    """Run `deedbook --data-dir <home, read-only> ARGV` for each command, in one process."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    if os.geteuid() != 0:  # permissions bind: take the write bits away, give them back afterwards
        modes = {p: p.stat().st_mode for p in [home, *home.rglob("*")]}
        for path in modes:
            path.chmod(modes[path] & ~0o222)
        try:
            return run_in_one_process([["--data-dir", str(home), *argv] for argv in commands], env, timeout=timeout)
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
    target = home.parent / f"{home.name}-read-only"
    target.mkdir(exist_ok=True)
    mounted = ("unshare", "-m", "sh", "-c", f'{_mount_script(home, target)} && exec "$@"', "sh")
    argvs = [["--data-dir", str(target), *argv] for argv in commands]
    return run_in_one_process(argvs, env, timeout=timeout, wrapper=mounted)
