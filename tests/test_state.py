"""The remembered UI state (the theme): written whole or not at all, and a bad file
costs nothing but the preference."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from notetui.core import atomic
from notetui.core.state import load_state, save_state


def test_state_round_trips_and_keeps_japanese_readable(tmp_path: Path) -> None:
    path = tmp_path / "data" / "state.json"
    save_state(path, {"theme": "nord", "note": "テーマ"})
    assert load_state(path) == {"theme": "nord", "note": "テーマ"}
    assert "テーマ" in path.read_text("utf-8")
    assert [p.name for p in path.parent.iterdir()] == ["state.json"]


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b"\xff\xfe\x00"])
def test_a_bad_state_file_is_ignored(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    assert load_state(path) == {}
    assert load_state(tmp_path / "missing.json") == {}


def test_a_failed_write_leaves_the_old_state_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    save_state(path, {"theme": "nord"})

    def disk_full(fd: int, data: bytes) -> None:
        os.write(fd, data[:5])  # half written, then the disk is full
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "_write_all", disk_full)
    with pytest.raises(OSError, match="No space"):
        save_state(path, {"theme": "dracula"})
    monkeypatch.undo()
    assert load_state(path) == {"theme": "nord"}
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
def test_a_users_permissions_on_the_state_file_survive_a_save(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    save_state(path, {"theme": "nord"})
    path.chmod(0o600)
    save_state(path, {"theme": "dracula"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_state(path) == {"theme": "dracula"}
