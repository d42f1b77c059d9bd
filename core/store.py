"""Storage: SQLModel tables, the engine, schema migrations.

`entries` is the ledger itself (append-only; triggers refuse UPDATE and DELETE).
Every other table is a projection that verification rebuilds and compares.
Nothing here depends on SQLite: the URL may name PostgreSQL; the SQLite-specific
pragmas are applied only to SQLite engines.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote

from sqlalchemy import Connection, Engine, Index, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError, ProgrammingError
from sqlmodel import Field, SQLModel

from core.errors import DeedbookError, LedgerDamaged, ReadOnlyFolder, one_line
from core.shown_urls import shown_if_plain, shown_url

SCHEMA_HEAD = "0018"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class LedgerRow(SQLModel, table=True):
    __tablename__ = "ledger"
    ledger_id: str = Field(primary_key=True)
    name: str
    operator: str
    chain_id: int
    created_at: int


class EntryRow(SQLModel, table=True):
    __tablename__ = "entries"
    idx: int = Field(primary_key=True)
    kind: str = Field(index=True)
    deed_id: int | None = Field(default=None, index=True)
    signers: str  # space-separated lower-case addresses, for "entries signed by X" queries
    message: str  # canonical JSON of the EIP-712 message
    signatures: str  # canonical JSON list of signature records
    recorded_at: int = Field(index=True)
    leaf_hash: str
    chain_hash: str


class TreeNodeRow(SQLModel, table=True):
    """The ledger's Merkle tree: every complete interior node (core.treestore), written with its entries."""

    __tablename__ = "tree_nodes"
    level: int = Field(primary_key=True)  # >= 1: the leaves are the entries' leaf_hash
    idx: int = Field(primary_key=True)  # covers entries [idx * 2**level, (idx + 1) * 2**level)
    hash: bytes


class DeedRow(SQLModel, table=True):
    __tablename__ = "deeds"
    deed_id: int = Field(primary_key=True)
    parcel: str = Field(index=True)
    parcel_key: str = Field(unique=True)
    address: str
    legal: str
    attributes: str
    total_shares: int
    owner: str = Field(index=True)
    holders_count: int
    version: int
    registered_index: int
    updated_index: int
    last_price: int | None = None
    last_currency: str | None = None
    last_sale_at: int | None = None
    last_valuation: int | None = None
    last_valuation_index: int | None = None


class HoldingRow(SQLModel, table=True):
    __tablename__ = "holdings"
    # a holder's deeds in order, from the index alone (migration 0018)
    __table_args__ = (Index("ix_holdings_holder_deed", "holder", "deed_id"),)
    deed_id: int = Field(primary_key=True)
    holder: str = Field(primary_key=True)
    shares: int


class LienRow(SQLModel, table=True):
    __tablename__ = "liens"
    lien_id: int = Field(primary_key=True)
    deed_id: int = Field(index=True)
    holder: str
    amount: int
    currency: str
    kind: str
    opened_index: int
    released_index: int | None = None


class OnceValueRow(SQLModel, table=True):
    """One-time values used by entries (a transfer's id on its deed): the replay guard of
    core.kinds.OneTime.  The primary key is the unique index that makes a second use fail."""

    __tablename__ = "once_values"
    kind: str = Field(primary_key=True)
    name: str = Field(primary_key=True)  # the message field
    scope: str = Field(primary_key=True)  # the scope field's value ("" when the whole ledger)
    value: str = Field(primary_key=True)
    entry_idx: int  # the entry that used it


class ContactRow(SQLModel, table=True):
    """The address book: named counterparties (not part of the ledger)."""

    __tablename__ = "contacts"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    address: str = Field(index=True)
    role: str = ""
    note: str = ""


LIKE_ESCAPE = "\\"


