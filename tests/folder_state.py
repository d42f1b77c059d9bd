"""What a data folder holds, for tests that say a refused or stopped act left it as it was.

SQLite's side files (-wal, -shm, -journal) come and go with connections: a process stopped by Ctrl+C while it
had the ledger open leaves an empty write-ahead log behind, with nothing in the ledger changed. So a database
is compared by what it holds (its SQL dump, read without writing), and its side files are left out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

_SQLITE_HEADER = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")


def folder_state(root: Path) -> dict[str, bytes | str]:
    state: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.endswith(_SIDE_FILES):
            continue
        data = path.read_bytes()
        state[str(path.relative_to(root))] = _dump(path) if data.startswith(_SQLITE_HEADER) else data
    return state


def _dump(database: Path) -> str:
    connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()
