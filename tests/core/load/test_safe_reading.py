"""Notes are read from inside their folder only, and never in a way that can hang
(issue 16): links out are refused, FIFOs and devices are reported, the walk is
iterative, and every entry it skips is one problem line.

Anything that could hang runs in a child process with a wall-clock guard, so a
regression fails the test instead of stopping the run.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from notetui.core.load import files
from notetui.core.load.files import ReadFailure, read_note, scan_notes
from notetui.core.load.library import load_library

GOOD = "# 安全な勉強会\n\n## 安全に読める発表\n\n- 本文\n"
GUARD_SECONDS = 60  # turns a hang into a failure; not a timing assertion
needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
needs_fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def notes_folder(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "good.md").write_text(GOOD, "utf-8")
    return root


def in_child(code: str, *args: str) -> Any:
    """Run `code` (which prints JSON) in a fresh interpreter: a hang fails, not blocks."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=GUARD_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


LOAD = (
    "import json, sys; from pathlib import Path\n"
    "from notetui.core.load.library import load_library\n"
    "lib = load_library(Path(sys.argv[1]), cache=False)\n"
    "print(json.dumps({'notes': [n.path for n in lib.notes],"
    " 'problems': {p.note: p.message for p in lib.problems}}))\n"
)


@needs_symlinks
def test_a_link_to_a_file_outside_the_folder_is_reported_not_read(tmp_path: Path) -> None:
    root = notes_folder(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("# 秘密\n\n## 外にある秘密の発表\n", "utf-8")
    (root / "passwd").symlink_to("/etc/passwd")
    (root / "secret.md").symlink_to(secret)
    loaded = in_child(LOAD, str(root))
    assert loaded["notes"] == ["good.md"]
    assert loaded["problems"] == {
        "passwd": "links outside the notes folder (/etc/passwd)",
        "secret.md": f"links outside the notes folder ({secret})",
    }
    # And at read time, for a link swapped in after the walk.
    with pytest.raises(ReadFailure, match="links outside the notes folder"):
        read_note(root / "secret.md", root)


@needs_symlinks
def test_a_link_to_the_root_of_the_disk_and_to_proc_kmsg_are_refused(tmp_path: Path) -> None:
    root = notes_folder(tmp_path)
    (root / "everything").symlink_to("/", target_is_directory=True)
    (root / "kmsg.md").symlink_to("/proc/kmsg")
    loaded = in_child(LOAD, str(root))
    assert loaded["notes"] == ["good.md"]
    assert loaded["problems"]["everything"] == "links outside the notes folder (/)"
    if Path("/proc/kmsg").exists():
        assert loaded["problems"]["kmsg.md"] == "links outside the notes folder (/proc/kmsg)"


@needs_symlinks
def test_a_link_inside_the_folder_is_read(tmp_path: Path) -> None:
    root = notes_folder(tmp_path)
    (root / "alias.md").symlink_to(root / "good.md")
    lib = load_library(root, cache=False)
    assert sorted(n.path for n in lib.notes) == ["alias.md", "good.md"]


@needs_fifos
def test_a_fifo_in_the_folder_is_reported_not_opened(tmp_path: Path) -> None:
    root = notes_folder(tmp_path)
    os.mkfifo(root / "pipe.md")
    loaded = in_child(LOAD, str(root))
    assert loaded["notes"] == ["good.md"]
    assert loaded["problems"] == {"pipe.md": "is a named pipe (FIFO), not a file"}


@needs_fifos
def test_a_fifo_swapped_in_after_the_walk_is_reported_not_waited_on(tmp_path: Path) -> None:
    # The walk saw a regular file; by the time it is read, it is a FIFO.
    root = notes_folder(tmp_path)
    code = (
        "import json, os, sys; from pathlib import Path\n"
        "from notetui.core.load.files import ReadFailure, read_note, scan_notes\n"
        "root = Path(sys.argv[1]); [found] = scan_notes(root).files\n"
        "found.unlink(); os.mkfifo(found)\n"
        "try:\n    read_note(found, root); print(json.dumps('read'))\n"
        "except ReadFailure as failure:\n    print(json.dumps(str(failure)))\n"
    )
    assert in_child(code, str(root)) == "is a named pipe (FIFO), not a file; not read"


def test_a_device_file_is_reported(tmp_path: Path) -> None:
    root = notes_folder(tmp_path)
    try:
        os.mknod(root / "null.md", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (OSError, AttributeError):
        pytest.skip("making a device node (mknod) needs root; CI runs as root and checks this")
    loaded = in_child(LOAD, str(root))
    assert loaded["problems"] == {"null.md": "is a character device, not a file"}
    with pytest.raises(ReadFailure, match="character device"):
        read_note(root / "null.md", root)


def test_a_folder_1100_deep_is_walked_without_recursion(tmp_path: Path) -> None:
    root = notes_folder(tmp_path)
    deep = root
    for _ in range(1100):  # Path.mkdir(parents=True) would recurse itself
        deep = deep / "d"
        os.mkdir(deep)  # noqa: PTH102
    (deep / "bottom.md").write_text(GOOD.replace("安全な", "深い"), "utf-8")
    try:
        lib = load_library(root, cache=False)
    finally:  # pytest's own clean-up (shutil.rmtree) would recurse 1,100 deep: undo here
        (deep / "bottom.md").unlink()
        while deep != root:
            deep.rmdir()
            deep = deep.parent
    assert sorted(n.path for n in lib.notes) == ["/".join(["d"] * 1100) + "/bottom.md", "good.md"]
    assert lib.problems == ()


@needs_symlinks
def test_a_symlink_loop_is_reported_once_and_ends(tmp_path: Path) -> None:
    root = notes_folder(tmp_path)
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)
    (root / "sub" / "self").symlink_to(root / "sub", target_is_directory=True)
    lib = load_library(root, cache=False)
    assert [n.path for n in lib.notes] == ["good.md"]
    assert {p.note: p.message for p in lib.problems} == {
        "sub/self": "links to a folder; it is read where it is",
        "sub/up": "links to a folder; it is read where it is",
    }


def test_an_unlistable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = notes_folder(tmp_path)
    (root / "locked").mkdir()
    (root / "locked" / "inside.md").write_text(GOOD, "utf-8")
    real = files._sorted_entries

    def listing(folder: Path) -> list[os.DirEntry[str]]:
        # chmod 000 does not stop root, so refuse the listing the way the OS would.
        if Path(folder).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real(folder)

    monkeypatch.setattr(files, "_sorted_entries", listing)
    lib = load_library(root, cache=False)
    assert [n.path for n in lib.notes] == ["good.md"]
    assert {p.note: p.message for p in lib.problems} == {
        "locked": "cannot be listed (Permission denied)"
    }


@pytest.mark.skipif(
    os.geteuid() == 0 if hasattr(os, "geteuid") else True,
    reason="chmod 000 cannot make a folder unlistable for root (or on Windows)",
)
def test_a_folder_without_permissions_is_reported(tmp_path: Path) -> None:
    root = notes_folder(tmp_path)
    (root / "locked").mkdir()
    (root / "locked").chmod(0)
    try:
        lib = load_library(root, cache=False)
    finally:
        (root / "locked").chmod(0o700)
    assert {p.note: p.message for p in lib.problems} == {
        "locked": "cannot be listed (Permission denied)"
    }


def test_a_file_name_that_is_not_utf8_is_read(tmp_path: Path) -> None:
    root = notes_folder(tmp_path)
    name = os.fsdecode(b"caf\xe9.md")
    (root / name).write_text(GOOD.replace("安全な", "名前の"), "utf-8")
    scan = scan_notes(root)
    assert [p.name for p in scan.files] == [name, "good.md"]
    assert scan.skipped == ()
