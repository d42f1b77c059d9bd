"""Witnesses' cosignatures on checkpoints (core.cosignatures): one row per checkpoint and witness key.

Not part of the ledger (a cosignature is made after its checkpoint is recorded, elsewhere);
`verify` checks every row's signature against the checkpoint it names.

Revision ID: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0006"


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("cosignatures"):
        return  # a database set back to an older revision by hand keeps its table
    op.create_table(
        "cosignatures",
        sa.Column("checkpoint_idx", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("witness_name", sa.String(), primary_key=True),
        sa.Column("witness_address", sa.String(), primary_key=True),
        sa.Column("cosigned_at", sa.BigInteger(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("added_at", sa.BigInteger(), nullable=False),
    )
