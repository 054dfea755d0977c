"""The hash of the secret that opens a conversation (issue 19): ids alone no longer read,
continue or rate one.

Conversations stored before this migration keep no secret (NULL): no anonymous caller can
open them any more, as nobody can be handed a secret for them now that their ids may have
leaked; staff still read their answers in the review queue (desk/api/conversation_access.py).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as table:
        table.add_column(sa.Column("secret_hash", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as table:
        table.drop_column("secret_hash")
