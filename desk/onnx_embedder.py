"""The embedding model as an int8 ONNX graph, run by ONNX Runtime: the desk's question encoder.

`desk ingest` exports the model an index is built with into the index's `encoder/` folder
(ingest/encoder_export.py), so the encoder moves with its index: the adapted model's index
brings its own, and the swap to it is one pointer move. The server then embeds questions
without torch: on 2 cores one question costs about 4 ms instead of 19 ms with torch, and a
worker never imports torch, transformers or sentence-transformers.

Int8 weights (one scale per output channel; the feed-forward output projections stay float)
move a vector a little: its cosine to the torch model's is 0.997 on average over the
development and held-out questions (lowest 0.994).
Passages stay embedded by the model itself, at full precision, so only the question carries
that error. The evals decide whether it stays the default (`embedding.question_encoder`).

The encoder does what sentence-transformers does for a mean-pooled model: the word-piece
tokenizer of the model's own `tokenizer.json`, truncated to the model's `max_seq_length`;
the transformer; the mean of the token vectors; unit length.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from desk.embedder import EmbedderError, SimilarityScale

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
SETTINGS_FILE = "encoder.json"
RUNTIME = "onnx-int8"


def has_encoder(folder: Path) -> bool:
    """Whether a folder (an index's `encoder/`) holds a whole exported encoder; the settings
    file is written last."""
    return (folder / SETTINGS_FILE).is_file()


class OnnxEmbedder:
    """An exported encoder, loaded once per process (well under a second)."""

    def __init__(self, folder: Path, *, threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        try:
            kept = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
            options = onnxruntime.SessionOptions()
            options.inter_op_num_threads = 1  # one graph, run in order: no second pool to spin
            if threads:
                options.intra_op_num_threads = threads
            self._session = onnxruntime.InferenceSession(
                str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
            self._tokenizer.enable_truncation(int(kept["max_tokens"]))
            self.name = kept["model"]  # the model it was exported from, as the index manifest names it
            self.dimensions = int(kept["dimensions"])
        except Exception as error:  # a missing file or key, bad JSON, onnxruntime's own error types
            raise EmbedderError(f"cannot load the exported encoder in {folder}: {error}") from error
        self._tokenizer.no_padding()  # one text per run (below): nothing to pad
        self.runtime = RUNTIME
        self.scale = SimilarityScale.of_model(folder)

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, encoding in enumerate(self._tokenizer.encode_batch(texts)):
            vectors[row] = self._run(encoding.ids)
        return vectors

    def _run(self, ids: list[int]) -> np.ndarray:
        """One text per run: int8 activations are scaled by the largest value in the whole
        batch, so a text's vector would depend on the texts beside it (up to 0.03 per
        component, measured); alone, it is the same at ingest and in a question."""
        tokens = np.asarray([ids], dtype=np.int64)
        # The export takes these three inputs (ingest/encoder_export.py refuses other models).
        feed = {
            "input_ids": tokens,
            "attention_mask": np.ones_like(tokens),
            "token_type_ids": np.zeros_like(tokens),
        }
        pooled = self._session.run(None, feed)[0][0].mean(axis=0)  # no padding: every token counts
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)
