"""An index opened for serving: passages, provisions, BM25 and the vector store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desk.citations import ancestors
from desk.index.layout import (
    CHROMA_DIR,
    LEXICAL_DIR,
    PASSAGES_FILE,
    PROVISIONS_FILE,
    IndexLayout,
    IndexManifest,
    IndexUnavailable,
    read_jsonl,
)
from desk.index.lexical import GroupedLexicalIndex
from desk.index.vectors import DenseIndex, open_client
from desk.settings import Settings
from desk.types import Passage, Provision

# When two sources hold the same anchor (the OJ text and the consolidated text both have
# an Article 5), the law in force answers first.
_SOURCE_PREFERENCE = ("ai-act-consolidated", "omnibus", "ai-act-oj")


@dataclass
class Corpus:
    """Passages and provisions in memory, looked up by id and anchor: what an index holds
    besides its search structures, and what ingest has in hand before it embeds."""

    passages: list[Passage]
    provisions: list[Provision]

    def __post_init__(self):
        self._passage_by_id = {p.id: p for p in self.passages}
        self._by_anchor: dict[str, list[Provision]] = {}
        for provision in self.provisions:
            self._by_anchor.setdefault(provision.anchor, []).append(provision)
        for versions in self._by_anchor.values():
            versions.sort(key=_preference)
        self._under: dict[str, list[Passage]] = {}
        for passage in self.passages:
            for anchor in (*ancestors(passage.anchor), passage.anchor):
                self._under.setdefault(anchor, []).append(passage)

    def passage(self, passage_id: str) -> Passage | None:
        return self._passage_by_id.get(passage_id)

    def provision(self, anchor: str) -> Provision | None:
        """The provision in force for an anchor (an older version only where none is)."""
        versions = self._by_anchor.get(anchor)
        return versions[0] if versions else None

    def versions(self, anchor: str) -> list[Provision]:
        return list(self._by_anchor.get(anchor, []))

    def anchors(self) -> set[str]:
        return set(self._by_anchor)

    def passages_under(self, anchor: str) -> list[Passage]:
        """Passages of a provision and of its parts, in document order. A part too short to
        have a passage of its own (a point of a short list, such as Article 113's points) is
        read in the passage that holds it."""
        found = self._under.get(anchor)
        holder = self.provision(anchor)
        while not found and holder is not None and holder.parent:
            found = self._under.get(holder.parent)
            holder = self.provision(holder.parent)
        return list(found or [])


@dataclass
class LoadedIndex(Corpus):
    folder: Path
    manifest: IndexManifest
    lexical: GroupedLexicalIndex
    dense: DenseIndex

    @classmethod
    def open(cls, settings: Settings) -> LoadedIndex:
        layout = IndexLayout(settings.index_root)
        name = layout.current_name()
        if name is None:
            raise IndexUnavailable(f"no index in {settings.index_root}: run `desk ingest`")
        folder = layout.path(name)
        manifest = layout.manifest(name)
        passages = read_jsonl(folder / PASSAGES_FILE, Passage)
        return cls(
            folder=folder,
            manifest=manifest,
            passages=passages,
            provisions=read_jsonl(folder / PROVISIONS_FILE, Provision),
            lexical=GroupedLexicalIndex.load(folder / LEXICAL_DIR, len(passages)),
            dense=DenseIndex(open_client(settings.chroma_url, folder / CHROMA_DIR), manifest.collection),
        )

    @property
    def name(self) -> str:
        return self.manifest.name


def _preference(provision: Provision) -> int:
    if provision.source_id in _SOURCE_PREFERENCE:
        return _SOURCE_PREFERENCE.index(provision.source_id)
    return len(_SOURCE_PREFERENCE)
