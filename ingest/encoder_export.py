"""Export the embedding model to an int8 ONNX encoder (desk/onnx_embedder.py reads it).

The graph comes from torch's own exporter (`torch.onnx.export`, the torch.export-based one
that torch 2.9 made the default) and is quantised by ONNX Runtime's dynamic quantiser: int8
weights, one scale per output channel, except the feed-forward output projections
(`_down_projections`). One scale per tensor moved vectors six times as far (mean cosine to
the torch vector 0.965 against 0.994 on questions) for no speed.
Everything is made here from the weights on disk; nothing is downloaded.

About 10 s on 2 cores. The folder is written whole or not at all: its settings file last.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from desk.embedder import EmbedderError, SentenceTransformerEmbedder, resolve_model_path
from desk.index.layout import ENCODER_DIR, builder_alive
from desk.onnx_embedder import MODEL_FILE, SETTINGS_FILE, TOKENIZER_FILE, has_encoder

_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def ensure_encoder(index_folder: Path, model: Callable[[], SentenceTransformerEmbedder]) -> bool:
    """Give an index its exported question encoder if it has none; True if one was exported.
    The folder appears whole in one rename, so a server reading the index never sees half of
    one (an index built before encoders were exported gets one on the next `desk ingest`)."""
    final = index_folder / ENCODER_DIR
    if has_encoder(final):
        return False
    for left in index_folder.glob(f".{ENCODER_DIR}-*"):  # by ingests killed while exporting
        if not builder_alive(left.name):
            shutil.rmtree(left, ignore_errors=True)
    partial = index_folder / f".{ENCODER_DIR}-{os.getpid()}"
    export_encoder(model(), partial)
    shutil.rmtree(final, ignore_errors=True)  # a half-written one from a killed ingest
    os.replace(partial, final)
    return True


def export_encoder(embedder: SentenceTransformerEmbedder, folder: Path) -> Path:
    """Write `embedder`'s model as an int8 ONNX encoder into `folder` (created)."""
    if not isinstance(embedder, SentenceTransformerEmbedder):
        raise EmbedderError(f"{embedder.name}: only a sentence-transformers model is exported")
    import torch
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = embedder.model
    transformer, pooling = model[0], model[1] if len(model) > 1 else None
    if pooling is None or pooling.get_config_dict().get("pooling_mode") != "mean":
        raise EmbedderError(f"{embedder.name}: only mean-pooled models are exported")
    tokenizer_file = Path(resolve_model_path(embedder.name)) / TOKENIZER_FILE
    if not tokenizer_file.is_file():
        raise EmbedderError(f"{embedder.name}: no {TOKENIZER_FILE} beside the weights to export with")

    sample = model.tokenizer(["an example", "a longer example text"], padding=True, return_tensors="pt")
    if any(name not in sample for name in _INPUTS):
        raise EmbedderError(f"{embedder.name}: only models that take {', '.join(_INPUTS)} are exported")
    network, inputs = _token_vectors(transformer.auto_model), tuple(sample[name] for name in _INPUTS)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="desk-export-") as scratch, _quiet():
        float_graph = Path(scratch) / "float.onnx"
        batch, length = torch.export.Dim("batch"), torch.export.Dim("length")
        torch.onnx.export(
            network,
            inputs,
            str(float_graph),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_shapes={name: {0: batch, 1: length} for name in _INPUTS},
            dynamo=True,
            verbose=False,
        )
        quantize_dynamic(
            str(float_graph),
            str(folder / MODEL_FILE),
            weight_type=QuantType.QInt8,
            per_channel=True,
            nodes_to_exclude=_down_projections(float_graph),
            # The exporter's graph leaves some intermediate types to inference: they are float.
            extra_options={"DefaultTensorType": TensorProto.FLOAT},
        )
    shutil.copyfile(tokenizer_file, folder / TOKENIZER_FILE)
    embedder.scale.save(folder)
    kept = {
        "model": embedder.name,
        "dimensions": embedder.dimensions,
        "max_tokens": int(model.max_seq_length),
        "pooling": "mean",
        "normalize": True,
        "quantisation": "dynamic int8, per channel",
    }
    (folder / SETTINGS_FILE).write_text(json.dumps(kept, indent=2) + "\n", encoding="utf-8")
    return folder


def _down_projections(graph: Path) -> list[str]:
    """The feed-forward blocks' output projections (weights wider in than out: 1,536 -> 384).
    They stay float: their input, the GELU's output, spans the widest range of any layer's,
    and one int8 scale for all of it lost the most. Kept float, the mean cosine to the torch
    model's vectors of corpus passages rose from 0.991 to 0.995 (lowest 0.980 -> 0.993), for
    a third more time per text."""
    import onnx

    model = onnx.load(str(graph))
    weights = {tensor.name: list(tensor.dims) for tensor in model.graph.initializer}
    return [
        node.name
        for node in model.graph.node
        if node.op_type == "MatMul"
        and len(shape := weights.get(node.input[1], [])) == 2
        and shape[0] > shape[1]
    ]


@contextmanager
def _quiet():
    """The exporter's and the quantiser's notes (axes, opsets, torchvision's absence, "consider
    pre-processing") are for their developers, not for whoever runs `desk ingest`."""
    loggers = [logging.getLogger(name) for name in ("", "torch.onnx")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _token_vectors(transformer):
    """The transformer with its inputs by position and one output, the token vectors to pool:
    the exporter passes inputs by position, and transformers' models take more than these."""
    import torch

    class TokenVectors(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    return TokenVectors().eval()
