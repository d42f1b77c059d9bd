"""The compliance projection: claims, issuers, rule versions, holds, recoveries, acquisition times.

One table of (kind, key) -> canonical JSON (core.compliance.store).  A ledger made
before has none of the new entry kinds, so only the acquisition times (what a
lock-up counts from) are filled, from the registrations and transfers recorded.
A table that is there already is left as it is.

Revision ID: 0006
"""

import sqlalchemy as sa
from alembic import op

from core.compliance.store import refill_acquisitions

revision = "0006"
down_revision = "0004"


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("compliance"):
        return  # made already (a ledger whose version was set back by hand): its rows are the ledger's
    op.create_table(
        "compliance",
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("data", sa.Text(), nullable=False),
    )
    refill_acquisitions(op.get_bind())
