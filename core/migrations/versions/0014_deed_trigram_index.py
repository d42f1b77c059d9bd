"""A trigram index for deed searches: rare and unmatched searches no longer read every deed.

SQLite: the FTS5 table `deeds_fts` (tokenizer `trigram`, rowids only) and the triggers that
keep it in every deed write's transaction, filled here from the deeds already recorded.
PostgreSQL: a GIN `pg_trgm` index on parcel, address and owner.  When the role may not
create the extension, or SQLite has no trigram tokenizer (before 3.34), searches keep the plain
scan (correct, slower) and a warning says so.
See core.deed_search.

Revision ID: 0014
"""

import logging
import sqlite3

from alembic import op
from sqlalchemy.exc import DBAPIError

from core import deed_search

revision = "0014"
down_revision = "0012"

log = logging.getLogger("deedbook.migrations")


def _postgres_trigram_ops() -> str | None:
    """pg_trgm's operator class, schema-qualified (created if missing and allowed); None if unavailable."""
    conn = op.get_bind()
    try:
        with conn.begin_nested():  # a refused CREATE EXTENSION must not abort the migration's transaction
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as error:
        log.warning(
            "Deed searches will read every deed: PostgreSQL's pg_trgm extension cannot be created here (%s). "
            "A database owner can run CREATE EXTENSION pg_trgm.",
            str(getattr(error, "orig", error)).strip().splitlines()[0],
        )
        return None
    schema = conn.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    ).scalar_one()
    return '"' + str(schema).replace('"', '""') + '".gin_trgm_ops'


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    trigram_ops = _postgres_trigram_ops() if dialect == "postgresql" else None
    if dialect == "sqlite" and not deed_search.trigram_supported():
        log.warning(
            "Deed searches will read every deed: this SQLite (%s) has no FTS5 trigram tokenizer (3.34 or later).",
            sqlite3.sqlite_version,
        )
    for statement in deed_search.index_statements(dialect, trigram_ops):
        op.execute(statement)
