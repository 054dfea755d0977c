"""The direct answer, composed from the law's own structure and words.

    reading (kind, subject) ─► facts the corpus states ─► one to four sentences, each cited
        when       the timeline's date for the subject (Article 113's point, Article 111)
        how much   the amounts of Article 99's tier for the breach, Article 101 for GPAI models
        high-risk? the Annex III point's words, Article 6(2), Article 6(3)'s exception
        allowed?   the Article 5 point that prohibits the practice
        what is    the Article 3 definition
        duties     the role's duty articles, by their titles, and what they list
        changed    what Regulation (EU) 2026/1744 did to the provision
        provision  its title and first statement
A verdict ("Yes", "No", "It depends") opens the lead only where the law's structure gives it:
a use Annex III lists, a practice Article 5 prohibits, a date already past. Nothing here is
written per question; every sentence goes through `desk.answering.verify` afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from desk.answering.verify import LeadSentence
from desk.backends.extractive import best_statements
from desk.citations import label_for, split_anchor
from desk.index.lexical import tokens
from desk.index.loaded import Corpus
from desk.roles import ROLE_DUTIES, ROLE_NAMES, RoleReading
from desk.routing import (
    HIGH_RISK_BY_PRODUCT,
    HIGH_RISK_BY_USE,
    HIGH_RISK_EXCEPTION,
    about_products,
    fine_tiers,
    transparency_duties,
)
from desk.statements import (
    chapter_of,
    first_clause,
    item_body,
    lower_first,
    sentence_case,
    statements,
    title_of,
)
from desk.thesaurus import in_the_acts_words
from desk.timeline import Timeline, TimelineEntry
from desk.types import Authority, Passage
from desk.understanding import Kind, Reading, kinds_of, last_question

MAX_SENTENCES = 4
SUPPORTING = 3  # a lead shorter than this gains the most relevant statement it does not cite
_PRACTICES = "art-5.par-1"  # the prohibited practices, point by point
_NEW_PRACTICES = "art-5.par-1a"
_YES_NO = re.compile(
    r"^\s*(is|are|does|do|did|has|have|can|could|may|must|should|shall|will|would|am)\b", re.I
)
_ALREADY = re.compile(r"\b(already|yet|now|currently|today|still|in effect|in force)\b", re.I)
_PROHIBITION_WORDS = re.compile(r"\b(prohibited|banned|forbidden|illegal|unlawful)\b", re.I)
# A question that carries its own premise ("… automatically not high-risk, right?") gets no
# verdict word from the law's structure: the premise is what needs answering.
_PREMISE = re.compile(
    r"\b(automatically|right|correct|true|surely|really)\b\s*\??\s*$|\bautomatically\b", re.I
)
_NEGATED = re.compile(
    r"\b(not|n't|no longer|never)\b[^.?!]{0,30}\b(high[- ]risk|prohibited|allowed|permitted|covered"
    r"|apply|applies|in effect|in force)\b|\bexempt\w*",
    re.I,
)
_VERDICT_WORDS = {"yes": "Yes", "no": "No", "depends": "It depends"}
_PROFILING = re.compile(r"\bprofil\w+", re.I)
_FINE_CLAUSE = re.compile(
    r"fines (?:of up to|not exceeding) (?P<clause>.+?whichever (?:thereof )?is (?:higher|lower))", re.S
)


@dataclass
class Lead:
    """The direct answer: its sentences, and the passages they are numbered against."""

    sentences: list[LeadSentence]
    passages: list[Passage]
    verdict: str | None = None
    dropped: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


class _Numbering:
    """The prompt's passages, numbered from 1; a provision the lead needs is added at the end."""

    def __init__(self, passages: Sequence[Passage], corpus: Corpus):
        self.passages = list(passages)
        self.corpus = corpus

    def of(self, anchor: str, add: bool = True) -> int | None:
        """The number of the passage that holds `anchor` (adding its first passage if none does)."""
        for number, passage in enumerate(self.passages, start=1):
            if passage.anchor == anchor:
                return number
        holders = self.corpus.passages_under(anchor)
        for number, passage in enumerate(self.passages, start=1):
            if passage.anchor.startswith(anchor + ".") or any(h.id == passage.id for h in holders):
                return number
        if not add or not holders:
            return None
        self.passages.append(holders[0].model_copy(update={"score": 0.0}))
        return len(self.passages)

    def marker(self, *anchors: str) -> str:
        numbers = [n for a in anchors if (n := self.of(a)) is not None]
        return "".join(f" [{n}]" for n in dict.fromkeys(numbers))


