"""Questions the AI Act does not answer, recognised by what they are about.

Similarity to the corpus cannot tell them apart: "What is the maximum GDPR fine for a late
breach notification?" is as close to Article 99 as an AI Act question is. What gives them
away is the regime they ask about. Each entry names a matter another body of law governs;
a question about one is declined unless it also asks about the AI Act itself ("How does
the AI Act's Article 4a relate to the GDPR?" is answered).

Reviewed against the AI Act: none of these matters is governed by it. Where the Act touches
one (copyright policy of GPAI providers, Article 53(1)(c); GDPR for bias data, Article 4a),
the entry names the part it does not govern (who owns the copyright; GDPR fines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class OtherRegime:
    matter: str  # said to the asker: what the question is about, which the AI Act does not govern
    pattern: re.Pattern[str]


def _regime(matter: str, pattern: str) -> OtherRegime:
    return OtherRegime(matter, re.compile(pattern, re.IGNORECASE))


OTHER_REGIMES = (
    _regime("fines and breach notification under the GDPR", r"\bgdpr fine|\bdata protection authority\b.*\bfine|\bfine\b.*\b(gdpr|data protection authority)\b|\bpersonal data breach\b"),
    _regime("tax law (VAT, income tax, deductions)", r"\bvat\b|\bvalue added tax|\bincome tax|\btax return|\bdeduct(ible|ion)?\b.*\btax|\btax\b.*\bdeduct"),
    _regime("national employment law (notice, severance, dismissal)", r"\bnotice period|\bseverance|\bdismiss(al)?\b.*\b(employment law|labou?r law)|\bemployment law\b"),
    _regime("who owns copyright in generated output", r"\bwho owns\b.*\bcopyright|\bcopyright\b.*\bwho owns|\bownership of (the )?copyright"),
    _regime("medical advice", r"\bchest pain|\bemergency department|\bshould i (still )?(see|go to) (a|the) (doctor|hospital|emergency)|\bmy symptoms?\b"),
    _regime("compensation under product liability law", r"\bproduct liability directive\b|\bhow much compensation\b|\bdamages would we owe\b"),
    _regime("cybersecurity incident reporting under NIS2", r"\bnis ?2\b|\bcsirt\b|\bearly warning\b.*\bincident"),
)  # fmt: skip

FOREIGN_AI_LAW = _regime(
    "AI laws outside the EU",
    r"\b(colorado|california|new york|texas|utah|illinois|chinese|china's|uk's|canadian)\b.{0,20}\b(ai act|law|act|rules?)\b",
)
_ABOUT_THE_AI_ACT = re.compile(
    r"\b(ai act|artificial intelligence act|2024/1689|2026/1744|digital omnibus|article \d+|annex [ivx]+|recital \d+)\b",
    re.IGNORECASE,
)


def other_regime(question: str) -> OtherRegime | None:
    """The matter governed elsewhere that a question asks about, if it asks about one."""
    if FOREIGN_AI_LAW.pattern.search(question):  # "the Colorado AI Act" is not the AI Act
        return FOREIGN_AI_LAW
    if _ABOUT_THE_AI_ACT.search(question):
        return None
    return next((regime for regime in OTHER_REGIMES if regime.pattern.search(question)), None)
