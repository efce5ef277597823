"""The synthetic library generator (benchmarks/generate.py) writes what its truth says it wrote."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import frontmatter
import pytest
import yaml

from support.paths import benchmark_script

CODECS = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16", "cp932": "cp932",
          "euc-jp": "euc_jp"}  # fmt: skip
NOTES = 60


gen = benchmark_script("generate")


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return gen.generate(tmp_path_factory.mktemp("lib"), NOTES, seed=7)


@pytest.fixture(scope="module")
def expected(lib: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(lib.expected_path.read_text(encoding="utf-8"))
    return data


def _text(lib: Any, f: Any) -> str:
    return str((lib.notes_dir / f.path).read_bytes().decode(CODECS[f.encoding]))


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    gen.generate(tmp_path / "a", NOTES, seed=3)
    gen.generate(tmp_path / "b", NOTES, seed=3)
    gen.generate(tmp_path / "c", NOTES, seed=4)
    a, b, c = (_snapshot(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c


def test_each_file_decodes_in_the_encoding_it_was_written_in(lib: Any) -> None:
    for f in lib.files:
        data = (lib.notes_dir / f.path).read_bytes()
        assert len(data) == f.size
        text = data.decode(CODECS[f.encoding])  # strict: raises on a wrong claim
        if f.encoding == "utf-16":
            assert data.startswith(b"\xff\xfe")
        elif f.encoding == "utf-8-sig":
            assert data.startswith(b"\xef\xbb\xbf")
        elif f.encoding in ("cp932", "euc-jp"):
            with pytest.raises(UnicodeDecodeError):  # really legacy bytes, not UTF-8 in disguise
                data.decode("utf-8")
        if f.newline == "crlf":
            assert text.count("\n") == text.count("\r\n") > 0
        else:
            assert "\r" not in text


def test_the_mix_has_every_shape_encoding_and_layout(lib: Any) -> None:
    files = lib.files
    assert {f.shape for f in files} == set(gen.SHAPES)
    assert {f.encoding for f in files} == set(gen.ENCODINGS)
    assert {f.newline for f in files} == {"lf", "crlf"}
    assert {Path(f.path).suffix for f in files} >= {".md", ".markdown", ".txt", ""}
    assert any("/" in f.path for f in files), "notes should sit in sub-folders"
    # Roughly even shapes: none has more than twice its fair share.
    assert max(Counter(f.shape for f in files).values()) <= 2 * NOTES / len(gen.SHAPES)


def test_basenames_are_unique_and_all_listed(lib: Any, expected: dict[str, Any]) -> None:
    on_disk = [p.name for p in lib.notes_dir.rglob("*") if p.is_file()]
    assert len(on_disk) == NOTES
    assert len({n.casefold() for n in on_disk}) == NOTES
    assert sorted(on_disk) == sorted(expected["files"])
    assert not (lib.notes_dir / "expected.json").exists()


def test_expected_events_and_clusters_are_consistent(expected: dict[str, Any]) -> None:
    files = expected["files"]
    event_of: dict[str, int] = {}
    for i, ev in enumerate(expected["events"]):
        assert 2 <= len(ev["files"]) <= 4
        assert date(2016, 1, 1) <= date.fromisoformat(ev["date"]) <= date(2026, 12, 31)
        assert ev["event_titles"] and all(ev["event_titles"])
        for name in ev["files"]:
            assert name not in event_of, f"{name} is in two events"
            event_of[name] = i
    assert set(event_of) == set(files)
    holders: dict[str, set[str]] = {}
    for name, truth in files.items():
        assert truth["event_title"]
        assert truth["talks"], f"{name} notes no talk"
        clusters = [t["cluster"] for t in truth["talks"]]
        assert len(set(clusters)) == len(clusters)
        for c in clusters:
            holders.setdefault(c, set()).add(name)
    for cluster, names in holders.items():
        assert 2 <= len(names) <= 4, cluster
        assert len({event_of[n] for n in names}) == 1, f"{cluster} spans events"
    per_event = Counter(event_of[next(iter(names))] for names in holders.values())  # talks
    assert all(2 <= n <= 8 for n in per_event.values())
    assert len(expected["events"]) == len(per_event)


def _heading(shape: str, title: str) -> re.Pattern[str]:
    t = re.escape(title)
    return re.compile(
        {
            "yaml-md": rf"^## \d{{1,2}}:\d{{2}}\t{t}$",
            "toml-md": rf"^# {t}$",
            "plain-md": rf"^## {t}$",
            "json-md": rf"^## {t}$",
            "blog-txt": rf"^「{t}」$",
        }[shape],
        re.MULTILINE,
    )


def test_truth_matches_what_each_note_says(lib: Any, expected: dict[str, Any]) -> None:
    for f in lib.files:
        text = _text(lib, f).replace("\r\n", "\n")
        truth = expected["files"][Path(f.path).name]
        assert truth["event_title"] in text
        pos = -1
        for talk in truth["talks"]:
            m = _heading(f.shape, talk["title"]).search(text, pos + 1)
            assert m, f"{f.path}: no heading for {talk['title']!r}"
            pos = m.start()  # talks are listed in the order the note gives them
            for sp in talk["speakers"]:
                assert sp["name"] in text
                assert sp["handle"] is None or f"@{sp['handle']}" in text
                assert sp["affiliation"] is None or sp["affiliation"] in text
            for url in talk["slides"]:
                assert url in text
        for label in truth["not_talks"]:
            assert re.search(rf"^#+ (\d{{1,2}}:\d{{2}}\t)?{re.escape(label)}\t?$", text, re.M)
    titles: dict[str, set[str]] = {}
    for truth in expected["files"].values():
        for talk in truth["talks"]:
            titles.setdefault(talk["cluster"], set()).add(talk["title"])
    assert sum(len(v) > 1 for v in titles.values()) >= len(titles) / 4, "too few title variants"


def test_front_matter_parses_with_the_real_parsers(lib: Any, expected: dict[str, Any]) -> None:
    dates = {n: ev["date"] for ev in expected["events"] for n in ev["files"]}
    for f in lib.files:
        name = Path(f.path).name
        text = _text(lib, f).replace("\r\n", "\n").lstrip("\ufeff")
        title = expected["files"][name]["event_title"]
        if f.shape == "yaml-md":
            meta = yaml.safe_load(text.split("---\n")[1])
            assert meta["title"] == title
            assert str(meta["date"]) == dates[name]
        elif f.shape == "toml-md":
            meta = tomllib.loads(text.split("+++\n")[1])
            assert meta["title"] == title
            assert meta["date"].date() > date.fromisoformat(dates[name])  # posted afterwards
        elif f.shape == "json-md":
            post = frontmatter.loads(text)
            assert post["title"] == title
            assert post["date"] == dates[name]


def test_size_is_in_range(lib: Any) -> None:
    assert len(lib.files) == NOTES
    assert NOTES / 4 <= lib.events <= NOTES / 2
    assert 2000 <= lib.total_bytes / NOTES <= 4500


def test_refuses_to_overwrite_what_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.md").write_text("# keep me\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        gen.generate(tmp_path, 10, overwrite=True)
    assert (tmp_path / "notes" / "mine.md").exists()


def test_cli_replaces_its_own_library_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gen.main([str(tmp_path), "--notes", "12", "--seed", "1"]) == 0
    assert "notes=12 " in capsys.readouterr().out
    assert gen.main([str(tmp_path), "--notes", "10"]) == 1
    assert "not empty" in capsys.readouterr().err
    assert gen.main([str(tmp_path), "--notes", "10", "--force"]) == 0
    assert sum(1 for p in (tmp_path / "notes").rglob("*") if p.is_file()) == 10
