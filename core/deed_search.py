"""Searching deeds by parcel, address or owner: the rule, the trigram index and the plan.

The rule is the one `deeds --search` always had: a deed matches when its parcel, address
or owner contains the text, ignoring ASCII case, `%` and `_` taken literally (SQLite LIKE;
ILIKE elsewhere).  On 1,000,000 deeds that rule alone reads every row before it knows that
a search matches few or none, so a trigram index answers "which deeds may match":

- SQLite: `deeds_fts`, an FTS5 table with the `trigram` tokenizer over the deeds table
  (external content, no positions: it holds rowids only), kept by triggers in the same
  transaction as every deed write.  Its answer is a superset (it folds case beyond ASCII
  and ANDs the search's trigrams), so every candidate is checked with the rule again.
- PostgreSQL: a GIN `pg_trgm` index on each column, which ILIKE uses by itself.

The plan (SQLite, searches of 3 characters or more): collect the deeds that match, through
the index, up to `FEW`.  If they are that few, sort them in SQL (cheap); if there are more,
matches are dense and the ordered scan of the sort column's index fills a page quickly.
"""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import Connection, Select, func, or_, select
from sqlmodel import col

from core.errors import DeedbookError
from core.store import LIKE_ESCAPE, DeedRow, like_contains

MAX_SEARCH_CHARS = 200  # a parcel, an address or an owner address is far shorter
FEW = 5_000  # matches sorted from the index; more, and the ordered scan fills a page sooner
TRIGRAM = 3  # the index knows nothing about shorter searches

FTS_TABLE = "deeds_fts"
# SQLite: the index and the triggers that keep it, in the transaction of each deed write.
SQLITE_INDEX = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(parcel, address, owner, "
    "content='deeds', content_rowid='deed_id', tokenize='trigram', detail='none')",
    f"CREATE TRIGGER IF NOT EXISTS deeds_fts_insert AFTER INSERT ON deeds BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, parcel, address, owner) "
    "VALUES (new.deed_id, new.parcel, new.address, new.owner); END",
    f"CREATE TRIGGER IF NOT EXISTS deeds_fts_delete AFTER DELETE ON deeds BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, parcel, address, owner) "
    "VALUES ('delete', old.deed_id, old.parcel, old.address, old.owner); END",
    f"CREATE TRIGGER IF NOT EXISTS deeds_fts_update AFTER UPDATE OF deed_id, parcel, address, owner ON deeds BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, parcel, address, owner) "
    "VALUES ('delete', old.deed_id, old.parcel, old.address, old.owner); "
    f"INSERT INTO {FTS_TABLE}(rowid, parcel, address, owner) "
    "VALUES (new.deed_id, new.parcel, new.address, new.owner); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",  # the deeds already there (and a stale index)
)
POSTGRES_INDEX = tuple(
    f"CREATE INDEX IF NOT EXISTS ix_deeds_{column}_trgm ON deeds USING gin ({column} {{ops}})"
    for column in ("parcel", "address", "owner")
)


def clean_search(search: str | None) -> str | None:
    """The text searched for (None: no search), or one sentence when it is too long."""
    if not search or not search.strip():
        return None
    if len(search.strip()) > MAX_SEARCH_CHARS:  # LIKE patterns have a length limit (SQLite: 50,000 bytes)
        raise DeedbookError(f"A search is at most {MAX_SEARCH_CHARS} characters; shorten it.")
    return search.strip()


def matches(dialect: str, text: str) -> Any:
    """The rule: parcel, address or owner contains `text`, ignoring case.

    SQLite's LIKE already ignores ASCII case, and without lower() it can scan the
    (parcel, address, owner) index instead of every row; elsewhere ILIKE does it."""
    pattern = like_contains(text)
    columns = (col(DeedRow.parcel), col(DeedRow.address), col(DeedRow.owner))
    if dialect == "sqlite":
        return or_(*(c.like(pattern, escape=LIKE_ESCAPE) for c in columns))
    return or_(*(c.ilike(pattern, escape=LIKE_ESCAPE) for c in columns))


