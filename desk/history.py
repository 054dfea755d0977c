"""A provision before and after Regulation (EU) 2026/1744, side by side.

The index keeps the AI Act as published in the Official Journal (2024) beside the
consolidated text in force (2026-07-27); both are parsed to the same anchors, so "what did
Article 113 say before?" is the OJ version of `art-113` against the consolidated one. The
difference is given word by word, for a reader to see what the amending act changed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from desk.backends.extractive import split_sentences
from desk.citations import label_for
from desk.index import LoadedIndex
from desk.types import Amendment, Passage, Provision

BEFORE_SOURCE = "ai-act-oj"  # as published, 12 July 2024
IN_FORCE_SOURCE = "ai-act-consolidated"  # as amended by Regulation (EU) 2026/1744
_EARLIER_SUFFIX = ":before-2026-1744"  # the passage id of a 2024 text shown beside the one in force
_WORD = re.compile(r"\S+\s*")
# "What did Article 113 say before?", "how did the Omnibus change Article 5?"
_EARLIER = re.compile(
    r"\bbefore\b|\bprevious(ly)?\b|\boriginal(ly)?\b|\bused to\b|\bold(er)? (version|text|wording)\b"
    r"|\bas published\b|\bwhat (has |was )?changed?\b|\bhow (has|did|was) .{0,60}\bchange|\bdifferen(ce|t)\b"
)


@dataclass(frozen=True)
class Change:
    """A run of words the two versions share (`equal`) or that only one has."""

    op: str  # "equal", "deleted" (only before), "inserted" (only in force)
    text: str


@dataclass(frozen=True)
class ProvisionHistory:
    anchor: str
    label: str
    before: Provision | None  # None: the amending act inserted the provision
    in_force: Provision | None  # None: no consolidated text holds it; deleted ones are kept, marked

    @property
    def changed(self) -> bool:
        return _words(self.before) != _words(self.in_force)

    @property
    def changes(self) -> list[Change]:
        return word_changes(_text(self.before), _text(self.in_force))

    @property
    def amended_by(self) -> str | None:
        return self.in_force.amended_by if self.in_force else None


def provision_history(index: LoadedIndex, anchor: str) -> ProvisionHistory | None:
    """Both versions of a provision, or None when the corpus has neither."""
    versions = {p.source_id: p for p in index.versions(anchor)}
    before, in_force = versions.get(BEFORE_SOURCE), versions.get(IN_FORCE_SOURCE)
    if before is None and in_force is None:
        return None
    return ProvisionHistory(
        anchor=anchor,
        label=label_for(anchor),
        before=before,
        in_force=in_force,
    )


def amended_provisions(index: LoadedIndex) -> list[Provision]:
    """The consolidated provisions the amending act changed, top-most only, in document order
    (Article 4, not also each of its paragraphs, when the whole article was replaced)."""
    amended = [p for p in index.provisions if p.source_id == IN_FORCE_SOURCE and p.amended_by]
    anchors = {p.anchor for p in amended}
    return [p for p in amended if not _has_amended_ancestor(p.anchor, anchors)]


def word_changes(before: str, after: str) -> list[Change]:
    """The word-level difference between two texts, as runs of equal, deleted and inserted words."""
    old, new = _WORD.findall(before), _WORD.findall(after)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(a=[w.strip() for w in old], b=[w.strip() for w in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes.append(Change("equal", "".join(new[j1:j2])))
            continue
        if i2 > i1:
            changes.append(Change("deleted", "".join(old[i1:i2])))
        if j2 > j1:
            changes.append(Change("inserted", "".join(new[j1:j2])))
    return changes


def text_now(index: LoadedIndex, passage_id: str) -> str | None:
    """What a passage an answer cited reads in this index (None: it is gone)."""
    passage = index.passage(passage_id)
    if passage is not None:
        return passage.text
    if is_earlier(passage_id):  # a 2024 text made a passage by earlier_passages
        anchor = passage_id.removesuffix(_EARLIER_SUFFIX).split(":", 1)[1]
        before = {p.source_id: p for p in index.versions(anchor)}.get(BEFORE_SOURCE)
        return before.text if before else None
    return None


def is_earlier(passage_id: str) -> bool:
    """A 2024 text shown beside the one in force (made by `earlier_passages`)."""
    return passage_id.endswith(_EARLIER_SUFFIX)


def asks_about_earlier(question: str) -> bool:
    return bool(_EARLIER.search(question.lower()))


def earlier_passages(index: LoadedIndex, anchors: list[str]) -> list[Passage]:
    """The 2024 text of each provision named that the amending act changed, as a passage an
    answer can cite beside the text in force."""
    passages = []
    for anchor in anchors:
        versions = provision_history(index, anchor)
        if versions is None or versions.before is None or not versions.changed:
            continue
        before = versions.before
        passages.append(
            Passage(
                id=f"{BEFORE_SOURCE}:{anchor}{_EARLIER_SUFFIX}",
                anchor=anchor,
                label=f"{versions.label} (as published in 2024, before Regulation (EU) 2026/1744)",
                source_id=before.source_id,
                version=before.version,
                authority=before.authority,
                deep_link=before.deep_link,
                heading_path=before.heading_path,
                text=before.text,
            )
        )
    return passages


def compose_changes(index: LoadedIndex, passages: list[Passage], limit: int = 8) -> str:
    """An extractive answer to "what did it say before?": each changed sentence of a 2024
    text among `passages`, quoted, beside the sentence in force that took its place."""
    lines: list[str] = []
    for old_number, old in enumerate(passages, start=1):
        if not is_earlier(old.id):
            continue
        # The text in force in the order of the law, to be read against the 2024 text.
        order = {p.id: position for position, p in enumerate(index.passages_under(old.anchor))}
        numbered = [
            (number, passage) for number, passage in enumerate(passages, start=1) if passage.id in order
        ]
        numbered.sort(key=lambda item: order[item[1].id])
        now = [
            (number, sentence) for number, passage in numbered for sentence in split_sentences(passage.text)
        ]
        before = split_sentences(old.text)
        matcher = difflib.SequenceMatcher(a=before, b=[sentence for _, sentence in now], autojunk=False)
        label = label_for(old.anchor)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            lines += [
                f"{label} as published in 2024: “{sentence}” [{old_number}]" for sentence in before[i1:i2]
            ]
            lines += [f"{label} as amended: “{sentence}” [{number}]" for number, sentence in now[j1:j2]]
            if len(lines) >= limit:
                return "\n".join(lines[:limit])
    return "\n".join(lines)


def _text(provision: Provision | None) -> str:
    if provision is None or provision.amendment is Amendment.DELETED:
        return ""
    return provision.text


def _words(provision: Provision | None) -> list[str]:
    return _text(provision).split()


def _has_amended_ancestor(anchor: str, amended: set[str]) -> bool:
    parts = anchor.split(".")
    return any(".".join(parts[:n]) in amended for n in range(1, len(parts)))
