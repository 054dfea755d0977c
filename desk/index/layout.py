"""Where indexes live on disk, which one is current, and how the pointer moves."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from pydantic import BaseModel, Field

CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
PASSAGES_FILE = "passages.jsonl"
PROVISIONS_FILE = "provisions.jsonl"
LEXICAL_DIR = "bm25"
CHROMA_DIR = "chroma"
ENCODER_DIR = "encoder"  # the question encoder exported from the index's model (desk/onnx_embedder.py)
_STAGING_PREFIX = ".building-"


class IndexUnavailable(RuntimeError):
    """No whole index to serve from: run `desk ingest`."""


class SourceRecord(BaseModel):
    title: str
    version: str
    authority: str
    uses: str
    sha256: list[str]
    provisions: dict[str, int] = Field(default_factory=dict, description="Count by kind.")
    passages: int = 0


class IndexManifest(BaseModel):
    """What an index was built from; written last, so its presence means the index is whole."""

    name: str
    format: int = 1
    built_at: str
    parser_version: str
    embedding_model: str
    dimensions: int
    chunking: dict[str, int]
    sources: dict[str, SourceRecord]
    passages: int
    provisions: int
    collection: str
    build_seconds: float

    @property
    def corpus_version(self) -> str:
        """The date of the newest text the index holds: "the law as of" that date."""
        return max(record.version for record in self.sources.values())


class IndexLayout:
    """The folder of indexes: one subfolder per index, a pointer to the current one."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / name

    def current_name(self) -> str | None:
        try:
            name = (self.root / CURRENT_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if name and self.is_whole(name) else None

    def is_whole(self, name: str) -> bool:
        return (self.path(name) / MANIFEST_FILE).is_file()

    def manifest(self, name: str) -> IndexManifest:
        path = self.path(name) / MANIFEST_FILE
        try:
            return IndexManifest.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise IndexUnavailable(f"index {name} is not whole: run `desk ingest`") from error

    def staging_path(self, name: str) -> Path:
        return self.root / f"{_STAGING_PREFIX}{name}-{os.getpid()}"

    def publish(self, staging: Path, manifest: IndexManifest) -> Path:
        """Write the manifest last, move the folder into place, then move the pointer."""
        (staging / MANIFEST_FILE).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
        final = self.path(manifest.name)
        if final.exists():  # a whole index of the same name: keep it, it is the same content
            shutil.rmtree(staging)
        else:
            os.replace(staging, final)
        self.switch(manifest.name)
        return final

    def switch(self, name: str) -> None:
        pointer = self.root / CURRENT_FILE
        temporary = pointer.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(name + "\n", encoding="utf-8")
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, pointer)  # atomic: readers see the old name or the new one

    def prune(self, keep: set[str]) -> list[str]:
        """Remove indexes not in `keep` and staging folders of ingests no longer running."""
        removed = []
        for entry in self.root.iterdir() if self.root.is_dir() else []:
            if not entry.is_dir() or entry.name in keep:
                continue
            if entry.name.startswith(_STAGING_PREFIX) and builder_alive(entry.name):
                continue
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
        return removed

    def serves_adapted_model(self) -> bool:
        """Whether the index served now was built with a model adapted to the corpus."""
        from desk.embedder import is_adapted  # the model's naming is the embedder's business

        name = self.current_name()
        return name is not None and is_adapted(self.manifest(name).embedding_model)

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and self.is_whole(p.name))


def builder_alive(folder: str) -> bool:
    """Whether the process a working folder is named after (`<name>-<pid>`) still runs."""
    pid = folder.rsplit("-", 1)[-1]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_jsonl(path: Path, records) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record.model_dump_json() + "\n")


def read_jsonl(path: Path, model):
    with open(path, encoding="utf-8") as handle:
        return [model.model_validate(json.loads(line)) for line in handle if line.strip()]
