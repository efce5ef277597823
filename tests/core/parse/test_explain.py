"""`notetui explain NOTE` through the real console script: each candidate with its
features, score and reason, then the sections the note splits into."""

from __future__ import annotations

from pathlib import Path

from support.cli import Cli

NOTE = """\
---
title: Sample Infra Night #4
---

## 19:00 障害訓練を毎月やってみた
### 中村 翔 ◆ 株式会社サンプル
* 最初は誰も来なかった

## 懇親会
ピザ。
"""


def test_explain_shows_why_each_candidate_was_taken_or_not(tmp_path: Path) -> None:
    note = tmp_path / "night.md"
    note.write_text(NOTE, encoding="utf-8")
    done = Cli(tmp_path / "home").run("explain", note)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    talk_line = next(line for line in out.splitlines() if "障害訓練を毎月やってみた" in line)
    assert talk_line.startswith("TALK")
    speaker_line = next(line for line in out.splitlines() if "中村 翔 ◆" in line)
    assert not speaker_line.startswith("TALK")  # the speaker line, not a second talk
    assert "speaker_below" in out and "timed" in out  # the features that counted
    assert "why: at the talk level 2" in out
    sections = out.split("sections:", 1)[1]
    assert "talk" in sections and "障害訓練を毎月やってみた [19:00] by 中村 翔" in sections
    assert "schedule" in sections and "懇親会" in sections


def test_explain_on_a_missing_note_fails_with_a_message(tmp_path: Path) -> None:
    done = Cli(tmp_path / "home").run("explain", tmp_path / "nope.md")
    assert done.returncode != 0
    assert "nope.md" in done.stderr