def like_contains(text: str) -> str:
    """A LIKE pattern for "contains `text`", its own % and _ escaped (use with escape=LIKE_ESCAPE)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _run_pragmas(dbapi_connection: Any, pragmas: tuple[str, ...]) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in pragmas:
            cursor.execute(pragma)
    except UnicodeDecodeError:  # SQLite's error message quoted a damaged schema's bytes
        raise LedgerDamaged("The ledger database is damaged: its schema cannot be read.") from None
    finally:
        cursor.close()


# -- the write lock -------------------------------------------------------------------------------
# A connection given the execution option WRITE_LOCK (seconds to wait) takes the database's
# write lock when its transaction begins, so the check-and-write of an append is never
# interleaved with another writer's: SQLite `BEGIN IMMEDIATE`, PostgreSQL a transaction-scoped
# advisory lock.  Every other transaction begins as before (a plain, deferred BEGIN on SQLite).
WRITE_LOCK = "deedbook_write_lock"
LOCK_WAIT_SECONDS = 10.0
_SQLITE_BUSY_MS = 10000  # the busy timeout _sqlite_pragmas gives every SQLite connection, restored after locking
_SQLITE_BUSY = 5  # SQLITE_BUSY: the lock was not free within the busy timeout
_POSTGRES_LOCK_TIMEOUT = "55P03"  # lock_not_available
# pg_advisory_xact_lock(int4, int4): a constant for Deedbook's appends, and the schema the
# ledger's tables live in (advisory locks are already per database), so two ledgers never
# wait for each other and two creators of one ledger always do.
_ADVISORY_CLASS = 0x44424B31  # "DBK1"
POSTGRES_WRITE_LOCK = (
    f"SELECT pg_advisory_xact_lock({_ADVISORY_CLASS}, "
    "('x' || substr(md5(coalesce(current_schema(), '')), 1, 8))::bit(32)::int)"
)


def _sqlite_own_transactions(dbapi_connection: Any, _record: Any) -> None:
    """Turn off the driver's own BEGIN (it cannot say IMMEDIATE): `_sqlite_begin` emits it (SQLAlchemy's recipe)."""
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Connection) -> None:
    wait = conn.get_execution_options().get(WRITE_LOCK)
    if wait is None:
        conn.exec_driver_sql("BEGIN")
        return
    conn.exec_driver_sql(f"PRAGMA busy_timeout={max(1, int(wait * 1000))}")
    try:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")


def _postgres_begin(conn: Connection) -> None:
    wait = conn.get_execution_options().get(WRITE_LOCK)
    if wait is None:
        return
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(wait * 1000))}")
    conn.exec_driver_sql(POSTGRES_WRITE_LOCK)
    conn.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")


def install_write_lock(engine: Engine) -> None:
    """Make WRITE_LOCK transactions take the database's write lock (other databases: no lock)."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_own_transactions)
        event.listen(engine, "begin", _sqlite_begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "begin", _postgres_begin)


def is_lock_timeout(error: DatabaseError) -> bool:
    """Did this fail only because another writer held the write lock for longer than we waited?"""
    orig = getattr(error, "orig", None)
    if getattr(orig, "sqlite_errorcode", None) == _SQLITE_BUSY:
        return True
    return getattr(orig, "sqlstate", None) == _POSTGRES_LOCK_TIMEOUT


# A reader's snapshot (a long verify) keeps SQLite from checkpointing the WAL past it, so appends meanwhile
# grow the -wal file (44 MB for 2,000 entries in 200 appends: benchmarks/wal_long_reader.py).  SQLite then
# reuses the file from its start but never makes it smaller while a connection is open; with this limit the
# first write after a complete checkpoint cuts it back.  Twice the 1,000-page automatic checkpoint's WAL,
# so an ordinary WAL is never cut and grown again.
WAL_SIZE_LIMIT = 8 * 1024 * 1024


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    _run_pragmas(
        dbapi_connection,
        (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA busy_timeout=10000",
            f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}",
        ),
    )


def _sqlite_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    _run_pragmas(dbapi_connection, ("PRAGMA busy_timeout=10000",))  # no journal_mode: setting it is a write


# SQLite's primary result codes (sqlite3.h) that say something about the file itself. Others
# pass through: locks (writers wait or retry on them), constraints (the caller decides), and
# SQLITE_ERROR ("no such table" is how a new database looks).  Python's own decoding errors
# ("Could not decode to UTF-8") carry no code, and are damage too.
_DAMAGE = {0, 10, 11, 20, 24, 25, 26}  # none, IOERR, CORRUPT, MISMATCH, FORMAT, RANGE, NOTADB
_SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_FULL = 8, 14, 13


def _database_file(engine: Engine) -> Path:
    name = engine.url.database or ""
    return Path(name.removeprefix("file:").split("?", 1)[0])


def _plain(message: str) -> str:
    """SQLite's message, without the undecodable text it may quote (it can hold any bytes)."""
    return one_line(message.split(" with text ", 1)[0]).rstrip(".")


