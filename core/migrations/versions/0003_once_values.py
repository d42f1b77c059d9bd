"""One-time values (replay keys) in their own table, unique, filled from the entries already recorded.

Before, a transfer id was looked for with LIKE over the stored JSON of the deed's
transfers; the table's primary key is a unique index, so the check is one lookup,
and a second use of a value fails in the database too.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

from core.projection import refill_once

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.create_table(
        "once_values",
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), primary_key=True),
        sa.Column("scope", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), primary_key=True),
        sa.Column("entry_idx", sa.Integer(), nullable=False),
    )
    refill_once(op.get_bind())
