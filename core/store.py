"""Storage: SQLModel tables, the engine, schema migrations.

`entries` is the ledger itself (append-only; triggers refuse UPDATE and DELETE).
Every other table is a projection that verification rebuilds and compares.
Nothing here depends on SQLite: the URL may name PostgreSQL; the SQLite-specific
pragmas are applied only to SQLite engines.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
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


def make_engine(url: str) -> Engine:
    try:
        engine = create_engine(url)
    except Exception as error:  # an unparsable URL or a missing driver
        raise DeedbookError(f"Cannot use the database URL {url!r}: {error}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
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
