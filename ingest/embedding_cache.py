"""Vectors already computed, keyed by model and passage content hash.

Re-running ingest must be cheap: a passage whose text (with its heading path) is unchanged
is never embedded twice, whichever index it ends up in. SQLite keeps the cache safe
against an ingest killed half-way: a vector is either fully written or absent.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, content_hash)
)
"""


class EmbeddingCache:
    def __init__(self, path: Path, model: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute(_SCHEMA)
        self.model = model

    def get_many(self, hashes: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            placeholders = ",".join("?" * len(chunk))
            rows = self._db.execute(
                "SELECT content_hash, vector FROM vectors"
                f" WHERE model = ? AND content_hash IN ({placeholders})",
                [self.model, *chunk],
            )
            found.update((h, np.frombuffer(blob, dtype=np.float32)) for h, blob in rows)
        return found

    def put_many(self, vectors: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors (model, content_hash, vector) VALUES (?, ?, ?)",
                [(self.model, h, v.astype(np.float32).tobytes()) for h, v in vectors.items()],
            )

    def prune(self, keep: set[str]) -> int:
        """Delete this model's vectors for passages no index holds any more."""
        stored = [
            h for (h,) in self._db.execute("SELECT content_hash FROM vectors WHERE model = ?", [self.model])
        ]
        stale = [h for h in stored if h not in keep]
        with self._db:
            self._db.executemany(
                "DELETE FROM vectors WHERE model = ? AND content_hash = ?", [(self.model, h) for h in stale]
            )
        return len(stale)

    def close(self) -> None:
        self._db.close()