class Composer:
    """Writes the lead of an answer from what the corpus states."""

    def __init__(self, corpus: Corpus, timeline: Timeline):
        self.corpus = corpus
        self.timeline = timeline
        self._consolidated = [p for p in corpus.provisions if p.source_id == "ai-act-consolidated"]
        self._practices = self._practice_words()
        self._articles, self._recitals, self._annexes = self._structure()

    def compose(
        self,
        reading: Reading,
        role: RoleReading,
        passages: Sequence[Passage],
        dated: Sequence[str] = (),
        today: date | None = None,
        recognised: Sequence[str] = (),
    ) -> Lead:
        numbering = _Numbering(passages, self.corpus)
        today = today or date.today()
        self._recognised = [a for a in recognised if re.fullmatch(r"art-3\.pt-\d+", a)]
        corrections = self.corrections(reading, numbering)
        sentences = list(corrections)
        verdict = None
        kinds = list(reading.kinds)
        if self._recognised and Kind.WHAT_IS not in kinds:  # "does it count as an 'AI system'?"
            kinds.append(Kind.WHAT_IS)
        substantive = False
        for kind in kinds:
            if len(sentences) >= MAX_SENTENCES:
                break
            written, said = self._for_kind(kind, reading, role, numbering, dated, today)
            if written:
                said = said if verdict is None else None  # one verdict, for the first kind asked
                said = _judged(kind, reading, said)
                written[0] = _opened(written[0], said)
                verdict = verdict or said
                sentences += written
                substantive = substantive or not (kind is Kind.DUTIES and role.role is None)
        if reading.own_words or not reading.missing:
            # No kind the desk can answer from the law's structure: its most relevant statements;
            # else, while the lead is short, the most relevant statement it does not cite yet.
            room = MAX_SENTENCES - len(sentences) if not substantive else SUPPORTING - len(sentences)
            sentences += self.best_statements(reading, numbering, _cited(sentences))[: max(room, 0)]
        return Lead(sentences[:MAX_SENTENCES], numbering.passages, verdict)

    def _for_kind(
        self, kind, reading, role, numbering, dated, today
    ) -> tuple[list[LeadSentence], str | None]:
        if kind is Kind.WHEN:
            return self.when(reading, numbering, dated, today)
        if kind is Kind.HOW_MUCH:
            return self.fines(reading, numbering), None
        if kind is Kind.HIGH_RISK:
            return self.high_risk(reading, numbering)
        if kind is Kind.ALLOWED:
            return self.allowed(reading, numbering)
        if kind is Kind.WHAT_IS:
            return self.definition(reading, numbering), None
        if kind is Kind.DUTIES:
            return self.duties(reading, role, numbering), None
        if kind is Kind.CHANGED:
            return self.changed(reading, numbering), None
        if kind is Kind.PROVISION:
            return self.provision(reading, numbering), None
        return [], None

    # -- false premises ----------------------------------------------------------------------
    def corrections(self, reading: Reading, numbering: _Numbering) -> list[LeadSentence]:
        """A provision the question names that the law does not have, or no longer has: say so
        first, with what the law has there."""
        written = []
        for missing in reading.missing[:2]:
            label, has = self._what_it_has(missing)
            nearest = ""
            if (
                missing.nearest
                and "." in missing.nearest
                and (number := numbering.of(missing.nearest)) is not None
            ):
                nearest = f" The nearest provision is {label_for(missing.nearest)} [{number}]."
            written.append(
                LeadSentence(f"There is no {label} in the AI Act: {has}.{nearest}", (missing.anchor,))
            )
        for anchor in reading.named:
            provision = self.corpus.provision(anchor)
            if (
                provision is not None
                and not provision.in_force
                and (number := numbering.of(anchor)) is not None
            ):
                written.append(
                    LeadSentence(
                        f"{label_for(anchor)} no longer applies: {provision.amended_by} deleted it "
                        f"[{number}].",
                        (anchor,),
                    )
                )
        return written

    def _what_it_has(self, missing) -> tuple[str, str]:
        """(the missing provision's label, what the law has there instead)."""
        if missing.nearest is None or "." not in missing.anchor:
            return missing.label, (
                f"its articles run from 1 to {self._articles[0]}{self._articles[1]}, its recitals from 1 to "
                f"{self._recitals} and its annexes from I to {self._annexes}"
            )
        kind = split_anchor(missing.anchor)[1][-1][0]
        parts = self._parts_of(missing.nearest, kind)
        label = missing.label
        if kind == "par" and not parts and (points := self._parts_of(missing.nearest, "pt")):
            # "Article 3(70)": Article 3 has points, not paragraphs.
            kind, parts = "pt", points
            label = label_for(missing.anchor.replace(".par-", ".pt-"))
        noun = {"par": "paragraphs", "pt": "points", "sub": "paragraphs", "sec": "sections"}.get(
            kind, "parts"
        )
        if not parts:
            return label, f"{label_for(missing.nearest)} has no {noun}"
        return label, f"{label_for(missing.nearest)} has {noun} {_listing(parts, kind)}"

    def _parts_of(self, anchor: str, kind: str) -> list[str]:
        """The values of the first-level parts of one kind under a provision: points (a) to (h) of
        Article 5(1); Article 113's points (a) to (d), which sit in its third paragraph."""
        found = []
        for provision in self._consolidated:
            if not provision.anchor.startswith(anchor + "."):
                continue
            segments = split_anchor(provision.anchor)[1]
            own = segments[len(split_anchor(anchor)[1]) :]
            if own[-1][0] == kind and all(k != kind for k, _ in own[:-1]):
                found.append(own[-1][1])
        return list(dict.fromkeys(found))

    def _structure(self) -> tuple[tuple[int, str], int, str]:
        """How far the Act runs: its last article (and those inserted), recital and annex."""
        articles = {
            split_anchor(p.anchor)[1][0][1] for p in self.corpus.provisions
            if p.source_id == "ai-act-consolidated" and p.anchor.startswith("art-") and p.in_force
        }  # fmt: skip
        numbered = sorted(int(a) for a in articles if a.isdigit())
        inserted = sorted(
            (a for a in articles if not a.isdigit()), key=lambda a: (int(re.sub(r"\D", "", a)), a)
        )
        last = numbered[-1] if numbered else 0
        extra = f" (with {_and(inserted)} inserted)" if inserted else ""
        recitals = max(
            (int(p.anchor[4:]) for p in self.corpus.provisions if re.fullmatch(r"rct-\d+", p.anchor)),
            default=0,
        )
        annexes = [p.anchor[4:] for p in self.corpus.provisions if re.fullmatch(r"anx-[IVXL]+", p.anchor)]
        from desk.citations import roman_to_int

        last_annex = max(annexes, key=roman_to_int) if annexes else "I"
        return (last, extra), recitals, last_annex

    # -- when --------------------------------------------------------------------------------
    def when(self, reading, numbering, dated, today) -> tuple[list[LeadSentence], str | None]:
        written: list[LeadSentence] = []
        verdict = None
        for set_by in dated[:1]:
            entries = [e for e in self.timeline.entries if e.set_by == set_by]
            subject = self._dated_subject(numbering.passages, set_by)
            if subject is not None and len(entries) > 1:
                narrowed = [
                    e for e in self.timeline.applying_to(subject.anchor, subject.heading_path) if e in entries
                ]
                entries = narrowed or entries
            entries = self._by_systems(entries, reading)
            if not entries:
                continue
            if entries[0].kind != "application":  # entry into force, a transition: in the law's words
                written += self._in_its_words(set_by, numbering)
                continue
            if subject is None and set_by not in {"art-113.pt-c", "art-113.pt-d"}:
                written += self._in_its_words(set_by, numbering)
                continue
            what = self._what_applies(entries[0], subject)
            when = " and ".join(e.status(today).removeprefix("applies ") for e in entries)
            # The subject's passage is cited too: the chapter or article title used is its heading.
            marker = numbering.marker(set_by, *([subject.anchor] if subject else []))
            verb = "apply" if re.search(r"\b(Sections|Articles|rules)\b", what) else "applies"
            sentence = f"{what} {verb} {when} ({label_for(set_by)}){marker}."
            if len(entries) == 1 and _ALREADY.search(last_question(reading.question)):
                verdict = "yes" if entries[0].date <= today else "no"
            written.append(LeadSentence(sentence))
            if subject is not None:
                written += self._transition(subject, numbering)
        return written, verdict

    def _dated_subject(self, passages: Sequence[Passage], set_by: str) -> Passage | None:
        """The provision whose date the question asks: the first of the Act's passages the
        timeline dates by `set_by`."""
        for passage in passages:
            if passage.source_id != "ai-act-consolidated" or passage.anchor.startswith(
                ("art-113", "art-111")
            ):
                continue
            if any(
                e.set_by == set_by for e in self.timeline.applying_to(passage.anchor, passage.heading_path)
            ):
                return passage
        return None

    @staticmethod
    def _by_systems(entries: list[TimelineEntry], reading: Reading) -> list[TimelineEntry]:
        """Of two dates for two kinds of high-risk system, the one the question is about."""
        if len(entries) < 2 or not all(e.systems for e in entries):
            return entries
        lowered = reading.question.lower()
        if reading.use or "annex iii" in lowered or "6(2)" in lowered:
            return [e for e in entries if "Annex III" in e.systems] or entries
        if about_products(lowered) or "6(1)" in lowered:
            return [e for e in entries if "Annex I" in e.systems and "Annex III" not in e.systems] or entries
        return entries

    @staticmethod
    def _what_applies(entry: TimelineEntry, subject: Passage | None) -> str:
        if entry.set_by == "art-113.pt-c":
            return "Chapter III, Sections 1 to 3 (the rules for high-risk AI systems)"
        if entry.set_by == "art-113.pt-d":
            return "Articles 102 to 110 (the amendments to other Union acts)"
        if subject is None:
            return "The rules asked about"
        if entry.set_by in {"art-113.sub-2", "art-111.par-4"} or subject.anchor.startswith(
            ("art-5.par-1.pt-ba", "art-5.par-1.pt-bb", "art-5.par-1a", "art-5.par-1b")
        ):
            title = title_of(subject.heading_path)
            return f"{label_for(subject.anchor)}" + (f" ({lower_first(title)})" if title else "")
        return chapter_of(subject.heading_path) or label_for(subject.anchor)

    def _transition(self, subject: Passage, numbering: _Numbering) -> list[LeadSentence]:
        """What Article 111 gives those already on the market, in its own words."""
        anchor = self.timeline.transition_for(subject.anchor, subject.heading_path)
        return self._in_its_words(anchor, numbering) if anchor else []

    def _in_force_words(self, anchor: str, numbering: _Numbering) -> LeadSentence:
        """'Article 50(2): Providers of AI systems … shall ensure …': a provision's first statement."""
        provision = self.corpus.provision(anchor)
        said = statements(provision.text) if provision else []
        first = _as_sentence(said[0].text) if said else ""
        return LeadSentence(f"{label_for(anchor)}: {first}{numbering.marker(anchor)}.")

    def _in_its_words(self, anchor: str, numbering: _Numbering) -> list[LeadSentence]:
        """A dating provision's first statement that holds a date, as it stands."""
        provision = self.corpus.provision(anchor)
        if provision is None:
            return []
        first = next((s.text for s in statements(provision.text) if re.search(r"\d{4}|day", s.text)), None)
        if first is None:
            return []
        return [LeadSentence(f"{label_for(anchor)}: {_as_sentence(first)}{numbering.marker(anchor)}.")]

    # -- fines -------------------------------------------------------------------------------
    def fines(self, reading: Reading, numbering: _Numbering) -> list[LeadSentence]:
        written = []
        for anchor in fine_tiers(" ".join(reading.question.lower().split())):
            provision = self.corpus.provision(anchor)
            if provision is None:
                continue
            text = " ".join(provision.text.split())
            marker = numbering.marker(anchor)
            clause = _FINE_CLAUSE.search(text)
            if clause is None:  # Article 99(6): how the tiers apply to SMEs, in its own words
                written.append(LeadSentence(f"{label_for(anchor)}: {_as_sentence(text)}{marker}."))
                continue
            breach = _breach(text[: clause.start()], anchor)
            amount = clause.group("clause").replace(", or EUR", " or EUR")
            written.append(LeadSentence(f"{breach}: fines of up to {amount} ({label_for(anchor)}){marker}."))
        return written

    # -- high-risk? --------------------------------------------------------------------------
    def high_risk(self, reading: Reading, numbering: _Numbering) -> tuple[list[LeadSentence], str | None]:
        lowered = reading.question.lower()
        if reading.use:
            return self._annex_iii_use(reading, numbering)
        if about_products(lowered):
            rule = self.corpus.provision(HIGH_RISK_BY_PRODUCT)
            if rule is None:
                return [], None
            items = [item_body(s) for s in statements(rule.text) if s.lead_in]
            sentence = (
                f"That depends on the product: {label_for(HIGH_RISK_BY_PRODUCT)} makes an AI system "
                f"high-risk "
                f"where {items[0] if items else ''}, and {items[1] if len(items) > 1 else ''}"
                f"{numbering.marker(HIGH_RISK_BY_PRODUCT)}."
            )
            return [LeadSentence(" ".join(sentence.split()))], None
        if duties := transparency_duties(lowered)[:1]:
            written = [
                LeadSentence(
                    f"Not as such: {label_for(HIGH_RISK_BY_USE)} makes the AI systems referred to in "
                    f"Annex III "
                    f"high-risk, and this use is not among them; it would be high-risk only if used for an "
                    f"Annex III purpose{numbering.marker(HIGH_RISK_BY_USE)}."
                )
            ]
            for anchor in duties:
                provision = self.corpus.provision(anchor)
                if provision is not None:
                    first = _as_sentence(statements(provision.text)[0].text)
                    marker = numbering.marker(anchor)
                    written.append(LeadSentence(f"What applies is {label_for(anchor)}: {first}{marker}."))
            return written, "no"
        rule = self.corpus.provision(HIGH_RISK_BY_USE)
        if rule is None:
            return [], None
        return [
            LeadSentence(
                f"That depends on its use: under {label_for(HIGH_RISK_BY_USE)}, "
                f"{lower_first(_as_sentence(rule.text))}{numbering.marker(HIGH_RISK_BY_USE)}; so does a "
                f"safety component of a product covered by Annex I "
                f"({label_for(HIGH_RISK_BY_PRODUCT)}){numbering.marker(HIGH_RISK_BY_PRODUCT)}."
            )
        ], None

    def _annex_iii_use(
        self, reading: Reading, numbering: _Numbering
    ) -> tuple[list[LeadSentence], str | None]:
        anchor = self._listed_use(reading)
        point = self.corpus.provision(anchor or reading.use)
        if point is None:
            return [], None
        if anchor is None:  # an area named, none of its uses: the area's uses, no verdict
            area = next((s.body for s in statements(point.text) if re.match(r"^\d+\.", s.body)), "")
            area_name = lower_first(_as_sentence(re.sub(r"^\d+\.\s*", "", area)))
            listed = f"{label_for(reading.use)} ({area_name})"
            marker = numbering.marker(reading.use, HIGH_RISK_BY_USE)
            return [
                LeadSentence(
                    f"That depends on the use: {label_for(HIGH_RISK_BY_USE)} makes high-risk the AI systems "
                    f"listed in Annex III, and {listed} lists these uses{marker}."
                )
            ], None
        use = _own_item(point)
        marker = numbering.marker(anchor, HIGH_RISK_BY_USE)
        listed, excepted = _exception_clause(use)
        if excepted and _shares_words(reading.question, excepted, listed):
            # The point itself excepts what the question describes ("… except fraud detection").
            sentence = f"{label_for(anchor)} lists {listed}, but not {excepted}{marker}."
            return [LeadSentence(sentence)], "no"
        exception = self.corpus.provision(HIGH_RISK_EXCEPTION)
        profiling = bool(_PROFILING.search(reading.question))
        conditions = self._exception_conditions(reading, exception)
        verdict = "yes" if profiling or not conditions else "depends"
        written = [
            LeadSentence(
                f"{sentence_case(use)} are high-risk under {label_for(HIGH_RISK_BY_USE)}, because "
                f"{label_for(anchor)} lists them{marker}."
            )
        ]
        if exception is None:
            return written, verdict
        said = [s for s in statements(exception.text) if not s.lead_in]
        derogation = first_clause(_after_comma(said[0].text), 12) if said else ""
        always = _after_comma(said[-1].text) if len(said) > 1 else ""
        mark = numbering.marker(HIGH_RISK_EXCEPTION)
        if profiling and always:
            written.append(LeadSentence(f"Under {label_for(HIGH_RISK_EXCEPTION)}, {always}{mark}."))
        elif conditions:
            written.append(
                LeadSentence(
                    f"Under {label_for(HIGH_RISK_EXCEPTION)}, {derogation}, for instance where "
                    f"{_and(conditions)}; but {always}{mark}."
                )
            )
        elif derogation:
            written.append(
                LeadSentence(
                    f"The exception is {label_for(HIGH_RISK_EXCEPTION)}: {derogation}; but {always}{mark}."
                )
            )
        return written, verdict

    def _listed_use(self, reading: Reading) -> str | None:
        """The Annex III point the question's use is: the one the use names, or, for an area
        ("education"), the point of it whose own words the question shares."""
        uses = [
            p for p in self.corpus.provisions
            if p.source_id == "ai-act-consolidated" and p.parent == reading.use and p.kind.value == "point"
        ]  # fmt: skip
        if not uses:
            return reading.use
        asked = set(tokens([reading.question])[0])
        shared = {p.anchor: set(tokens([p.text])[0]) for p in uses}
        common = set.intersection(*shared.values()) if len(shared) > 1 else set()
        scored = [(len(asked & (words - common)), anchor) for anchor, words in shared.items()]
        best = max(scored, default=(0, None))
        return best[1] if best[0] >= 2 else None

    @staticmethod
    def _exception_conditions(reading: Reading, exception) -> list[str]:
        """The conditions of Article 6(3) the question's words describe ("a preparatory task")."""
        if exception is None:
            return []
        asked = set(tokens([reading.question])[0])
        bodies = [item_body(s) for s in statements(exception.text) if s.lead_in]
        words = [set(tokens([body])[0]) for body in bodies]
        found = []
        for body, own in zip(bodies, words, strict=True):
            others = set().union(*(w for w in words if w is not own))
            distinctive = own - others - {"annex", "iii", "list", "case", "relev", "purpos", "assess"}
            if len(asked & distinctive) >= 2:
                found.append(
                    re.sub(r"^the ai system is intended to ", "it is intended to ", body, flags=re.I)
                )
        return found

    # -- allowed? ----------------------------------------------------------------------------
    def allowed(self, reading: Reading, numbering: _Numbering) -> tuple[list[LeadSentence], str | None]:
        practice = self.practice(reading, numbering.passages)
        if practice is None:  # not one Article 5 names: no verdict the law's structure gives
            return [], None
        provision = self.corpus.provision(practice)
        body = _own_item(provision)
        prohibition_asked = bool(_PROHIBITION_WORDS.search(last_question(reading.question)))
        verdict = "yes" if prohibition_asked else "no"
        return [LeadSentence(f"{label_for(practice)} prohibits {body}{numbering.marker(practice)}.")], verdict

    def practice(self, reading: Reading, passages: Sequence[Passage]) -> str | None:
        if Kind.ALLOWED not in kinds_of(last_question(reading.question)):
            return None  # the question's setting speaks of a ban; what it asks is something else
        return self._practice(reading, passages)

    def _practice(self, reading: Reading, passages: Sequence[Passage]) -> str | None:
        """The point of Article 5 that prohibits what the question describes: the best ranked
        one whose own words (those few other points use) the question shares."""
        asked = set(tokens([f"{reading.question} {in_the_acts_words(reading.question)}"])[0])
        candidates = [
            p.anchor for p in passages if p.anchor.startswith((_PRACTICES + ".pt-", _NEW_PRACTICES))
        ]
        candidates += [a for a in reading.named if a.startswith((_PRACTICES + ".pt-", _NEW_PRACTICES))]
        for anchor in dict.fromkeys(candidates):
            point = _point_of(anchor)
            if point in self._practices and len(asked & self._practices[point]) >= 1:
                return point
        return None

    def _practice_words(self) -> dict[str, set[str]]:
        """Each point of Article 5(1), and the words of its own that at most one other point uses."""
        points = {
            p.anchor: set(tokens([item_body(s) for s in statements(p.text) if s.lead_in][:1] or [p.text])[0])
            for p in self.corpus.provisions
            if p.source_id == "ai-act-consolidated" and re.fullmatch(r"art-5\.par-1\.pt-[a-z]+", p.anchor)
        }
        spread: dict[str, int] = {}
        for words in points.values():
            for word in words:
                spread[word] = spread.get(word, 0) + 1
        return {
            anchor: {w for w in words if spread[w] <= 2 and len(w) > 3} for anchor, words in points.items()
        }

    # -- what is -----------------------------------------------------------------------------
    def definition(self, reading: Reading, numbering: _Numbering) -> list[LeadSentence]:
        recognised = [p for a in self._recognised for p in self.corpus.passages_under(a)[:1]]
        for passage in [*recognised, *numbering.passages[:4]]:
            if not re.fullmatch(r"art-3\.pt-\d+", passage.anchor):
                continue
            meaning = next((s.body for s in statements(passage.text) if "’ means" in s.body), None)
            if meaning is None:
                continue
            term = re.search(r"‘([^’]+)’", meaning)
            asked = reading.question.lower().replace("'", "’")
            if term and passage.anchor not in self._recognised and term.group(1).lower() not in asked:
                continue
            body = _as_sentence(re.sub(r"^\(\d+\)\s*", "", meaning))
            return [
                LeadSentence(f"Under {label_for(passage.anchor)}, {body}{numbering.marker(passage.anchor)}.")
            ]
        return []

    # -- duties ------------------------------------------------------------------------------
    def duties(self, reading: Reading, role: RoleReading, numbering: _Numbering) -> list[LeadSentence]:
        if role.role is None:
            if reading.transparency:  # Article 50: the provider's duty and the deployer's, each as it stands
                return [
                    self._in_force_words(a, numbering) for a in transparency_duties(reading.question.lower())
                ][:2]
            return []  # the answer asks the role back (`clarify`) rather than list every role's duties
        anchors = [a for a in ROLE_DUTIES[role.role] if self.corpus.provision(a) is not None]
        transparency = [a for a in anchors if a.startswith("art-50.")]
        if reading.transparency and transparency:
            anchors = transparency
        elif len(anchors) > len(transparency):
            anchors = [a for a in anchors if a not in transparency]
        named = []
        for anchor in anchors[:3]:
            provision = self.corpus.provision(anchor)
            title = title_of(provision.heading_path) if provision else None
            named.append(f"{label_for(anchor)}" + (f" ({title})" if title else ""))
        who = ROLE_NAMES[role.role]
        verb = "applies" if len(named) == 1 else "apply"
        marker = numbering.marker(*anchors[:3])
        sentence = f"{sentence_case(_and(named))} {verb} to you as {_article(who)} {who}{marker}."
        written = [LeadSentence(sentence)]
        written += self._duty_items(anchors[0], numbering)
        return written

    def _duty_items(self, anchor: str, numbering: _Numbering) -> list[LeadSentence]:
        """What the main duty provision lists: the titles of the articles its points refer to
        (Article 16: a quality management system, Article 17; …), each cited to the point that
        refers to it; else its points' own words."""
        provision = self.corpus.provision(anchor)
        if provision is None:
            return []
        points = [p for p in self._parts(anchor) if p.kind.value == "point"]
        referred: dict[str, str] = {}  # "quality management system (Article 17)" -> the point saying so
        for part in points:
            for reference in part.references:
                article = reference.anchor.split(".")[0] if reference.anchor else ""
                target = self.corpus.provision(article) if article.startswith("art-") else None
                title = title_of(target.heading_path) if target else None
                if title and article != anchor.split(".")[0]:
                    referred.setdefault(f"{lower_first(title)} ({label_for(article)})", part.anchor)
        if len(referred) >= 3:
            items = [f"{item}{numbering.marker(part)}" for item, part in list(referred.items())[:6]]
            return [LeadSentence(f"They include {_and(items)}.")]
        items = [s for s in statements(provision.text) if s.lead_in]
        if items:
            lead_in = items[0].lead_in.rstrip(":")
            listed = "; ".join(first_clause(item_body(s), 8) for s in items[:5])
            return [LeadSentence(f"{_as_sentence(lead_in)}: {listed}{numbering.marker(anchor)}.")]
        # Paragraphs: the one the question found first, else the first, in its own words.
        found = next((p.anchor for p in numbering.passages if p.anchor.startswith(anchor + ".")), None)
        first = found or next((p.anchor for p in self._parts(anchor)), anchor)
        said = statements(self.corpus.provision(first).text) if self.corpus.provision(first) else []
        return (
            [LeadSentence(f"{label_for(first)}: {_as_sentence(said[0].text)}{numbering.marker(first)}.")]
            if said
            else []
        )

    def _parts(self, anchor: str) -> list:
        """A provision's parts that have passages of their own (its points), else itself."""
        parts = [
            p for p in self.corpus.provisions
            if p.source_id == "ai-act-consolidated" and p.anchor.startswith(anchor + ".")
        ]  # fmt: skip
        return parts or [p for p in [self.corpus.provision(anchor)] if p is not None]

    # -- changed -----------------------------------------------------------------------------
    def changed(self, reading: Reading, numbering: _Numbering) -> list[LeadSentence]:
        anchors = [a for a in reading.named if (p := self.corpus.provision(a)) is not None and p.amended_by]
        anchors += [
            p.anchor for p in numbering.passages[:4] if p.amended_by and p.source_id == "ai-act-consolidated"
        ]
        for anchor in dict.fromkeys(anchors):
            provision = self.corpus.provision(anchor)
            if provision is None or provision.amendment is None:
                continue
            marker = numbering.marker(anchor)
            done = provision.amendment.value
            sentence = f"{provision.amended_by} {done} {label_for(anchor)}{marker}."
            now = statements(provision.text)
            if now and provision.in_force:
                sentence = (
                    f"{provision.amended_by} {done} {label_for(anchor)}, which now reads: "
                    f"“{_as_sentence(now[0].text)}”{marker}."
                )
            return [LeadSentence(sentence)]
        return []

    # -- a provision ------------------------------------------------------------------------
    def provision(self, reading: Reading, numbering: _Numbering) -> list[LeadSentence]:
        for anchor in reading.named[:1]:
            provision = self.corpus.provision(anchor)
            if provision is None:
                continue
            title = title_of(provision.heading_path) if "." not in anchor else None
            said = statements(provision.text)
            if not said:
                continue
            heading = f"{label_for(anchor)}" + (f" ({title})" if title else "")
            return [LeadSentence(f"{heading}: {_first_sentence(said[0].text)}{numbering.marker(anchor)}.")]
        return []

    # -- anything else -----------------------------------------------------------------------
    def best_statements(
        self, reading: Reading, numbering: _Numbering, cited: set[int] = frozenset()
    ) -> list[LeadSentence]:
        """The most relevant statement of the best-ranked binding passage, and of the next
        provision if it is another one: whole statements, a point with its lead-in. Passages
        the lead cites already are not drawn on again."""
        top = numbering.passages[:3]
        binding = {n for n, p in enumerate(top, start=1) if p.authority is Authority.BINDING}
        written: list[LeadSentence] = []
        units: set[str] = {top[n - 1].anchor.split(".")[0] for n in cited if n <= len(top)}
        for number, statement in best_statements(reading.question, top):
            passage = top[number - 1]
            unit = passage.anchor.split(".")[0]
            if (binding and number not in binding) or unit in units or number in cited:
                continue
            units.add(unit)
            title = title_of(passage.heading_path)
            heading = label_for(passage.anchor) + (
                f" ({title})" if title and "." not in passage.anchor else ""
            )
            said = _first_sentence(statement.text)
            written.append(LeadSentence(f"{heading}: {said}{numbering.marker(passage.anchor)}."))
            if len(written) == 2:
                break
        return written


