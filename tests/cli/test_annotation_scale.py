"""`notetui annotate` on a store big enough to keep a journal: each add is one journal
line (the main file is not rewritten, nor read while the journal vouches for it), and
every annotation is listed afterwards. Through the console script, on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.cli import Cli, copy_samples, talk_with
from support.journals import unfolded_changes

STORED = 1_200  # about 400 KB: past the size below which every save rewrites the file


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home")


def _seed(path: Path, talk_id: str) -> None:
    records = {
        str(n): {
            "anchor": None,
            "created": f"2025-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
            "event_date": None,
            "event_title": "",
            "target": "talk",
            "target_id": talk_id,
            "text": f"古いメモ {n}: " + "本文 " * 40,
            "title": "",
            "titles": [],
            "uid": f"{n:032x}",
            "updated": "2025-01-01T00:00:00Z",
        }
        for n in range(1, STORED + 1)
    }
    path.parent.mkdir(parents=True)
    path.write_text(
        json.dumps({"annotations": records, "meta": {"1": {"schema": 2}}}, ensure_ascii=False),
        "utf-8",
    )


def test_annotate_on_a_big_store_appends_and_keeps_everything(cli: Cli, tmp_path: Path) -> None:
    notes = copy_samples(tmp_path / "notes")
    talk = talk_with(cli.json("list", "--json", notes), "Taming tail")
    _seed(cli.db, talk["id"])
    journal = cli.db.with_name(cli.db.name + ".journal")

    cli.ok("annotate", talk["id"], "--text", "一つ目", "--notes", notes)
    main_file = cli.db.read_bytes()
    assert journal.exists()
    for text in ("二つ目", "三つ目"):
        cli.ok("annotate", talk["id"], "--text", text, "--notes", notes)
    assert cli.db.read_bytes() == main_file  # neither add rewrote the main file
    assert len(journal.read_text("utf-8").splitlines()) == 1 + 3  # header, one per add

    rows = cli.json("annotations", "--json", "--notes", notes)
    assert len(rows) == STORED + 3
    assert {"一つ目", "二つ目", "三つ目"} <= {row["text"] for row in rows}
    cli.ok("db", "compact")
    assert unfolded_changes(cli.db) == 0
    compacted = cli.db.read_bytes()
    cli.ok("annotate", talk["id"], "--text", "四つ目", "--notes", notes)
    assert cli.db.read_bytes() == compacted  # the first add after it is appended, too
    assert unfolded_changes(cli.db) == 1
    assert len(cli.json("annotations", "--json", "--notes", notes)) == STORED + 4
