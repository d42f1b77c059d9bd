"""The first schema: the ledger, its entries, the deed projections, contacts, settings.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from core.store import guard_statements

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "ledger",
        sa.Column("ledger_id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("operator", sa.String(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "entries",
        sa.Column("idx", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(), nullable=False, index=True),
        sa.Column("deed_id", sa.Integer(), nullable=True, index=True),
        sa.Column("signers", sa.String(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("signatures", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.BigInteger(), nullable=False, index=True),
        sa.Column("leaf_hash", sa.String(), nullable=False),
        sa.Column("chain_hash", sa.String(), nullable=False),
    )
    op.create_table(
        "deeds",
        sa.Column("deed_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("parcel", sa.String(), nullable=False, index=True),
        sa.Column("parcel_key", sa.String(), nullable=False, unique=True),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("legal", sa.String(), nullable=False),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("total_shares", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False, index=True),
        sa.Column("holders_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("registered_index", sa.Integer(), nullable=False),
        sa.Column("updated_index", sa.Integer(), nullable=False),
        sa.Column("last_price", sa.BigInteger(), nullable=True),
        sa.Column("last_currency", sa.String(), nullable=True),
        sa.Column("last_sale_at", sa.BigInteger(), nullable=True),
        sa.Column("last_valuation", sa.BigInteger(), nullable=True),
        sa.Column("last_valuation_index", sa.Integer(), nullable=True),
    )
    op.create_table(
        "holdings",
        sa.Column("deed_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("holder", sa.String(), primary_key=True, index=True),
        sa.Column("shares", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "liens",
        sa.Column("lien_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("deed_id", sa.Integer(), nullable=False, index=True),
        sa.Column("holder", sa.String(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("opened_index", sa.Integer(), nullable=False),
        sa.Column("released_index", sa.Integer(), nullable=True),
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False, index=True),
        sa.Column("address", sa.String(), nullable=False, index=True),
        sa.Column("role", sa.String(), nullable=False, server_default=""),
        sa.Column("note", sa.String(), nullable=False, server_default=""),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    for statement in guard_statements(op.get_bind().dialect.name):
        op.execute(statement)
