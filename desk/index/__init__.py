"""The index the desk answers from: passages in a vector store and a lexical index.

An index lives in a folder named after a hash of what built it (`ingest.pipeline`
computes the name). `CURRENT` in the index root names the one in service; ingest builds
a new index beside it and switches the pointer only when the new one is whole, so a
reader never sees half an index.
"""

from desk.index.layout import IndexLayout, IndexManifest, IndexUnavailable
from desk.index.loaded import Corpus, LoadedIndex

__all__ = ["Corpus", "IndexLayout", "IndexManifest", "IndexUnavailable", "LoadedIndex"]
