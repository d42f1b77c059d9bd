"""Holdings by holder in deed order: the index on `holdings.holder` becomes one on (holder, deed_id).

A party's deeds (`deeds_held`, which a key recovery asks for) were the holder index's rows, each
read from the table and then sorted: on PostgreSQL 10,341 table pages and a sort for a party of
83,000 deeds (39 ms in the server).  With the deed number in the index they are read from it alone,
in order (15 ms).  It replaces the holder index (every query that used it can use this one), so a
holding written still updates two indexes; it is larger, since PostgreSQL's B-tree cannot fold a
holder's entries into one once each carries its deed (docs/scale.md).  Both engines.

Revision ID: 0018
"""

from alembic import op

revision = "0018"
down_revision = "0017"


def upgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_holdings_holder_deed ON holdings (holder, deed_id)")
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_holdings_holder")
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE holdings")  # the planner's statistics of the new index
