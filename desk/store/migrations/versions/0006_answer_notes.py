"""What an answer told the asker besides its text: its notes (dates, amendments, whose
duties) and the question it asked back, so a conversation read from the server is whole.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as table:
        table.add_column(sa.Column("notes", sa.JSON, nullable=True))
        table.add_column(sa.Column("clarify", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as table:
        table.drop_column("clarify")
        table.drop_column("notes")
