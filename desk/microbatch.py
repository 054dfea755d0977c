"""Questions that arrive together are embedded together: one forward pass for all of them.

A worker answers several questions at once on its thread pool. Each embedding its own
question runs that many small forward passes side by side on cores they share, and they
thrash; one pass over all of them costs little more than one. So, as embedding servers
do, the callers queue: whoever finds the model free takes every question waiting at that
moment (up to `max_batch`) and runs one pass; the others wait for their vectors. Nothing
waits on a timer: a question alone goes straight through, and batches form only while the
model is busy, which is exactly when they help.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np


@dataclass
class _Waiting:
    texts: list[str]
    vectors: np.ndarray | None = None
    error: BaseException | None = None
    done: bool = False


class MicroBatchingEmbedder:
    """An embedder whose concurrent `embed` calls share forward passes. Everything else
    (name, dimensions, scale, the model) is the wrapped embedder's."""

    def __init__(self, embedder, max_batch: int = 32):
        self._embedder = embedder
        self.max_batch = max_batch
        self._turn = threading.Condition()
        self._waiting: list[_Waiting] = []
        self._busy = False
        self.passes = 0  # forward passes run: fewer than calls when batches formed

    def __getattr__(self, name: str):
        return getattr(self._embedder, name)

    def embed(self, texts: list[str]) -> np.ndarray:
        mine = _Waiting(list(texts))
        with self._turn:
            self._waiting.append(mine)
        while True:
            with self._turn:
                while self._busy and not mine.done:
                    self._turn.wait()
                if mine.done:
                    break
                self._busy = True
                batch = self._take()
            self._run(batch)
        if mine.error is not None:
            raise mine.error
        assert mine.vectors is not None
        return mine.vectors

    def _take(self) -> list[_Waiting]:
        """The questions waiting now, up to `max_batch` texts (at least one caller's)."""
        batch: list[_Waiting] = []
        size = 0
        for waiting in self._waiting:
            if batch and size + len(waiting.texts) > self.max_batch:
                break
            batch.append(waiting)
            size += len(waiting.texts)
        self._waiting = self._waiting[len(batch) :]
        return batch

    def _run(self, batch: list[_Waiting]) -> None:
        """One forward pass for the batch; each caller gets its rows, or the error."""
        try:
            vectors = self._embedder.embed([text for waiting in batch for text in waiting.texts])
            self.passes += 1
            start = 0
            for waiting in batch:
                waiting.vectors = vectors[start : start + len(waiting.texts)]
                start += len(waiting.texts)
        except BaseException as error:  # every caller of the pass hears of its failure
            for waiting in batch:
                waiting.error = error
        finally:
            with self._turn:
                for waiting in batch:
                    waiting.done = True
                self._busy = False
                self._turn.notify_all()