def database_problem(engine: Engine, error: BaseException, statement: str = "") -> DeedbookError | None:
    """The sentence for a SQLite error about the file itself, or None for any other error.

    A damaged file (malformed pages, a broken schema, text that is not UTF-8) is
    `LedgerDamaged`; a read-only file `ReadOnlyFolder`.  Locks, constraints and
    programming errors get None: their callers handle them."""
    original = getattr(error, "orig", None) or error
    if isinstance(original, UnicodeDecodeError):
        return LedgerDamaged("The ledger database is damaged: it holds text that is not UTF-8.")
    if not isinstance(original, sqlite3.DatabaseError) or isinstance(
        original, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.NotSupportedError)
    ):
        return None
    code = (getattr(original, "sqlite_errorcode", None) or 0) & 0xFF
    message = str(original)
    database = _database_file(engine)
    if message.startswith("Could not decode to UTF-8 column"):
        column = message.split("'")[1] if message.count("'") >= 2 else "a column"
        return LedgerDamaged(
            f"The ledger database {database} is damaged: its column '{column}' holds text that is not UTF-8."
        )
    if code == _SQLITE_READONLY:
        return ReadOnlyFolder(
            f"The data folder {database.parent} is read-only; nothing can be recorded there (nothing was written)."
        )
    if code == _SQLITE_FULL:
        return DeedbookError(f"The disk holding {database} is full; nothing was written.")
    if code == _SQLITE_CANTOPEN:
        return DeedbookError(f"The ledger database {database} cannot be opened.")
    # A table or column of Deedbook's own schema that is not there: the schema text was damaged
    # (the probe for alembic_version is how a new database is recognised, so it is left alone).
    missing = (
        code == 1 and message.startswith(("no such table", "no such column")) and "alembic_version" not in statement
    )
    if code in _DAMAGE or missing:
        return LedgerDamaged(f"The ledger database {database} is damaged: {_plain(message)}.")
    return None


@contextmanager
def raw_cursor(conn: Connection) -> Iterator[Any]:
    """The DB-API cursor under `conn`, for reads over every row (plain tuples: SQLAlchemy's row objects cost
    more than the rest of a row's reading).  The engine's error handler never sees what it raises, so its
    errors about a damaged file are said here in the same one sentence."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        yield cursor
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:  # what database_problem can put in a sentence
        problem = database_problem(conn.engine, error)
        if problem is None:
            raise
        raise problem from None
    finally:
        cursor.close()


def _translate_sqlite_error(context: ExceptionContext) -> None:
    """At the storage boundary: SQLite's errors about the file itself become one sentence."""
    if context.engine is not None:
        problem = database_problem(context.engine, context.original_exception, context.statement or "")
        if problem is not None:
            raise problem


def sqlite_read_only_url(database: Path) -> str:
    """A URL that opens `database` without writing anything, not even SQLite's shared-memory file.

    `mode=ro` needs the WAL's -shm file to exist or be creatable; on read-only media
    (an auditor's DVD) it cannot be, and a database no one can change is opened
    `immutable` instead.  Changes still in a -wal file would then go unseen, so
    that case is refused."""
    shm, wal = Path(f"{database}-shm"), Path(f"{database}-wal")
    folder_writable = os.access(database.parent, os.W_OK)
    if folder_writable or shm.exists():
        mode = "mode=ro"
    elif wal.exists() and wal.stat().st_size > 0:
        raise ReadOnlyFolder(
            f"The data folder {database.parent} is read-only and the ledger's last changes are "
            f"still in {wal.name}; copy the folder to a writable place to open it."
        )
    else:
        mode = "immutable=1"
    return f"sqlite:///file:{quote(str(database))}?{mode}&uri=true"


A_DATABASE_URL = "postgresql+psycopg://host/ledger, or sqlite:///path/to/ledger.sqlite"


