"""Covering indexes for searching and sorting deeds.

A deed row carries its attributes (about 1 kB), so a search that reads every row
reads the whole table.  Each index below holds the three searched columns, led by
the column a list is sorted on: SQLite then walks the index in sort order and
tests the search in it, without touching the table (the deed number is the rowid).

Revision ID: 0002
"""

from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_index("ix_deeds_search", "deeds", ["parcel", "address", "owner"])
    op.create_index("ix_deeds_by_address", "deeds", ["address", "parcel", "owner"])
    op.drop_index("ix_deeds_owner", "deeds")
    op.create_index("ix_deeds_by_owner", "deeds", ["owner", "parcel", "address"])
