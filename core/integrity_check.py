"""SQLite's integrity check of a ledger file, run on its own connection while `verify` replays the entries.

`PRAGMA integrity_check` reads every page of the file in SQLite's C code, which lets go of Python's
lock (the GIL): on a machine with a second core it costs `verify --jobs 1` no wall-clock time, where
run first it was ~8% of it.  Its finding still decides the report as before: a damaged file is named
as such, never as a bad entry (core.verify asks for it before anything else is said)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine

from core.store import integrity_problem, integrity_problem_on


class IntegrityCheck:
    """Started at once; `problem()` waits for the answer (the check's own errors are raised there)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._problem: str | None = None
        self._error: Exception | None = None
        self._connection: Any = None  # the DB-API connection, so that a cancelled verify can interrupt it
        self._cancelled = False
        self._thread: threading.Thread | None = None
        if engine.dialect.name == "sqlite":
            self._thread = threading.Thread(target=self._run, name="verify-integrity-check", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            with self._engine.connect() as conn:
                self._connection = conn.connection.dbapi_connection
                if not self._cancelled:
                    self._problem = integrity_problem_on(conn)
        except Exception as error:  # noqa: BLE001 - raised again in the caller's thread, by problem()
            self._error = error
        finally:
            self._connection = None

    def problem(self) -> str | None:
        """None if the file is sound, else SQLite's first finding (other databases: None, as integrity_problem)."""
        if self._thread is None:
            return integrity_problem(self._engine)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._problem

    def cancel(self) -> None:
        """Stop the check early (verify was cancelled): SQLite's interrupt is safe from another thread."""
        self._cancelled = True
        connection = self._connection
        if connection is not None:
            connection.interrupt()
