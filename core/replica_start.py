"""A replica's first sync: all or nothing when refused, finished by the next sync when killed, one at a time.

Refused: the first sync notes what the data folder (or the `--db-url` database)
held before it and removes exactly what was not there: the ledger database it
created (SQLite's file and its -wal/-shm/-journal, or on PostgreSQL the tables
and the pg_trgm extension the schema made), the witness file, replica.json, the
files below and the folders it made.  What was there before is never touched.
(Building the replica elsewhere and moving it into place would not serve a
`--db-url` database, which has no "elsewhere".)

Killed (SIGKILL, a power cut): nothing can clean up, so before it writes
anything a first sync leaves `replica-start.json` (what it noted) and removes it
only once replica.json is written.  While that file is there the folder is a
replica whose first sync did not finish: opening its ledger (verify, the GUI,
any command) says so in one sentence, and the next sync finishes the job from
the whole batches committed (a refused one removes what the first attempt made).

One at a time: every sync holds `.replica.lock` in the data folder for its
whole run (the operating system lets go of it when the process dies), and writes
in it who it is (core.lock_holder); a second sync into the same folder says whom
it waits for, waits for the first, then syncs what is left.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from core.errors import Cancelled, DeedbookError, Interrupted
from core.file_locks import lock, lock_unless, open_lock, try_lock
from core.lock_holder import Holder, clear_holder, read_holder, write_holder
from core.paths import DataDir
from core.shown_urls import shown_url

if TYPE_CHECKING:
    from core.ledger import Ledger

SQLITE_SIDES = ("", "-wal", "-shm", "-journal")
START_FORMAT = "deedbook-replica-start/1"
START_FILE = "replica-start.json"  # a first sync under way, or killed: what the folder held before it
LOCK_FILE = ".replica.lock"


def start_path(home: DataDir) -> Path:
    return home.root / START_FILE


def lock_path(home: DataDir) -> Path:
    return home.root / LOCK_FILE


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
        written = [*_database_files(home), home.root / "replica.json", home.witness, start_path(home), lock_path(home)]
        tables, extensions = _database_contents(db_url) if db_url is not None else (None, None)
        return cls(home, db_url, tuple(missing), frozenset(p for p in written if p.exists()), tables, extensions)

    def as_json(self) -> dict[str, Any]:
        """What `replica-start.json` keeps of it (never the --db-url, which may hold a password)."""
        root = self.home.root
        return {
            "madeFolders": [str(d) for d in self.missing_dirs],
            "hadFiles": sorted(p.name if p.parent == root else str(p.relative_to(root)) for p in self.files),
            "hadTables": sorted(self.tables) if self.tables is not None else None,
            "hadExtensions": sorted(self.extensions) if self.extensions is not None else None,
        }

    @classmethod
    def from_json(cls, home: DataDir, db_url: str | None, data: Any) -> "Before":
        """As `as_json` wrote it, for this folder only (ValueError otherwise): it says what a refusal removes."""
        root = home.root
        known = {p.name for p in [*_database_files(home), root / "replica.json", home.witness]} | {
            START_FILE,
            LOCK_FILE,
        }
        folders, files = data.get("madeFolders"), data.get("hadFiles")
        tables, extensions = data.get("hadTables"), data.get("hadExtensions")
        if not (
            _names(folders)
            and all(Path(d) == root or Path(d) in root.parents for d in folders)
            and _names(files)
            and set(files) <= known
            and ((tables is None and extensions is None) or (_names(tables) and _names(extensions)))
        ):
            raise ValueError("not as written")
        return cls(
            home,
            db_url,
            tuple(Path(d) for d in folders),
            frozenset(root / name for name in files),
            frozenset(tables) if tables is not None else None,
            frozenset(extensions) if extensions is not None else None,
        )

    def undo(self, made: "Made") -> None:
        """Remove what the refused start made (best effort: the refusal's own sentence is what the user hears)."""
        if made.ledger is not None:
            made.ledger.close()
        home = self.home
        if not made.committed and self._claimed_by_another():  # another sync started a replica here meanwhile
            self.leave()  # its database and files are not this start's
            return
        if self.db_url is not None and self.tables is not None and self.extensions is not None:
            _drop_new(self.db_url, self.tables or frozenset(), self.extensions or frozenset())
        for path in [*_database_files(home), home.root / "replica.json", start_path(home), lock_path(home)]:
            if path not in self.files:
                with contextlib.suppress(FileNotFoundError, PermissionError):  # Windows keeps an open file
                    path.unlink()
        witness = self.home.witness
        if witness not in self.files and witness.is_dir():
            for written in sorted(witness.glob("*"), reverse=True):  # only what this start wrote: it was not there
                with contextlib.suppress(OSError):
                    written.unlink()
            with contextlib.suppress(OSError):
                witness.rmdir()
        self._remove_folders()

    def leave(self) -> None:
        """Take away what any sync writes before it opens the ledger (the record of a first sync and the lock
        file, when they were not there, and the folders made for them): a sync that made nothing else."""
        for path in (start_path(self.home), lock_path(self.home)):
            if path not in self.files:
                with contextlib.suppress(FileNotFoundError, PermissionError):  # Windows keeps an open file
                    path.unlink()
        self._remove_folders()

    def _remove_folders(self) -> None:
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


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# -- a first sync killed: replica-start.json --------------------------------------------------------------------
def note_start(home: DataDir, before: Before, source: str, now: int) -> None:
    """Say, before anything is written, that this folder's first sync is under way (and what it held)."""
    from core.outfiles import write_output

    data = {"format": START_FORMAT, "source": shown_url(source), "startedAt": now, **before.as_json()}
    write_output(start_path(home), json.dumps(data, indent=2, ensure_ascii=False) + "\n", force=True)


def read_start(home: DataDir, db_url: str | None) -> Before | None:
    """What the folder held before a first sync that did not finish (None: no such sync)."""
    data = _start_record(home)
    if data is None:
        return None
    try:
        return Before.from_json(home, db_url, data)
    except (ValueError, TypeError):
        raise DeedbookError(
            f"The record of this replica's unfinished first sync, {start_path(home)}, is damaged: remove it, "
            "then sync again."
        ) from None


@dataclass(frozen=True)
class Stop:
    """A sync stopped between batches (Cancel, Ctrl+C): the replica then held `size` entries of the source's
    `of`, at `at`.  Kept in replica.json (a later sync) or replica-start.json (a first sync) until a sync
    finishes, so that what the replica holds is said beside what the last finished sync recorded."""

    size: int
    of: int
    at: int

    def as_json(self) -> dict[str, int]:
        return {"size": self.size, "of": self.of, "at": self.at}

    @classmethod
    def from_json(cls, data: Any) -> "Stop | None":
        """As `as_json` wrote it; anything else None (a note, not a record a sync depends on)."""
        if not isinstance(data, dict):
            return None
        size, of, at = (data.get(key) for key in ("size", "of", "at"))
        if not (_whole(size) and _whole(of) and _whole(at)):
            return None
        return cls(size, of, at)

    def sentence(self, held: int | None = None) -> str:
        """'stopped at N of M entries' (N what the replica holds now, when known)."""
        size = self.size if held is None else held
        return f"stopped at {size:,} of {max(self.of, size):,} entries"


def _whole(value: Any) -> TypeGuard[int]:
    """A JSON whole number as written (not true, 1.0 or "1"), within what the ledger can hold."""
    return type(value) is int and 0 <= value < 2**63


def note_stop(home: DataDir, stop: Stop) -> None:
    """Add `stop` to the first sync's record (its other keys as they were)."""
    from core.outfiles import write_output

    data = _start_record(home)
    if data:
        data["stopped"] = stop.as_json()
        write_output(start_path(home), json.dumps(data, indent=2, ensure_ascii=False) + "\n", force=True)


@dataclass(frozen=True)
class Unfinished:
    """A replica whose first sync did not finish: the source it was syncing from (when its record says),
    where it stopped (when it was stopped between batches) and the sentence every command that would use it
    says instead."""

    source: str | None
    sentence: str
    stopped: Stop | None = None


def unfinished_start(home: DataDir) -> Unfinished | None:
    """This folder's first sync that did not finish (None: there is none)."""
    path = start_path(home)
    if not path.exists():
        return None
    data = _start_record(home) or {}
    # (an older version wrote a URL's user:password here: it is not repeated; the person gives it again)
    source = shown_url(data["source"]) if isinstance(data.get("source"), str) else None
    again = f"sync it again from {source}" if source else "sync it again from the same source"
    stopped = Stop.from_json(data.get("stopped"))
    how = f"it was {stopped.sentence()}" if stopped is not None else "it was stopped or refused"
    return Unfinished(
        source,
        f"The replica in {home.root} is not finished: its first sync did not finish ({how}); {again} to finish it.",
        stopped,
    )


def unfinished(home: DataDir) -> str | None:
    """The sentence for a replica whose first sync did not finish (None: it is not one)."""
    found = unfinished_start(home)
    return found.sentence if found is not None else None


def finish_start(home: DataDir) -> None:
    """The replica is made (its replica.json written): it is a replica like any other from now on."""
    with contextlib.suppress(FileNotFoundError):
        start_path(home).unlink()


def _start_record(home: DataDir) -> dict[str, Any] | None:
    try:
        data = json.loads(start_path(home).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == START_FORMAT else {}


# -- one sync at a time: .replica.lock ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Wait:
    """What a sync that must wait says: its sentence, and who holds the folder when the lock file says so
    (core.lock_holder; None: it does not, or not as written, or no longer truly)."""

    folder: Path
    holder: Holder | None

    @property
    def sentence(self) -> str:
        who = f" ({self.holder.words()})" if self.holder is not None else ""
        return f"Another sync into {self.folder} is running{who}; waiting for it to end\u2026"

    def __str__(self) -> str:
        return self.sentence


class SyncLock:
    """This data folder's replica lock, held by one sync at a time (released by the system if it dies).  The
    lock file says who holds it (core.lock_holder), for a sync that must wait to say whom it waits for."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def take(
        cls,
        home: DataDir,
        waiting: Callable[[Wait], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
        source: str | None = None,
    ) -> "SyncLock | None":
        """Hold the lock, waiting for another sync that holds it; None if the file was removed meanwhile (the
        other sync was a refused start that took its folder away): note the folder again, then take it again.
        `waiting` hears who holds it (and again when that changes while waiting: another sync took it first,
        or its words were half-written when first read).  Once held, the lock file says this process holds it,
        syncing from `source` (a label; a URL's user:password left out).
        The wait ends, with nothing synced, when `cancelled()` says so (`Cancelled`) or on Ctrl+C (`Interrupted`)."""
        path = lock_path(home)
        home.ensure()
        fd = open_lock(path, f"the data folder {home.root} for the sync", "nothing was synced.")
        try:
            if not try_lock(fd):
                stopped = f"Stopped waiting for the other sync into {home.root}; nothing was synced."
                try:  # a Ctrl+C from the moment the wait is said is the wait's
                    said = Wait(home.root, read_holder(path))
                    if waiting is not None:
                        waiting(said)
                    if cancelled is None:
                        lock(fd)
                    else:
                        lock_unless(fd, cancelled, stopped, _say_again(path, said, waiting))
                except KeyboardInterrupt:
                    raise Interrupted(stopped) from None
            if os.fstat(fd).st_ino != os.stat(path).st_ino:
                raise FileNotFoundError(path)
        except FileNotFoundError:
            os.close(fd)
            return None
        except (Cancelled, KeyboardInterrupt):
            os.close(fd)
            raise
        except OSError as error:
            os.close(fd)
            raise DeedbookError(
                f"Another sync into {home.root} holds it and could not be waited for ({error.strerror or error}); "
                "nothing was synced: try again when it has ended."
            ) from None
        write_holder(fd, Holder.me(source))
        return cls(fd)

    def release(self) -> None:
        clear_holder(self.fd)
        os.close(self.fd)  # closing releases the lock on both systems


def _say_again(path: Path, said: Wait, waiting: Callable[[Wait], None] | None) -> Callable[[], None]:
    """What the wait does between two looks at the lock: read the lock file again, and say who holds the folder
    when a holder is named that was not said (a holder no longer named is not said: its words may be half
    rewritten by the next)."""
    last = [said.holder]

    def look() -> None:
        holder = read_holder(path)
        if waiting is not None and holder is not None and holder != last[0]:
            last[0] = holder
            waiting(Wait(said.folder, holder))

    return look


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
