"""Feedback on answers: ratings with comments, and requests for a human expert.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("answer_id", sa.String(32), sa.ForeignKey("answers.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("rating", sa.String(10), nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("review_reason", sa.String(40), nullable=True),
        sa.Column("reply", sa.Text, nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feedback_answer_id", "feedback", ["answer_id"])
    op.create_index("ix_feedback_review_reason", "feedback", ["review_reason"])
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])


def downgrade() -> None:
    op.drop_table("feedback")
