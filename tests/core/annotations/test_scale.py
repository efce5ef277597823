"""What keeps a big store cheap to open: the objects it builds do not stay where the
garbage collector's young passes would traverse them all, and the reader's own frozen
library stays frozen across store reloads."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from notetui.core.annotations.store import Store

COUNT = 3_000


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """A store of COUNT annotations written as the store writes them."""
    path = tmp_path / "annotations.json"
    records = {
        str(n): {
            "anchor": None,
            "created": f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z",
            "event_date": "2026-01-01",
            "event_title": "勉強会",
            "target": "talk",
            "target_id": f"t{n % 40}",
            "text": f"メモ {n}",
            "title": "発表",
            "titles": ["別名"],
            "uid": f"{n:032x}",
            "updated": "2026-01-01T00:00:00Z",
        }
        for n in range(1, COUNT + 1)
    }
    path.write_text(
        json.dumps({"annotations": records, "meta": {"1": {"schema": 2}}}, ensure_ascii=False),
        "utf-8",
    )
    return path


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_what_an_open_builds_is_not_left_to_the_young_collections(big: Path, thawed: None) -> None:
    gc.collect()
    store = Store(big)
    annotations = store.annotations()
    assert len(annotations) == COUNT
    # Already in the oldest generation: no young pass traversed them on the way there.
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert all(id(annotation) in oldest for annotation in annotations)


def test_a_frozen_library_stays_frozen_when_the_store_is_read(big: Path, thawed: None) -> None:
    library = [{"talk": n} for n in range(10_000)]  # what the reader freezes
    gc.freeze()
    frozen = gc.get_freeze_count()
    assert frozen >= len(library)
    Store(big)
    assert gc.get_freeze_count() >= frozen
