"""PostgreSQL: deed searches on folded columns, and an index for searches of 1 or 2 characters.

`deeds.parcel_folded`, `address_folded` and `owner_folded` (stored generated columns) hold the
searched columns lower-cased, so the rule is LIKE on them (the same rows as ILIKE on each column,
without lower-casing every value at every search).  pg_trgm's GIN indexes move to them, and a GIN
index over their 1- and 2-character pieces answers the searches pg_trgm cannot narrow.  SQLite
keeps its FTS5 index (0014): nothing changes there.  See core.deed_search_pg.

Revision ID: 0015
"""

from alembic import op

from core import deed_search_pg

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    trigram_ops = conn.exec_driver_sql(
        "SELECT quote_ident(n.nspname) || '.gin_trgm_ops' FROM pg_extension e "
        "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    ).scalar()  # 0014 created it when it could, and said so when it could not
    for statement in deed_search_pg.statements(None if trigram_ops is None else str(trigram_ops)):
        conn.exec_driver_sql(statement)
