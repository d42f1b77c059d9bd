"""Finding deeds by any piece of their parcel, address or owner, on a county-sized ledger.

A search is "parcel, address or owner contains this text" (LIKE '%text%', ignoring ASCII
case): exact, but on 1,000,000 deeds a search that matches little reads every row before it
knows.  So a trigram index narrows it down first, and LIKE stays the judge:

- SQLite: an FTS5 table `deed_search` with the trigram tokenizer over the deeds table's
  parcel, address and owner (external content: the deeds table itself; `detail=none`: no
  positions, a third of the size), kept in step by triggers on `deeds`.  A search of 3
  characters or more asks it for the deeds holding every trigram of the text (in any of the
  three columns), and LIKE checks those candidates.  A search that matches many deeds
  fills its page from the first rows in the order shown (`PROBE_ROWS`) before the index is
  asked, since then reading in order is quicker than collecting every match.
- PostgreSQL: a pg_trgm GIN index on the three columns, which ILIKE uses by itself (when the
  server has the extension; without it, searches scan as before).

The index is a search aid, not ledger data: a wrong candidate is dropped by LIKE.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

TABLE = "deed_search"
PROBE_ROWS = 20_000  # rows read in order before asking the index (a common search fills its page in far fewer)

SQLITE = (
    (f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(parcel, address, owner, content='deeds', content_rowid='deed_id', "
    "tokenize='trigram', detail='none')"),
    (f"CREATE TRIGGER IF NOT EXISTS deeds_search_insert AFTER INSERT ON deeds BEGIN INSERT INTO {TABLE}(rowid, parcel, address, owner) "
    "VALUES (new.deed_id, new.parcel, new.address, new.owner); END"),
    (f"CREATE TRIGGER IF NOT EXISTS deeds_search_delete AFTER DELETE ON deeds BEGIN INSERT INTO {TABLE}({TABLE}, rowid, parcel, "
    "address, owner) VALUES ('delete', old.deed_id, old.parcel, old.address, old.owner); END"),
    (f"CREATE TRIGGER IF NOT EXISTS deeds_search_update AFTER UPDATE ON deeds BEGIN INSERT INTO {TABLE}({TABLE}, rowid, parcel, "
    "address, owner) VALUES ('delete', old.deed_id, old.parcel, old.address, old.owner); "
    f"INSERT INTO {TABLE}(rowid, parcel, address, owner) VALUES (new.deed_id, new.parcel, new.address, new.owner); END"),
)
POSTGRES_INDEX = ("CREATE INDEX IF NOT EXISTS ix_deeds_trigrams ON deeds USING gin "
                  "(parcel gin_trgm_ops, address gin_trgm_ops, owner gin_trgm_ops)")


def install(conn: Connection) -> None:
    """Create the index (if it is not there) and fill it from the deeds recorded (schema 0005)."""
    if conn.dialect.name == "sqlite":
        for statement in SQLITE:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    elif conn.dialect.name == "postgresql":
        savepoint = conn.begin_nested()  # a server without pg_trgm (or the right to add it) only loses the index
        try:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            conn.exec_driver_sql(POSTGRES_INDEX)
            savepoint.commit()
        except Exception:  # noqa: BLE001 - any refusal: searches scan, as before this index
            savepoint.rollback()


def indexed(dialect: str, search: str) -> bool:
    """Whether the trigram table can narrow this search (SQLite, at least one trigram)."""
    return dialect == "sqlite" and len(search) >= 3


def candidates(search: str) -> Any:
    """The condition "the deed holds every trigram of `search`" (a superset of the matches: LIKE decides)."""
    grams = dict.fromkeys(search[i:i + 3] for i in range(len(search) - 2))  # unique, in order
    match = " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
    return text(f"deeds.deed_id IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :grams)").bindparams(grams=match)
