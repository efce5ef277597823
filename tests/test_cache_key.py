"""The note cache is keyed by the parser's own files: editing any of them, or a word
list, means every cached library is parsed again (not only a PARSER_VERSION bump)."""

from __future__ import annotations

import shutil
from pathlib import Path

import notetui.core
from notetui.core.load.cache import parser_sources, source_digest

CORE = Path(notetui.core.__file__).parent


def test_every_parser_module_and_word_list_is_in_the_key() -> None:
    names = {path.relative_to(CORE).as_posix() for path in parser_sources(CORE)}
    for package in ("load", "parse", "merge"):
        for path in (CORE / package).rglob("*.py"):
            assert path.relative_to(CORE).as_posix() in names
    assert {"models.py", "text.py", "load/cache.py", "parse/note.py"} <= names
    assert any(name.startswith("parse/vocab/") and name.endswith(".txt") for name in names)
    assert not any(name.startswith(("ui/", "cli/", "export/", "annotations/")) for name in names)


def test_editing_adding_or_renaming_a_parser_file_changes_the_key(tmp_path: Path) -> None:
    core = tmp_path / "core"
    shutil.copytree(CORE, core, ignore=shutil.ignore_patterns("__pycache__"))
    before = source_digest(core)
    assert source_digest(core) == before  # stable

    vocab = next((core / "parse" / "vocab").glob("*.txt"))
    vocab.write_text(vocab.read_text("utf-8") + "新しい語\n", "utf-8")
    edited = source_digest(core)
    assert edited != before

    (core / "parse" / "vocab" / "more.txt").write_text("語\n", "utf-8")
    added = source_digest(core)
    assert added != edited

    (core / "parse" / "vocab" / "more.txt").rename(core / "parse" / "vocab" / "other.txt")
    assert source_digest(core) != added

    unrelated = source_digest(core)
    (core / "export" / "naming.py").write_text("# not the parser\n", "utf-8")
    assert source_digest(core) == unrelated
