"""Check a dataset against the corpus: `python -m evals.check FILE [PROVISIONS.jsonl]`.

Reports malformed lines and gold citations that name no provision of the index (the
current one, or a provisions.jsonl given), and the cases per kind.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from evals.dataset import load_dataset


def known_anchors(provisions: Path | None) -> set[str]:
    if provisions is None:
        from desk.index.layout import PROVISIONS_FILE, IndexLayout
        from desk.settings import Settings

        layout = IndexLayout(Settings().index_root)
        name = layout.current_name()
        if name is None:
            sys.exit("no index: run `desk ingest`, or give a provisions.jsonl")
        provisions = layout.path(name) / PROVISIONS_FILE
    with open(provisions, encoding="utf-8") as handle:
        return {json.loads(line)["anchor"] for line in handle}


def main(argv: list[str]) -> int:
    dataset = load_dataset(Path(argv[0]))
    known = known_anchors(Path(argv[1]) if len(argv) > 1 else None)
    for error in dataset.errors:
        print(f"{dataset.path}: {error}")
    for case_id, citation in dataset.unresolved(known):
        print(f"{dataset.path}: case {case_id}: {citation!r} names no provision in the corpus")
    print(
        f"{len(dataset.cases)} cases: "
        + ", ".join(f"{k} {n}" for k, n in Counter(c.kind for c in dataset.cases).most_common())
    )
    return 1 if dataset.errors or dataset.unresolved(known) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
