"""The direct answer apart from the whole text, why a question was not answered from the AI
Act (another law, another subject), and where the asker's role came from (issue 16).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as table:
        table.add_column(sa.Column("lead", sa.Text, nullable=True))
        table.add_column(sa.Column("scope", sa.String(20), nullable=True))
        table.add_column(sa.Column("role_source", sa.String(20), nullable=True))
    op.create_index("ix_answers_scope", "answers", ["scope"])


def downgrade() -> None:
    op.drop_index("ix_answers_scope", table_name="answers")
    with op.batch_alter_table("answers") as table:
        table.drop_column("role_source")
        table.drop_column("scope")
        table.drop_column("lead")
