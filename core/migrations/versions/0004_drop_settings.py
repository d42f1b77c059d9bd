"""The `settings` table goes: nothing has read or written it (preferences live in settings.json,
outside any ledger: core.settings), and its model was removed.

Dropped only if it is there, so a ledger whose table was already removed by hand migrates too.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("settings"):
        op.drop_table("settings")