def _first_sentence(text: str) -> str:
    """A statement's first sentence (an item may hold several): '… provider. It shall …' -> '… provider'."""
    return _as_sentence(re.split(r"(?<!\b\d\.)(?<=[.])\s+(?=[A-Z])", " ".join(text.split()))[0])


def _as_sentence(text: str) -> str:
    """A statement as part of a sentence: one line, without its closing punctuation."""
    return re.sub(r"[\s;:,.]+(?:and|or)?\s*$", "", " ".join(text.split())).rstrip(" ;:,.")


def _own_item(provision) -> str:
    """A point's own words, without its number: 'AI systems intended to be used for …'."""
    items = [s for s in statements(provision.text) if s.lead_in]
    body = item_body(items[0]) if items else _as_sentence(provision.text)
    return body


def _after_comma(sentence: str) -> str:
    """'By derogation from paragraph 2, an AI system …' -> 'an AI system …'."""
    text = _as_sentence(sentence)
    head, comma, rest = text.partition(", ")
    return rest if comma and len(head.split()) <= 6 else text


def _breach(before: str, anchor: str) -> str:
    """What a fine is for, from the words before its amount ('Non-compliance with …')."""
    text = re.sub(
        r"\s*(shall be subject to|the commission may impose on)\s*(administrative)?\s*$",
        "",
        before.strip(),
        flags=re.I,
    )
    text = re.sub(r"^the commission may impose on\s+", "", text, flags=re.I)
    text = text.replace("any of the following provisions", f"the provisions listed in {label_for(anchor)}")
    return sentence_case(text.strip(" ,"))


