"""Staff review (issue 7): the queue of answers that need a human look, and corrections that
make later answers better.

    answers (flags) + feedback (thumbs-down, expert requests) ─► queue.ReviewQueue
    staff ─► auth (argon2, sessions, tokens, throttle) ─► decisions: approve | correct | reject | reply
                                                          │            (corrections validated by
                                                          ▼             corrections.py), audit log
                      review_decisions ─► reuse.ReviewedAnswers ─► /api/chat serves a reviewed answer
                                       └► export ─► eval cases       for a near-duplicate question
"""
