"""Storage: SQLModel tables, the engine, schema migrations.

`entries` is the ledger itself (append-only; triggers refuse UPDATE and DELETE).
Every other table is a projection that verification rebuilds and compares.
Nothing here depends on SQLite: the URL may name PostgreSQL; the SQLite-specific
pragmas are applied only to SQLite engines.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError, ProgrammingError
from sqlmodel import Field, SQLModel

from core.errors import DeedbookError

SCHEMA_HEAD = "0002"
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
    deed_id: int = Field(primary_key=True)
    holder: str = Field(primary_key=True, index=True)
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


class ContactRow(SQLModel, table=True):
    """The address book: named counterparties (not part of the ledger)."""

    __tablename__ = "contacts"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    address: str = Field(index=True)
    role: str = ""
    note: str = ""


class SettingRow(SQLModel, table=True):
    __tablename__ = "settings"
    key: str = Field(primary_key=True)
    value: str


PROJECTION_TABLES = ("deeds", "holdings", "liens")
LIKE_ESCAPE = "\\"


def like_contains(text: str) -> str:
    """A LIKE pattern for "contains `text`", its own % and _ escaped (use with escape=LIKE_ESCAPE)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
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
POSTGRES_WRITE_LOCK = (f"SELECT pg_advisory_xact_lock({_ADVISORY_CLASS}, "
                       "('x' || substr(md5(coalesce(current_schema(), '')), 1, 8))::bit(32)::int)")


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


def make_engine(url: str) -> Engine:
    try:
        engine = create_engine(url)
    except Exception as error:  # an unparsable URL or a missing driver
        raise DeedbookError(f"Cannot use the database URL {url!r}: {error}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    install_write_lock(engine)
    return engine


def schema_version(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None
    except DatabaseError as error:
        raise DeedbookError(f"The ledger database is damaged or is not a database ({error.orig}).") from None


def migrate(engine: Engine) -> None:
    """Bring the schema to SCHEMA_HEAD (alembic only runs when it has work to do)."""
    current = schema_version(engine)
    if current == SCHEMA_HEAD:
        return
    if current is not None and current > SCHEMA_HEAD:
        raise DeedbookError(f"This ledger was made by a newer Deedbook (schema {current}); update Deedbook to open it.")
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


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