def _point_of(anchor: str) -> str:
    """'art-5.par-1.pt-h.pt-iii' -> 'art-5.par-1.pt-h': the point of Article 5(1) it is part of."""
    parts = anchor.split(".")
    return ".".join(parts[:3])


def _names_article(text: str) -> bool:
    return bool(re.search(r"\b(Article|Annex)\s", text))


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _judged(kind: Kind, reading: Reading, verdict: str | None) -> str | None:
    """The verdict word the lead may open with: only for a yes/no question that asks this kind
    in its last question, carries no premise of its own; turned round for "… not high-risk?"."""
    if verdict is None:
        return None
    asked = last_question(reading.question)
    if not _YES_NO.match(asked.strip()) or _PREMISE.search(asked):
        return None
    if kind not in kinds_of(asked) and kind is not Kind.WHEN:
        return None
    if _NEGATED.search(asked) and verdict in {"yes", "no"}:
        return "no" if verdict == "yes" else "yes"
    return verdict


def _opened(sentence: LeadSentence, verdict: str | None) -> LeadSentence:
    """'Yes: …', 'No: …' or 'It depends: …' before the first sentence of a kind, when judged."""
    text = sentence.text
    if text.startswith("Not as such: "):  # the verdict is in the words: said when judged, else left out
        if verdict is None:
            return LeadSentence(sentence_case(text.removeprefix("Not as such: ")), sentence.denies)
        return LeadSentence(f"No, not as such: {text.removeprefix('Not as such: ')}", sentence.denies)
    if verdict is None or text.startswith("That depends"):
        return sentence
    return LeadSentence(f"{_VERDICT_WORDS[verdict]}: {text}", sentence.denies)


