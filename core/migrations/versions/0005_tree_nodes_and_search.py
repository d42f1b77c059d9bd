"""County scale: the ledger's Merkle tree stored, and a trigram index for deed searches.

- `tree_nodes`: every complete interior node, so roots and proofs cost O(log n) (before,
  every root and proof read every leaf).  Filled here from the entries already recorded;
  from now on each append writes the nodes its entries complete, in the same transaction
  (core.treestore).
- `deed_search` (SQLite FTS5, trigram) or a pg_trgm GIN index (PostgreSQL): a search that
  matches few of a million deeds no longer reads them all (core.deedsearch).

Revision ID: 0005
"""
import sqlalchemy as sa
from alembic import op

from core import deedsearch
from core.treestore import backfill

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "tree_nodes",
        sa.Column("level", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("idx", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sqlite_with_rowid=False,  # the key is the row: no second copy of it in a rowid table
    )
    backfill(op.get_bind())
    deedsearch.install(op.get_bind())
