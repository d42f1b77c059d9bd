"""Positions in the deeds' trigram index (SQLite): a search is the phrase of its trigrams.

0014's `deeds_fts` held rowids only (`detail='none'`), so the index could only AND a search's
trigrams: when they are common but seldom next to each other ("929e", "es, a") it proposed tens
of thousands of candidates, or every deed, that the rule then read to find none.  With positions
(`detail='full'`) a search of 3 characters or more is the phrase of its trigrams, which the index
answers exactly up to case folding.  The table is made again (same name, columns, triggers) and
filled from the deeds; about four times the bytes of 0014's.  PostgreSQL: nothing to do.
See core.deed_search.

Revision ID: 0016
"""

from alembic import op

from core import deed_search

revision = "0016"
down_revision = "0015"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite" or not deed_search.trigram_supported():
        return
    made = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (deed_search.FTS_TABLE,)
    ).scalar()
    if made is not None and "detail='full'" in str(made):
        return  # made by 0014 with today's statements (a ledger created since): already with positions
    # The triggers name the table and stay; the term list reads it and is made again with it.
    op.execute(f"DROP TABLE IF EXISTS {deed_search.TERMS_TABLE}")
    op.execute(f"DROP TABLE IF EXISTS {deed_search.FTS_TABLE}")
    for statement in deed_search.index_statements("sqlite", None):
        op.execute(statement)