def fts_query(text: str) -> str:
    """An FTS5 query for rows holding every trigram of `text` (each quoted: no operators, no columns)."""
    grams = dict.fromkeys(text[i : i + TRIGRAM] for i in range(len(text) - TRIGRAM + 1))
    return " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)


def few_matches(conn: Connection, text: str) -> list[int] | None:
    """Every deed matching `text` when there are at most FEW, found through the trigram index; else None.

    The index drives the loop (its candidates in rowid order), each is checked with the rule,
    and the loop stops at FEW + 1 matches: a dense search costs FEW row reads, not a scan."""
    if conn.dialect.name != "sqlite" or len(text) < TRIGRAM:
        return None
    pattern = like_contains(text)
    rows = conn.exec_driver_sql(
        f"SELECT deeds.deed_id FROM {FTS_TABLE} JOIN deeds ON deeds.deed_id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH ? AND (deeds.parcel LIKE ? ESCAPE ? OR deeds.address LIKE ? ESCAPE ? "
        "OR deeds.owner LIKE ? ESCAPE ?) LIMIT ?",
        (fts_query(text), *(pattern, LIKE_ESCAPE) * 3, FEW + 1),
    )
    found = [int(i) for i in rows.scalars()]
    return found if len(found) <= FEW else None


def ordered(query: Select[Any], order_by: str, descending: bool) -> Select[Any]:
    column = getattr(DeedRow, order_by, None) if order_by in DeedRow.model_fields else None
    if column is None:
        raise DeedbookError(f"Deeds cannot be sorted by {order_by}.")
    return query.order_by(col(column).desc() if descending else col(column), col(DeedRow.deed_id))


def deed_ids(
    conn: Connection,
    search: str | None,
    *,
    order_by: str = "deed_id",
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[int]:
    """Deed numbers matching `search`, sorted in SQL by `order_by` (then deed number), a page of them."""
    text = clean_search(search)
    query = ordered(select(col(DeedRow.deed_id)), order_by, descending)
    if text is not None:
        few = few_matches(conn, text)
        if few is not None and not few:
            return []
        query = query.where(matches(conn.dialect.name, text) if few is None else col(DeedRow.deed_id).in_(few))
    query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [int(i) for i in conn.execute(query).scalars()]


def deed_count(conn: Connection, search: str | None, *, at_most: int | None = None) -> int:
    """How many deeds match `search` (all of them without one); with `at_most`, counting stops
    past it and the answer is at_most + 1 ("more than at_most")."""
    text = clean_search(search)
    if text is not None and conn.dialect.name == "sqlite" and len(text) >= TRIGRAM:
        few = few_matches(conn, text)
        if few is not None:
            return len(few) if at_most is None else min(len(few), at_most + 1)
        if at_most is not None and at_most <= FEW:
            return at_most + 1  # more than FEW match, so more than at_most: nothing left to count
    condition = None if text is None else matches(conn.dialect.name, text)
    if at_most is None:
        query = select(func.count()).select_from(DeedRow)
        return int(conn.execute(query if condition is None else query.where(condition)).scalar_one())
    page = select(col(DeedRow.deed_id)).limit(at_most + 1)  # the scan stops at at_most + 1 matches
    page = page if condition is None else page.where(condition)
    return int(conn.execute(select(func.count()).select_from(page.subquery())).scalar_one())


def index_statements(dialect: str, trigram_ops: str | None) -> Sequence[str]:
    """The statements that create (or refresh) the trigram index on this database."""
    if dialect == "sqlite":
        return SQLITE_INDEX
    if dialect == "postgresql" and trigram_ops is not None:
        return tuple(statement.format(ops=trigram_ops) for statement in POSTGRES_INDEX)
    return ()
