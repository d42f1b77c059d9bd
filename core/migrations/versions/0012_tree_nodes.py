"""The ledger's Merkle tree stored: every complete interior node, so roots and proofs cost O(log n).

Before, every root and proof read every leaf.  The table is filled here from the
entries already recorded; from now on each append writes the nodes its entries
complete, in the same transaction (core.treestore).

Revision ID: 0012
"""

import sqlalchemy as sa
from alembic import op

from core.treestore import backfill

revision = "0012"
down_revision = "0010"


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("tree_nodes"):
        return  # a database set back to an older revision by hand keeps its table (verify checks it)
    op.create_table(
        "tree_nodes",
        sa.Column("level", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("idx", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(), nullable=False),
        sqlite_with_rowid=False,  # the key is the row: no second copy of it in a rowid table
    )
    backfill(op.get_bind())
