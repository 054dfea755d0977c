"""Conversations, answers and their citations.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("conversation_id", sa.String(32), sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("passages", sa.JSON, nullable=False),
        sa.Column("backend", sa.String(100), nullable=False),
        sa.Column("settings_hash", sa.String(64), nullable=False),
        sa.Column("corpus_version", sa.String(32), nullable=False),
        sa.Column("latency_ms", sa.Float, nullable=False),
        sa.Column("declined", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_answers_conversation_id", "answers", ["conversation_id"])
    op.create_index("ix_answers_created_at", "answers", ["created_at"])
    op.create_table(
        "citations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("answer_id", sa.String(32), sa.ForeignKey("answers.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("anchor", sa.String(100), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("passage_id", sa.String(200), nullable=False),
        sa.Column("quote", sa.Text, nullable=True),
        sa.Column("deep_link", sa.Text, nullable=False),
        sa.Column("authority", sa.String(20), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("amended_by", sa.String(100), nullable=True),
    )
    op.create_index("ix_citations_answer_id", "citations", ["answer_id"])
    op.create_index("ix_citations_anchor", "citations", ["anchor"])


def downgrade() -> None:
    op.drop_table("citations")
    op.drop_table("answers")
    op.drop_table("conversations")
