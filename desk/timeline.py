"""When each part of the AI Act applies: Article 113 as amended by Regulation (EU) 2026/1744,
and the transitional rules of Article 111.

The dates are a reviewed table, not free text: each entry names the provision that sets it,
and `Timeline.from_index` keeps an entry only while that provision, as the index holds it,
still states the entry's date. A newer consolidated text that moves a date therefore drops
the entry (and says so) instead of answering with a date the law no longer sets.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from desk.index import LoadedIndex

log = logging.getLogger("desk.timeline")


@dataclass(frozen=True)
class TimelineEntry:
    date: date
    covers: str  # what applies, in the law's words
    set_by: str  # anchor of the provision that sets the date
    kind: str  # "entry into force", "application", "transition"
    wording: str  # the words of `set_by` that carry the date
    systems: str = ""  # for which systems, where one provision sets two dates

    def status(self, today: date) -> str:
        """'applies since 2 August 2025' or 'applies from 2 December 2027', relative to `today`."""
        verb = "since" if self.date <= today else "from"
        systems = f" {self.systems}" if self.systems else ""
        if self.kind == "transition":
            return f"{'due since' if self.date <= today else 'due by'} {long_date(self.date)}"
        if self.kind == "entry into force":
            return (
                f"{'in force since' if self.date <= today else 'enters into force on'} {long_date(self.date)}"
            )
        return f"applies {verb} {long_date(self.date)}{systems}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# Reviewed against the consolidated text of 27 July 2026 (Articles 111 and 113).
ENTRIES: tuple[TimelineEntry, ...] = (
    TimelineEntry(date(2024, 8, 1), "The Regulation enters into force (the twentieth day after its publication in the Official Journal of 12 July 2024).",
                  "art-113.sub-1", "entry into force", "twentieth day following that of its publication"),
    TimelineEntry(date(2025, 2, 2), "Chapters I and II: general provisions (including AI literacy) and the prohibited AI practices of Article 5, except Article 5(1)(ba) and (bb) and Article 5(1a) and (1b).",
                  "art-113.pt-a", "application", "2 February 2025"),
    TimelineEntry(date(2025, 8, 2), "Chapter III Section 4 (notifying authorities and notified bodies), Chapter V (general-purpose AI models), Chapter VII (governance), Chapter XII (penalties, except Article 101) and Article 78 (confidentiality).",
                  "art-113.pt-b", "application", "2 August 2025"),
    TimelineEntry(date(2026, 7, 27), "Articles 102 to 110: the amendments to other Union acts.",
                  "art-113.pt-d", "application", "27 July 2026"),
    TimelineEntry(date(2026, 8, 2), "The rest of the Regulation, including Article 50 (transparency) and Article 101 (fines for providers of general-purpose AI models), except what the exceptions below apply later.",
                  "art-113.sub-2", "application", "2 August 2026"),
    TimelineEntry(date(2026, 12, 2), "The prohibitions added by Regulation (EU) 2026/1744: Article 5(1)(ba) and (bb), and Article 5(1a) and (1b).",
                  "art-113.pt-a", "application", "2 December 2026"),
    TimelineEntry(date(2026, 12, 2), "Providers of generative AI systems placed on the market before 2 August 2026 must comply with Article 50(2) (marking synthetic content).",
                  "art-111.par-4", "transition", "2 December 2026"),
    TimelineEntry(date(2027, 8, 2), "Providers of general-purpose AI models placed on the market before 2 August 2025 must comply.",
                  "art-111.par-3", "transition", "2 August 2027"),
    TimelineEntry(date(2027, 12, 2), "Chapter III Sections 1 to 3 (classification, requirements, obligations; except Article 6(5)) for high-risk AI systems under Article 6(2) and Annex III.",
                  "art-113.pt-c", "application", "2 December 2027", "for high-risk AI systems under Article 6(2) and Annex III"),
    TimelineEntry(date(2028, 8, 2), "Chapter III Sections 1 to 3 (except Article 6(5)) for high-risk AI systems under Article 6(1) and Annex I (products under Union harmonisation legislation).",
                  "art-113.pt-c", "application", "2 August 2028", "for high-risk AI systems under Article 6(1) and Annex I"),
    TimelineEntry(date(2030, 12, 31), "AI systems that are components of the large-scale IT systems of Annex X, placed on the market or put into service before 2 August 2027, must comply.",
                  "art-111.par-1", "transition", "31 December 2030"),
)  # fmt: skip


# Article 113, point (a): these parts of Article 5 apply later than the rest of Chapter II.
_LATER_PROHIBITIONS = ("art-5.par-1.pt-ba", "art-5.par-1.pt-bb", "art-5.par-1a", "art-5.par-1b")
_AMENDMENTS_TO_OTHER_ACTS = {f"art-{n}" for n in range(102, 111)}
_CHAPTER = re.compile(r"^Chapter ([IVX]+)\b")
_SECTION = re.compile(r"^Section (\d+)\b")


def _chapter_and_section(heading_path: tuple[str, ...]) -> tuple[str | None, str | None]:
    chapter = next((m.group(1) for h in heading_path if (m := _CHAPTER.match(h))), None)
    section = next((m.group(1) for h in heading_path if (m := _SECTION.match(h))), None)
    return chapter, section


@dataclass(frozen=True)
class Timeline:
    entries: tuple[TimelineEntry, ...]

    @classmethod
    def from_index(cls, index: LoadedIndex) -> Timeline:
        """The reviewed entries whose date the law in the index still states."""
        kept = []
        for entry in ENTRIES:
            provision = index.provision(entry.set_by)
            if provision is not None and entry.wording in " ".join(provision.text.split()):
                kept.append(entry)
            else:
                log.warning("timeline: %s no longer says %r; entry left out", entry.set_by, entry.wording)
        return cls(tuple(sorted(kept, key=lambda e: e.date)))

    def applying_to(self, anchor: str, heading_path: tuple[str, ...]) -> list[TimelineEntry]:
        """The entries that say when an article of the AI Act applies (Article 113's rules)."""
        if anchor.startswith("anx-III"):  # the uses listed in Annex III: Article 6(2) systems
            return [e for e in self.entries if e.set_by == "art-113.pt-c" and "Annex III" in e.systems]
        if not anchor.startswith("art-"):
            return []
        article = anchor.split(".")[0]
        chapter, section = _chapter_and_section(heading_path)
        if anchor.startswith(_LATER_PROHIBITIONS):
            wanted = ("art-113.pt-a", "2 December 2026")
        elif article == "art-101":
            wanted = ("art-113.sub-2", None)
        elif article == "art-78" or chapter in {"V", "VII", "XII"} or (chapter == "III" and section == "4"):
            wanted = ("art-113.pt-b", None)
        elif chapter in {"I", "II"}:
            wanted = ("art-113.pt-a", "2 February 2025")
        elif chapter == "III" and section in {"1", "2", "3"} and not anchor.startswith("art-6.par-5"):
            return [e for e in self.entries if e.set_by == "art-113.pt-c"]
        elif article in _AMENDMENTS_TO_OTHER_ACTS:
            wanted = ("art-113.pt-d", None)
        else:
            wanted = ("art-113.sub-2", None)
        return [
            e for e in self.entries if e.set_by == wanted[0] and (wanted[1] is None or e.wording == wanted[1])
        ]

    def transition_for(self, anchor: str, heading_path: tuple[str, ...]) -> str | None:
        """The paragraph of Article 111 that gives what a provision covers, when it was already
        on the market or in service before the rules applied, its own deadline."""
        article = anchor.split(".")[0]
        chapter, section = _chapter_and_section(heading_path)
        if article == "anx-X":
            return "art-111.par-1"  # components of the large-scale IT systems
        if article == "art-50":
            return "art-111.par-4"  # generative systems: marking synthetic content
        if chapter == "V":
            return "art-111.par-3"  # general-purpose AI models
        if article == "anx-III" or (chapter == "III" and section in {"1", "2", "3"}):
            return "art-111.par-2"  # high-risk AI systems
        return None

    def from_date(self, start: date, end: date | None = None) -> list[TimelineEntry]:
        """Entries that take effect on or after `start` (and before `end`, if given)."""
        return [e for e in self.entries if e.date >= start and (end is None or e.date < end)]