def url_problem(url: str) -> str | None:
    """What makes `url` no database URL for a ledger, in words (None: it may be one)."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 (parsed with the rest: a port that is no number raises)
    except ArgumentError:
        return f"it is not a database URL (one reads like {A_DATABASE_URL})"
    except ValueError:
        return "its port is not a number"
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        return f"a ledger is kept in SQLite or PostgreSQL, not {backend[:40]!r} (a URL reads like {A_DATABASE_URL})"
    return None


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    problem = url_problem(url)
    if problem is None:
        try:
            engine = create_engine(url)
        except ImportError as error:  # a driver not installed: psycopg (3) is the one Deedbook ships
            problem = f"its driver is not installed ({error}; use postgresql+psycopg://)"
        except NoSuchModuleError:
            problem = f"SQLAlchemy knows no such driver (a URL reads like {A_DATABASE_URL})"
        except (ArgumentError, ValueError) as error:  # an option the driver does not take, a malformed path
            problem = one_line(str(error))
    if problem is not None:
        shown = shown_if_plain(url)  # a password is not repeated (nor a text that may hold one)
        named = repr(shown) if shown is not None else "given"
        raise DeedbookError(f"Cannot use the database URL {named}: {shown_url(problem).rstrip('.')}.")
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
        event.listen(engine, "handle_error", _translate_sqlite_error)
    install_write_lock(engine)
    return engine


def schema_version(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except ProgrammingError:
        return None  # PostgreSQL: a new, empty database
    except OperationalError as error:
        if "no such table" in str(error.orig):
            return None  # SQLite: a new, empty database
        plain = _plain(str(error.orig))
        raise DeedbookError(
            f"The ledger database cannot be used: {plain}{'' if plain.endswith('?') else '.'}"
        ) from None
    except DatabaseError as error:
        raise LedgerDamaged(f"The ledger database is damaged or is not a database ({error.orig}).") from None


def _known_revision(version: str) -> bool:
    return (MIGRATIONS / "versions").is_dir() and any(
        path.name.startswith(version + "_") for path in (MIGRATIONS / "versions").glob("*.py")
    )


def check_schema(engine: Engine, *, read_only: bool = False) -> str | None:
    """The schema version, if it can be opened as it is; a sentence if it cannot be opened at all."""
    current = schema_version(engine)
    if current == SCHEMA_HEAD:
        return current
    if current is not None and not isinstance(current, str):
        raise LedgerDamaged("The ledger database is damaged: its schema version is not readable.")
    if current is not None and current > SCHEMA_HEAD:
        raise DeedbookError(f"This ledger was made by a newer Deedbook (schema {current}); update Deedbook to open it.")
    if current is not None and not _known_revision(current):
        raise LedgerDamaged(f"The ledger database is damaged: its schema version {current!r} is not one Deedbook made.")
    if read_only:
        what = "has no ledger" if current is None else f"needs an upgrade from schema {current}"
        raise ReadOnlyFolder(
            f"The ledger database {_database_file(engine)} {what}, and its folder is read-only; "
            "copy the folder to a writable place to open it."
        )
    return current


def migrate(engine: Engine, on_upgrade: Callable[[str], None] | None = None) -> None:
    """Bring the schema to SCHEMA_HEAD (alembic only runs when it has work to do).

    `on_upgrade` hears one sentence before an existing ledger is upgraded: rebuilding an index
    on a million deeds takes minutes (docs/scale.md), and a front end should say why it waits."""
    current = check_schema(engine)
    if current == SCHEMA_HEAD:
        return
    if current is not None and on_upgrade is not None:
        on_upgrade(upgrade_sentence(current))
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def upgrade_sentence(current: str) -> str:
    return (
        f"Upgrading the ledger's storage from schema {current} to {SCHEMA_HEAD}; "
        "on a ledger of a million deeds this takes a few minutes."
    )


def integrity_problem(engine: Engine) -> str | None:
    """SQLite's own check of the file's pages and indexes: None if sound, else its first finding.

    (Other databases keep their own storage sound; nothing to check from here.)"""
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as conn:
        return integrity_problem_on(conn)


def integrity_problem_on(conn: Connection) -> str | None:
    """`integrity_problem` on a connection of an SQLite ledger (core.integrity_check runs it beside the replay)."""
    findings = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA integrity_check(5)")]
    if findings == ["ok"]:
        return None
    return _plain(findings[0]) if findings else "the integrity check gave no answer"


def make_durable(engine: Engine) -> None:
    """Push committed transactions to stable storage before something outside the database depends on them.

    SQLite in WAL mode with synchronous=NORMAL syncs at WAL checkpoints, not at
    each commit (a process killed still keeps them; a power cut may not).  A
    passive WAL checkpoint syncs the log first.  Other databases sync commits."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def guard_statements(dialect: str) -> list[str]:
    """DDL for the triggers that keep `entries` append-only."""
    if dialect == "sqlite":
        return [
            "CREATE TRIGGER IF NOT EXISTS entries_append_only_update BEFORE UPDATE ON entries "
            "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
            "CREATE TRIGGER IF NOT EXISTS entries_append_only_delete BEFORE DELETE ON entries "
            "BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END",
        ]
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION deedbook_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'ledger entries are append-only'; END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER entries_append_only_update BEFORE UPDATE ON entries "
            "FOR EACH ROW EXECUTE FUNCTION deedbook_append_only()",
            "CREATE TRIGGER entries_append_only_delete BEFORE DELETE ON entries "
            "FOR EACH ROW EXECUTE FUNCTION deedbook_append_only()",
        ]
    return []


def guards_present(engine: Engine) -> bool | None:
    """Whether both append-only triggers exist (None: not known for this database)."""
    names = {"entries_append_only_update", "entries_append_only_delete"}
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'")).scalars()
        elif engine.dialect.name == "postgresql":
            found = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
        else:
            return None
        return names <= set(found)
