"""Reviewed answers as eval cases (the format of evals/dataset.py), so corrections become
regression tests: `desk review export --out FILE`, then `desk eval run --dataset FILE`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from desk.review.schemas import Decision

_MARKER = re.compile(r"\s*\[\d+\]")
# The desk declined and staff agreed: the eval checks the desk still declines.
DECLINE_KIND = "out_of_scope"
REVIEWED_KIND = "reviewed"


def eval_case(decision: Decision) -> dict:
    declined = decision.declined and not decision.citations
    case = {
        "id": f"reviewed-{decision.answer_id}",
        "question": decision.question,
        "reference_answer": _MARKER.sub("", decision.text).strip(),
        "gold_citations": [c.label for c in decision.citations],
        "kind": DECLINE_KIND if declined else REVIEWED_KIND,
        # Kept and ignored by the eval reader; they say where the case came from.
        "review_status": decision.status,
        "reviewed_by": decision.reviewed_by,
        "reviewed_at": decision.updated_at.isoformat(),
    }
    if decision.role:
        case["role"] = decision.role
    return case


def write_cases(decisions: list[Decision], out: Path) -> int:
    """Write one JSONL line per reviewed answer; returns how many."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(eval_case(d), ensure_ascii=False) for d in decisions]
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
