"""PostgreSQL: an index of the folded columns' 4-character pieces, tagged by column.

A search of 4 characters or more whose trigrams are each in nearly every deed ("es, a" in
"900 Garden Rd, Ames, IA 50010") got every deed as a candidate from pg_trgm's index, which has
no positions: each was rechecked (0.48 s on 1,000,000 deeds).  Its 4-character pieces are far
rarer ("s, a"), and a piece is indexed with the column it comes from, so a search's pieces must
all come from one column.  SQLite: nothing to do (its index has positions since 0016).
See core.deed_search_pg.

Revision ID: 0017
"""

from alembic import op

from core import deed_search_pg

revision = "0017"
down_revision = "0016"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    for statement in deed_search_pg.long_statements():
        conn.exec_driver_sql(statement)
