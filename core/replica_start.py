"""A replica's first sync is all or nothing: what a refused start made is taken away again.

The first sync notes what the data folder (or the `--db-url` database) held
before it; if the sync that would start the replica is refused, it removes
exactly what was not there: the ledger database it created (SQLite's file and
its -wal/-shm/-journal, or on PostgreSQL the tables and the pg_trgm extension
the schema made), the witness file, replica.json, and the folders it made.  What
was there before is never touched.  (Building the replica elsewhere and moving
it into place would not serve a `--db-url` database, which has no "elsewhere".)
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.paths import DataDir

if TYPE_CHECKING:
    from core.ledger import Ledger

SQLITE_SIDES = ("", "-wal", "-shm", "-journal")


@dataclass
class Made:
    """What a starting sync made: its ledger, and whether a batch of its own was written (then the ledger in
    the folder is this start's, to remove if it fails later; otherwise a ledger there is another's)."""

    ledger: "Ledger | None" = None
    committed: bool = False


@dataclass(frozen=True)
class Before:
    """What a first sync found: the folders it may make, the files and tables that were there already."""

    home: DataDir
    db_url: str | None
    missing_dirs: tuple[Path, ...]  # the data folder and the parents it lacked, outermost first
    files: frozenset[Path]  # the paths a start writes that existed already
    tables: frozenset[str] | None  # a --db-url database's tables (None: SQLite in the folder)
    extensions: frozenset[str] | None

    @classmethod
    def note(cls, home: DataDir, db_url: str | None) -> "Before":
        missing: list[Path] = []
        at = home.root
        while not at.exists() and at != at.parent:
            missing.insert(0, at)
            at = at.parent
        written = [*_database_files(home), home.root / "replica.json", home.witness]
        tables, extensions = _database_contents(db_url) if db_url is not None else (None, None)
        return cls(home, db_url, tuple(missing), frozenset(p for p in written if p.exists()), tables, extensions)

    def undo(self, made: "Made") -> None:
        """Remove what the refused start made (best effort: the refusal's own sentence is what the user hears)."""
        if made.ledger is not None:
            made.ledger.close()
        if not made.committed and self._claimed_by_another():
            return  # another sync started a replica here meanwhile: it is not this start's to remove
        if self.db_url is not None and self.tables is not None and self.extensions is not None:
            _drop_new(self.db_url, self.tables or frozenset(), self.extensions or frozenset())
        for path in [*_database_files(self.home), self.home.root / "replica.json"]:
            if path not in self.files:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        witness = self.home.witness
        if witness not in self.files and witness.is_dir():
            for written in sorted(witness.glob("*"), reverse=True):  # only what this start wrote: it was not there
                with contextlib.suppress(OSError):
                    written.unlink()
            with contextlib.suppress(OSError):
                witness.rmdir()
        for folder in reversed(self.missing_dirs):
            with contextlib.suppress(OSError):  # a folder someone else filled meanwhile stays
                os.rmdir(folder)

    def _claimed_by_another(self) -> bool:
        """Whether the database holds a ledger (unreadable counts as yes: never remove what cannot be read)."""
        from sqlalchemy import select
        from sqlalchemy.exc import SQLAlchemyError

        from core.store import LedgerRow, make_engine

        if self.db_url is None and not self.home.database.exists():
            return False
        try:
            engine = make_engine(self.db_url or self.home.default_db_url)
        except (SQLAlchemyError, ValueError):
            return True
        try:
            with engine.connect() as conn:
                return conn.execute(select(LedgerRow)).first() is not None
        except SQLAlchemyError:
            return not _no_such_table(engine)
        finally:
            engine.dispose()


def _no_such_table(engine: Any) -> bool:
    """Whether the ledger table is simply not there (a start refused before its schema was made)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return "ledger" not in inspect(engine).get_table_names()
    except SQLAlchemyError:
        return False


def _database_files(home: DataDir) -> list[Path]:
    return [Path(f"{home.database}{side}") for side in SQLITE_SIDES]


def _database_contents(db_url: str) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """The database's tables and extensions; (None, None) when it cannot be read (opening it says why)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from core.store import make_engine

    try:
        engine = make_engine(db_url)
    except (SQLAlchemyError, ValueError):
        return None, None
    try:
        tables = frozenset(inspect(engine).get_table_names())
        extensions: frozenset[str] = frozenset()
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                extensions = frozenset(str(r[0]) for r in conn.exec_driver_sql("SELECT extname FROM pg_extension"))
        return tables, extensions
    except SQLAlchemyError:
        return None, None
    finally:
        engine.dispose()


def _drop_new(db_url: str, tables: frozenset[str], extensions: frozenset[str]) -> None:
    from sqlalchemy import inspect
    from sqlalchemy.exc import DatabaseError, SQLAlchemyError

    from core.store import make_engine

    engine = make_engine(db_url)
    try:  # best effort: a database gone meanwhile must not replace the refusal's sentence with a traceback
        quote = engine.dialect.identifier_preparer.quote
        postgres = engine.dialect.name == "postgresql"
        new = [t for t in inspect(engine).get_table_names() if t not in tables]
        with engine.begin() as conn:
            for table in new:
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS {quote(table)}{' CASCADE' if postgres else ''}")
        if postgres and "pg_trgm" not in extensions:
            with contextlib.suppress(DatabaseError), engine.begin() as conn:  # another's object may use it by now
                conn.exec_driver_sql("DROP EXTENSION IF EXISTS pg_trgm")
    except SQLAlchemyError:
        pass
    finally:
        engine.dispose()
