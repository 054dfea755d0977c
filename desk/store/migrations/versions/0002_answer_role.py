"""The asker's role on each answer (given in the request or recognised from the question),
and the corpus version each answer's citations were last checked against (stale answers).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as table:
        table.add_column(sa.Column("role", sa.String(40), nullable=True))
        table.add_column(sa.Column("checked_corpus", sa.String(32), nullable=True))
        table.create_index("ix_answers_checked_corpus", ["checked_corpus"])


def downgrade() -> None:
    with op.batch_alter_table("answers") as table:
        table.drop_index("ix_answers_checked_corpus")
        table.drop_column("checked_corpus")
        table.drop_column("role")
