"""The page of a PDF source beside each citation: the AI Continent Action Plan is cited by
section and page (issue 17).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("citations") as table:
        table.add_column(sa.Column("page", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("citations") as table:
        table.drop_column("page")
