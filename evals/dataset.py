"""Eval datasets: JSONL, one case per line.

    {"id": "art5-emotion-work", "question": "...", "reference_answer": "...",
     "gold_citations": ["Article 5(1)(f)", "Recital 44"], "kind": "classification"}

`gold_citations` are read by the shared citation parser (`desk.citations`); "AI Act Art. 5"
is read as Article 5. A case with kind `out_of_scope` (another subject) or `other_regime`
(another law: `regime` names it) and no gold citations is one the desk must decline, or
redirect to the AI Act provisions that touch that law. `key_facts` are what a correct
direct answer states (`evals.facts` reads them: a date, an amount, a term of the law,
"cites: Article 6(2)", "verdict: yes"); a `false_premise` case may name the provision it
wrongly takes to exist (`nonexistent`, with the `nearest` real ones).
`turns` (optional) are earlier questions of the same conversation, asked
first; `role` (optional) is the role the asker gives, as the API's `role`. Unknown fields
are kept and ignored. A malformed line is reported with its number and the rest still loads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from desk.citations import CitationError, parse_citation, resolve
from desk.types import Role
from evals.facts import read_fact

DECLINE_KINDS = {"out_of_scope", "other_regime"}


class Case(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    reference_answer: str = ""
    gold_citations: list[str] = Field(default_factory=list)
    kind: str = "factual"
    turns: list[str] = Field(default_factory=list)
    role: Role | None = Field(default=None, description="The role the asker gives, as the widget's picker.")
    key_facts: list[str] = Field(default_factory=list, description="What a correct direct answer states.")
    nonexistent: str | None = Field(default=None, description="A provision wrongly taken to exist.")
    nearest: list[str] = Field(default_factory=list, description="The real provisions it points to.")
    regime: str | None = Field(default=None, description="The other law an `other_regime` case asks about.")

    @field_validator("gold_citations")
    @classmethod
    def _readable(cls, citations: list[str]) -> list[str]:
        for citation in citations:
            parse_citation(citation)  # raises CitationError (a ValueError): the line is reported
        return citations

    @field_validator("key_facts")
    @classmethod
    def _facts_readable(cls, facts: list[str]) -> list[str]:
        for fact in facts:
            read_fact(fact)  # raises ValueError on an unknown verdict or an unreadable citation
        return facts

    @property
    def gold_anchors(self) -> list[str]:
        return [parse_citation(citation) for citation in self.gold_citations]

    @property
    def must_decline(self) -> bool:
        return self.kind in DECLINE_KINDS and not self.gold_citations


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class Dataset:
    path: Path
    cases: list[Case]
    errors: list[LineError] = field(default_factory=list)
    sha256: str = ""

    def unresolved(self, known: set[str]) -> list[tuple[str, str]]:
        """(case id, citation) pairs whose gold citation names no provision in the corpus."""
        return [
            (case.id, citation)
            for case in self.cases
            for citation, anchor in zip(case.gold_citations, case.gold_anchors, strict=True)
            if resolve(anchor, known, nearest=False) is None
        ]


def load_dataset(path: Path) -> Dataset:
    raw = path.read_bytes()
    cases: list[Case] = []
    errors: list[LineError] = []
    seen: set[str] = set()
    for number, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            case = Case.model_validate(json.loads(line))
        except json.JSONDecodeError as error:
            errors.append(LineError(number, f"not JSON ({error.msg})"))
            continue
        except (ValidationError, CitationError) as error:
            errors.append(LineError(number, _first_problem(error)))
            continue
        if case.id in seen:
            errors.append(LineError(number, f"duplicate id {case.id!r}"))
            continue
        seen.add(case.id)
        cases.append(case)
    return Dataset(path, cases, errors, hashlib.sha256(raw).hexdigest())


def _first_problem(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', 'invalid')}"
    return str(error)
