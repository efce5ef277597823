"""What a store's journal holds, read the way a person would: its lines."""

from __future__ import annotations

import json
from pathlib import Path


def journal_of(store: Path) -> Path:
    return store.with_name(store.name + ".journal")


def unfolded_changes(store: Path) -> int:
    """How many saves the journal holds that the main file may not (0 without one).
    After a compaction a big store keeps a journal of its header alone."""
    journal = journal_of(store)
    if not journal.exists():
        return 0
    header, *lines = journal.read_text("utf-8").splitlines()
    assert json.loads(header)["notetui"] == "annotations journal"
    return sum(1 for line in lines if line.strip())
