"""The review queue groups identical questions and caps what one client adds to it (issue 19):
each answer keeps the key of its question, and the queue items each client added are counted
per time window.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from desk.store.question_key import question_key

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("answers") as table:
        table.add_column(sa.Column("question_key", sa.String(64), nullable=True))
        table.create_index("ix_answers_question_key", ["question_key"])
    _key_the_questions_asked_so_far()
    op.create_table(
        "queue_intake_windows",
        sa.Column("client", sa.String(100), primary_key=True),
        sa.Column("window", sa.BigInteger, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )


def _key_the_questions_asked_so_far() -> None:
    """Answers given before this migration are grouped like the new ones."""
    answers = sa.table("answers", sa.column("id", sa.String), sa.column("question", sa.Text),
                       sa.column("question_key", sa.String))  # fmt: skip
    connection = op.get_bind()
    while True:
        rows = connection.execute(
            sa.select(answers.c.id, answers.c.question).where(answers.c.question_key.is_(None)).limit(_BATCH)
        ).all()
        for answer_id, question in rows:
            connection.execute(
                answers.update().where(answers.c.id == answer_id).values(question_key=question_key(question))
            )
        if len(rows) < _BATCH:
            return


def downgrade() -> None:
    op.drop_table("queue_intake_windows")
    with op.batch_alter_table("answers") as table:
        table.drop_index("ix_answers_question_key")
        table.drop_column("question_key")
