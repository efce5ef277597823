"""Writing an export: whole files or none, never over a file that appeared meanwhile,
and on filesystems without hard links too."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from notetui.core.export import writing
from notetui.core.export.selection import ExportFile


def files(*names: str) -> list[ExportFile]:
    return [ExportFile(name, f"# {name}\n", "talk") for name in names]


def test_new_files_are_written_whole_with_no_temp_file_left(tmp_path: Path) -> None:
    written, unchanged, existing = writing.write_all(tmp_path / "out", files("a.md", "b.md"), False)
    assert [p.name for p in written] == ["a.md", "b.md"]
    assert (unchanged, existing) == ((), ())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.md", "b.md"]
    assert (tmp_path / "out" / "a.md").read_text("utf-8") == "# a.md\n"


def test_a_file_that_appears_meanwhile_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program writes the name between the check and the write."""
    out = tmp_path / "out"
    out.mkdir()
    real = os.link

    def racing_link(source: os.PathLike[str] | str, target: os.PathLike[str] | str) -> None:
        Path(target).write_text("theirs\n", encoding="utf-8")
        real(source, target)

    monkeypatch.setattr(os, "link", racing_link)
    written, _, existing = writing.write_all(out, files("a.md"), False)
    assert written == () and [p.name for p in existing] == ["a.md"]
    assert (out / "a.md").read_text("utf-8") == "theirs\n"
    assert [p.name for p in out.iterdir()] == ["a.md"]


def test_a_filesystem_without_hard_links_still_gets_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(source: os.PathLike[str] | str, target: os.PathLike[str] | str) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    written, _, existing = writing.write_all(tmp_path / "out", files("a.md"), False)
    assert [p.name for p in written] == ["a.md"] and existing == ()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.md"]
