"""Who may read, continue or rate a conversation: whoever holds the secret it was issued with
(issue 19, point 3).

Ids are no secrets: they travel in URLs, logs, the staff pages and the widget's local storage
on a host page. So each conversation gets a random 256-bit secret when it starts, returned
once (`conversation_secret` in the answer that starts it, and in the stream's `meta` event),
and sent back in the `X-Conversation-Secret` header to read the conversation, ask a follow-up,
or rate an answer of it. The desk keeps only the secret's sha256: a copy of the database opens
no conversation. (sha256, not a slow password hash: the secret is 256 random bits, not words a
person chose, so there is nothing to guess from its hash.)

    no secret sent                                                 403, whether the id exists or not
    a wrong secret, an unknown id, or a conversation without one   404, one message for all three,
                                                                   so a caller cannot tell which

Conversations stored before migration 0009 have no secret, and nobody can be given one now
that the id alone might have leaked: no anonymous caller can read, continue or rate them any
more (the widget then starts a new conversation). Staff still read every answer through the
review queue, which a staff login opens, not a conversation secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Header, HTTPException

from desk.store import Store

SECRET_HEADER = "X-Conversation-Secret"
SECRET_PATTERN = r"^[A-Za-z0-9_-]{43}$"  # what `secrets.token_urlsafe(32)` writes
# Compared against when a conversation has no hash, so that its refusal takes as long.
_NO_HASH = "0" * 64

# Optional to FastAPI, so that a request without it gets the desk's 403 saying what to send
# rather than a bare 422; the schema says where it is required (`state_in_schema`).
ConversationSecret = Annotated[
    str | None,
    Header(
        alias=SECRET_HEADER,
        pattern=SECRET_PATTERN,
        description="The `conversation_secret` the desk returned when the conversation started: "
        "needed to read it, continue it (with `conversation_id`) or rate its answers.",
    ),
]


def issue_secret() -> tuple[str, str]:
    """A new conversation's secret, and the hash of it the desk keeps."""
    secret = secrets.token_urlsafe(32)
    return secret, secret_hash(secret)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def opens(stored_hash: str | None, secret: str) -> bool:
    """The secret is the one the conversation was issued with (compared in constant time)."""
    matches = hmac.compare_digest(secret_hash(secret), stored_hash or _NO_HASH)
    return matches and stored_hash is not None


def require_conversation(store: Store, conversation_id: str, secret: str | None) -> None:
    """Refuse (403, 404) unless `secret` opens the conversation."""
    _require(
        store.conversation_secret_hash(conversation_id),
        secret,
        f"no conversation {conversation_id} opens with this {SECRET_HEADER}: "
        "leave conversation_id out to start a new one",
    )


def require_answer(store: Store, answer_id: str, secret: str | None) -> None:
    """Refuse (403, 404) unless `secret` opens the conversation the answer belongs to."""
    _require(
        store.answer_secret_hash(answer_id),
        secret,
        f"no answer {answer_id} opens with this {SECRET_HEADER}: send the secret of the "
        "conversation the answer belongs to",
    )


def state_in_schema(path: str, operation: dict) -> None:
    """The header in the OpenAPI schema: a string of the secret's shape, required on the
    operations that open a conversation or an answer by its id (reading, rating)."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"] == SECRET_HEADER:
            parameter["schema"] = {"type": "string", "pattern": SECRET_PATTERN}
            parameter["required"] = "{conversation_id}" in path or "{answer_id}" in path


def _require(stored_hash: str | None, secret: str | None, refusal: str) -> None:
    """403 when no secret was sent; 404 with `refusal` when it does not open what was asked."""
    if not secret:
        raise HTTPException(
            403,
            f"this needs the conversation's secret: send the {SECRET_HEADER} header with the "
            "conversation_secret the desk returned when the conversation started",
        )
    if not opens(stored_hash, secret):
        raise HTTPException(404, refusal)