def _exception_clause(use: str) -> tuple[str, str]:
    """An Annex III point's use and what it excepts: ('AI systems … creditworthiness …',
    'AI systems used for the purpose of detecting financial fraud')."""
    found = re.search(r",?\s*(?:with the exception of|except(?: for)?|this does not include)\s+", use, re.I)
    if found is None:
        return use, ""
    return use[: found.start()].strip(" ,;."), use[found.end() :].strip(" ,;.")


def _shares_words(question: str, excepted: str, listed: str) -> bool:
    """The question uses words the exception uses and the listed use does not."""
    own = set(tokens([excepted])[0]) - set(tokens([listed])[0]) - {"ai", "system", "use", "purpos", "intend"}
    return bool(own & set(tokens([question])[0]))


def _cited(sentences: Sequence[LeadSentence]) -> set[int]:
    return {int(n) for s in sentences for n in re.findall(r"\[(\d+)\]", s.text)}


def _listing(parts: list[str], kind: str) -> str:
    """'(a) to (h), (ba) and (bb)'; '1 to 8, 1a and 1b': runs of the plain sequence, then the rest."""
    plain = [p for p in parts if p.isdigit() or (len(p) == 1 and p.isalpha())]
    inserted = [p for p in parts if p not in plain]
    shown = (lambda p: f"({p})") if kind == "pt" else (lambda p: p)
    runs: list[str] = []
    start = previous = None
    for part in [*plain, None]:
        follows = previous is not None and part is not None and _next(previous) == part
        if follows:
            previous = part
            continue
        if start is not None:
            runs.append(shown(start) if start == previous else f"{shown(start)} to {shown(previous)}")
        start = previous = part
    return _and(runs + [shown(p) for p in inserted])


def _next(part: str) -> str:
    return str(int(part) + 1) if part.isdigit() else chr(ord(part) + 1)
