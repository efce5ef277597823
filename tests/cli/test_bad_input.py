"""Bad input never crashes, hangs or prints a traceback: it becomes a one-line problem
or a sensible result, and the rest of the library still loads.

Every case is a file this test writes. The dangerous ones (nesting that can crash
the interpreter, megabyte lines that can make a regex run for hours) are loaded in
a child process with a generous wall-clock guard, so a regression fails the test
instead of taking pytest down with it. The guard is not a timing assertion.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from notetui.core.load.library import LibraryError, load_library

GUARD_SECONDS = 300  # only there to turn a hang into a failure

GOOD_NOTE = textwrap.dedent(
    """\
    # 正常なノート勉強会 #100

    ## 19:30 正常なノートに書かれた発表のタイトル
    ### 山田 太郎(@taro_y) ◆ 株式会社サンプル
    * このノートは壊れていないので必ず読める
    """
)


def sample(n: int, talk: str = "壊れかけのノートに書かれた発表") -> str:
    """A small valid note body; each case gets its own event so that nothing merges."""
    speaker = "### 佐藤 花子(株式会社テスト)"
    return f"# 入力テスト勉強会 #{n}\n\n## {talk}その{n}\n{speaker}\n* 本文の箇条書き\n"


def billion_laughs() -> str:
    lines = ["---", "title: bomb", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join([*lines, "---", ""])


def fan_out() -> str:
    # 60 aliases, under any sane alias cap, that still expand to a million values.
    lines = ["---", "title: fan", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 7):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join([*lines, "---", ""])


@dataclass(frozen=True)
class Case:
    name: str  # file name
    data: Callable[[], bytes]
    problem: str | None  # a word the one-line problem must contain; None: no problem
    talk: str | None = None  # a talk title that must still be found in the note


CASES = [
    Case("empty.md", lambda: b"", "empty"),
    Case("blank.md", lambda: b"  \n\n\t \n", "empty"),
    Case("bom-only.md", lambda: b"\xef\xbb\xbf\n", "empty"),
    Case("image.md", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "binary"),
    Case(
        "noise.txt",
        lambda: bytes((i * 37 + 11) % 255 + 1 for i in range(6000)),
        "not text",
    ),
    Case(
        "invalid-utf8.md",
        lambda: sample(1).encode().replace("本文".encode(), b"\xff\x80" + "本文".encode()),
        "invalid UTF-8",
        "壊れかけのノートに書かれた発表その1",
    ),
    Case("odd-utf16.md", lambda: b"\xff\xfe" + sample(2).encode("utf-16-le") + b"\x00", "utf-16"),
    Case(
        "unclosed-yaml.md",
        lambda: ("---\ntitle: 閉じていない\nvenue: どこか\n\n" + sample(3)).encode(),
        "never closed",
        "壊れかけのノートに書かれた発表その3",
    ),
    Case(
        "invalid-yaml.md",
        lambda: ("---\ntitle: [閉じ忘れ\nvenue: どこか\n---\n" + sample(4)).encode(),
        "invalid YAML",
        "壊れかけのノートに書かれた発表その4",
    ),
    Case(
        "unclosed-toml.md",
        lambda: ('+++\ntitle = "閉じていない"\n\n' + sample(5)).encode(),
        "never closed",
        "壊れかけのノートに書かれた発表その5",
    ),
    Case(
        "invalid-toml.md",
        lambda: ("+++\ntitle = \nvenue = 'x'\n+++\n" + sample(6)).encode(),
        "invalid TOML",
        "壊れかけのノートに書かれた発表その6",
    ),
    Case(
        "invalid-json.md",
        lambda: ('{\n  "title": ,\n}\n' + sample(7)).encode(),
        "invalid JSON",
        "壊れかけのノートに書かれた発表その7",
    ),
    Case(
        "alias-bomb.md",
        lambda: (billion_laughs() + sample(8)).encode(),
        "alias",
        "壊れかけのノートに書かれた発表その8",
    ),
    Case(
        "alias-fan-out.md",
        lambda: (fan_out() + sample(9)).encode(),
        "front matter",
        "壊れかけのノートに書かれた発表その9",
    ),
    Case(
        "nested-brackets.md",
        lambda: ("---\ntitle: deep\nkey: " + "[" * 50_000 + "\n---\n" + sample(10)).encode(),
        "nests too deeply",
        "壊れかけのノートに書かれた発表その10",
    ),
    Case(
        # No brackets and no indentation, yet 30,000 levels deep: libyaml's composer
        # used to crash the interpreter on this.
        "nested-dashes.md",
        lambda: ("---\ntitle: deep\nkey:\n" + "- " * 30_000 + "x\n---\n" + sample(11)).encode(),
        "nests too deeply",
        "壊れかけのノートに書かれた発表その11",
    ),
    Case(
        "nested-keys.md",
        lambda: ("---\ntitle: deep\n" + "? " * 30_000 + "x\n---\n" + sample(12)).encode(),
        "nests too deeply",
        "壊れかけのノートに書かれた発表その12",
    ),
    Case(
        "nested-toml.md",
        lambda: ("+++\ntitle = 'deep'\nkey = " + "[" * 50_000 + "\n+++\n" + sample(13)).encode(),
        "nests too deeply",
        "壊れかけのノートに書かれた発表その13",
    ),
    Case(
        "nested-json.md",
        lambda: ('{\n  "title": ' + "[" * 50_000 + "\n}\n" + sample(14)).encode(),
        "nests too deeply",
        "壊れかけのノートに書かれた発表その14",
    ),
    Case("huge.md", lambda: (sample(15) + "* 延々と続くメモ\n" * 1_400_000).encode(), "too large"),
    Case(
        # A 3 MB heading of emphasis openers that never close.
        "long-heading.md",
        lambda: (sample(16) + "\n## " + "*a " * 1_000_000 + "x\n").encode(),
        None,
        "壊れかけのノートに書かれた発表その16",
    ),
    Case(
        # Plain text: a quoted talk, its slides, then one 3 MB line of ". . . .".
        "long-line.txt",
        lambda: (
            "「長い一行の前に書かれた発表その17」\n資料: https://speakerdeck.com/someone/talk17\n\n"
            + ". " * 1_500_000
            + "x\n"
        ).encode(),
        None,
        "長い一行の前に書かれた発表その17",
    ),
    Case(
        "one-line-only.md",
        lambda: ("[" * 1_000_000 + "a" * 1_000_000 + "!" * 1_000_000).encode(),
        # Three megabytes of brackets and letters name no event: reported, quickly.
        "not notes on an event",
    ),
    Case(
        "no-headings.txt",
        lambda: (
            "今日は勉強会に行ってきました。\n発表はどれも面白かった。\nまた参加したい。\n".encode()
        ),
        None,
    ),
]


def write_cases(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.md").write_text(GOOD_NOTE, encoding="utf-8")
    for case in CASES:
        (root / case.name).write_bytes(case.data())


def load_in_child(root: Path) -> dict[str, Any]:
    """`load_library` in a child process: a crash or hang fails the test, not the run."""
    code = (
        "import json, sys; from pathlib import Path\n"
        "from notetui.core.load.library import load_library\n"
        "from notetui.core.export.listing import library_json\n"
        "print(json.dumps(library_json(load_library(Path(sys.argv[1]))), ensure_ascii=False))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(root)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=GUARD_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr[-2000:]}"
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def bad_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad") / "library"
    write_cases(root)
    return root


@pytest.fixture(scope="module")
def loaded(bad_root: Path) -> dict[str, Any]:
    return load_in_child(bad_root)


def problems_of(listing: dict[str, Any], note: str) -> list[str]:
    return [p["message"] for p in listing["problems"] if p["note"] == note]


def talks_of(listing: dict[str, Any], note: str) -> list[str]:
    return [
        source["title"]
        for event in listing["events"]
        for talk in event["talks"]
        for source in talk["sources"]
        if source["note"] == note
    ]


def assert_one_line(message: str) -> None:
    assert message.strip() == message and message
    assert "\n" not in message and "\r" not in message
    assert "Traceback" not in message
    assert len(message) <= 200


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_note_becomes_a_problem_or_a_sensible_result(
    loaded: dict[str, Any], case: Case
) -> None:
    messages = problems_of(loaded, case.name)
    if case.problem is None:
        assert messages == []
    else:
        assert len(messages) == 1, messages
        assert_one_line(messages[0])
        assert case.problem.casefold() in messages[0].casefold()
    if case.talk is not None:
        assert talks_of(loaded, case.name) == [case.talk]
    listed = [note for event in loaded["events"] for note in event["notes"]]
    if case.talk is not None or case.problem is None:
        assert listed.count(case.name) == 1  # read: it sits in exactly one event
    else:
        assert case.name not in listed  # unreadable: only in problems


def test_a_bad_note_does_not_hide_the_good_ones(loaded: dict[str, Any]) -> None:
    [event] = [e for e in loaded["events"] if "good.md" in e["notes"]]
    assert event["notes"] == ["good.md"]
    assert [t["title"] for t in event["talks"]] == ["正常なノートに書かれた発表のタイトル"]
    assert event["talks"][0]["speakers"] == [
        {"name": "山田 太郎", "handle": "taro_y", "affiliation": "株式会社サンプル"}
    ]
    assert problems_of(loaded, "good.md") == []


def test_a_note_without_headings_keeps_its_text_and_invents_no_talks(
    loaded: dict[str, Any],
) -> None:
    assert talks_of(loaded, "no-headings.txt") == []
    [event] = [e for e in loaded["events"] if "no-headings.txt" in e["notes"]]
    assert [s["note"] for s in event["sections"]] == ["no-headings.txt"]
    assert event["sections"][0]["kind"] == "other"
    assert event["sections"][0]["line"] == 1


def test_the_cli_lists_every_problem_and_exits_zero(bad_root: Path, run_notetui: Any) -> None:
    result = run_notetui("list", "--json", bad_root, timeout=GUARD_SECONDS)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    listing = json.loads(result.stdout)
    assert listing == load_in_child(bad_root)  # the CLI prints exactly what the core loads
    expected = sorted(c.name for c in CASES if c.problem is not None)
    assert sorted({p["note"] for p in listing["problems"]}) == expected


def test_table_mode_puts_one_line_per_problem_on_stderr(
    bad_root: Path, run_notetui: Any, loaded: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that the table keeps titles whole
    result = run_notetui("list", bad_root, timeout=GUARD_SECONDS)
    assert result.returncode == 0
    assert "正常なノートに書かれた発表のタイトル" in result.stdout
    lines = result.stderr.splitlines()
    expected = sorted(c.name for c in CASES if c.problem is not None)
    # One line per problem, each naming its note first: nothing wraps, nothing else.
    assert sorted(line.split(": ", 1)[0] for line in lines) == expected
    for line in lines:
        assert_one_line(line)
    for problem in loaded["problems"]:
        assert problem["message"] not in result.stdout  # problems go to stderr only


# --------------------------------------------------------------- names, loops, odd files


def test_names_with_spaces_and_japanese_are_listed_as_written(
    tmp_path: Path, run_notetui: Any
) -> None:
    (tmp_path / "勉強会 メモ").mkdir()
    (tmp_path / "勉強会 メモ" / "第1回 参加 レポート.md").write_text(sample(1), encoding="utf-8")
    (tmp_path / "notes with spaces.txt").write_text(sample(2), encoding="utf-8")

    result = run_notetui("list", "--json", tmp_path)
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    notes = sorted(n for e in listing["events"] for n in e["notes"])
    assert notes == ["notes with spaces.txt", "勉強会 メモ/第1回 参加 レポート.md"]
    assert listing["problems"] == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlink_loop_neither_hangs_nor_duplicates(tmp_path: Path, run_notetui: Any) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "note.md").write_text(sample(1), encoding="utf-8")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "dangling.md").symlink_to(tmp_path / "gone.md")

    library = load_library(tmp_path)
    assert [n.path for n in library.notes] == ["a/note.md"]
    result = run_notetui("list", "--json", tmp_path, timeout=GUARD_SECONDS)
    assert result.returncode == 0
    assert [n for e in json.loads(result.stdout)["events"] for n in e["notes"]] == ["a/note.md"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_with_a_note_name_is_not_opened(tmp_path: Path) -> None:
    # Opening a FIFO blocks until someone writes to it: it must be skipped, not read.
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "note.md").write_text(sample(1), encoding="utf-8")
    assert load_in_child(tmp_path)["events"][0]["notes"] == ["note.md"]


# ----------------------------------------------------------------------- the PATH itself


def test_a_missing_folder_is_one_line_and_exit_code_2(tmp_path: Path, run_notetui: Any) -> None:
    for args in (["list", "--json"], ["list"]):
        result = run_notetui(*args, tmp_path / "nowhere")
        assert result.returncode == 2
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1
        assert "nowhere" in result.stderr and "does not exist" in result.stderr
    with pytest.raises(LibraryError, match="does not exist"):
        load_library(tmp_path / "nowhere")


def test_a_file_as_path_is_one_line_and_exit_code_2(tmp_path: Path, run_notetui: Any) -> None:
    note = tmp_path / "note.md"
    note.write_text(sample(1), encoding="utf-8")
    result = run_notetui("list", "--json", note)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not a folder" in result.stderr
    with pytest.raises(LibraryError, match="not a folder"):
        load_library(note)


def test_an_empty_folder_is_an_empty_library(tmp_path: Path, run_notetui: Any) -> None:
    result = run_notetui("list", "--json", tmp_path)
    assert result.returncode == 0
    listing = json.loads(result.stdout)
    assert (listing["events"], listing["problems"]) == ([], [])
    assert Path(listing["root"]) == tmp_path


def test_help_and_version_work(run_notetui: Any) -> None:
    from notetui import __version__

    top = run_notetui("--help")
    assert top.returncode == 0 and "list" in top.stdout and top.stderr == ""
    version = run_notetui("--version")
    assert version.returncode == 0 and __version__ in version.stdout
    sub = run_notetui("list", "--help")
    assert sub.returncode == 0
    assert "--json" in sub.stdout and "PATH" in sub.stdout


# --------------------------------------------- output safety, odd names and arguments

# C1 controls and bidi characters that json.dumps(ensure_ascii=False) leaves raw.
RAW_IN_JSON = ("\x9b31m", "\x9d0;title\x9c", "\x9f", "\u202e", "\u2066", "\u200f")


def test_list_json_escapes_c1_and_bidi_and_parses_back_to_the_text(
    tmp_path: Path, run_notetui: Any
) -> None:
    title = "話題 " + " ".join(RAW_IN_JSON) + " end"
    (tmp_path / "odd.md").write_text(f"# 制御文字の勉強会\n\n## {title}\n\n- 本文\n", "utf-8")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "notetui"), "list", "--json", str(tmp_path)],
        capture_output=True,
        timeout=GUARD_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    raw = done.stdout
    for char in RAW_IN_JSON:
        assert char[0].encode() not in raw, repr(char)
    listing = json.loads(raw.decode("utf-8"))
    [talk] = listing["events"][0]["talks"]
    assert talk["title"] == title  # escaped in the JSON text, exact in the data


def test_a_file_name_that_is_not_utf8_keeps_list_json_valid_utf8(
    tmp_path: Path, run_notetui: Any
) -> None:
    name = b"caf\xe9 \x1b[2J.md"
    (tmp_path / os.fsdecode(name)).write_text(sample(1), encoding="utf-8")
    exe = str(Path(sys.executable).parent / "notetui")
    done = subprocess.run(
        [exe, "list", "--json", str(tmp_path)], capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")  # strict: valid UTF-8
    assert b"\x1b" not in done.stdout
    [event] = json.loads(text)["events"]
    assert [os.fsencode(n) for n in event["notes"]] == [name]  # exact, for a script
    table = subprocess.run(
        [exe, "list", str(tmp_path)],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert table.returncode == 0, table.stderr
    assert b"\x1b[2J" not in table.stdout


def test_an_argument_that_is_not_utf8_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    exe = str(Path(sys.executable).parent / "notetui")
    missing = os.fsencode(tmp_path) + b"/\xff\xfe-nowhere"
    for args in (
        [b"list", missing],
        [b"list", b"--json", missing],
        [b"locate", b"--notes", missing],
    ):
        done = subprocess.run([exe.encode(), *args], capture_output=True, timeout=60, check=False)
        assert b"Traceback" not in done.stderr, done.stderr
        done.stdout.decode("utf-8")
        done.stderr.decode("utf-8")
        if args[0] == b"list":
            assert done.returncode == 2
            [line] = done.stderr.decode().splitlines()
            assert line.endswith("\\xff\\xfe-nowhere does not exist"), line
        else:
            assert done.returncode == 0
            assert "\\xff\\xfe-nowhere" in done.stdout.decode()


def test_list_json_puts_each_problem_on_stderr_too(bad_root: Path, run_notetui: Any) -> None:
    done = run_notetui("list", "--json", bad_root, timeout=GUARD_SECONDS)
    assert done.returncode == 0
    listing = json.loads(done.stdout)
    lines = done.stderr.splitlines()
    assert lines == [f"{p['note']}: {p['message']}" for p in listing["problems"]]


def test_notes_option_on_list_and_on_notetui_itself(tmp_path: Path, run_notetui: Any) -> None:
    (tmp_path / "note.md").write_text(sample(1), encoding="utf-8")
    by_option = run_notetui("list", "--notes", tmp_path, "--json")
    assert by_option.returncode == 0, by_option.stderr
    assert by_option.stdout == run_notetui("list", tmp_path, "--json").stdout
    both = run_notetui("list", tmp_path, "--notes", tmp_path / "other")
    assert both.returncode == 2 and "once" in both.stderr
    opened = run_notetui("--notes", tmp_path / "nowhere")  # the reader, on --notes
    assert opened.returncode == 2
    assert opened.stderr.strip() == f"notetui: {tmp_path / 'nowhere'} does not exist"
    assert "No such option" not in opened.stderr


def test_help_lists_every_command_on_one_whole_line(run_notetui: Any) -> None:
    import click

    from notetui.cli.main import cli

    ctx = click.Context(cli)  # the commands are imported lazily: ask the group for them
    commands = {n: cli.get_command(ctx, n) for n in cli.list_commands(ctx)}
    done = run_notetui("--help")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    start = lines.index("Commands:") + 1
    listed = {line.split()[0]: line for line in lines[start:] if line.strip()}
    assert set(listed) == {n for n, c in commands.items() if c is not None and not c.hidden}
    for line in listed.values():
        summary = line.split(None, 1)[1]
        assert not summary.endswith("..."), line  # click cuts long summaries short
        assert summary.endswith("."), line
    assert "--notes PATH" in done.stdout


def test_a_huge_number_in_the_config_crashes_no_command(tmp_path: Path, run_notetui: Any) -> None:
    config = Path(os.environ["NOTETUI_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"theme = {'9' * 5000}\n[thresholds]\ntalk_match = {'7' * 5000}\n", "utf-8")
    (tmp_path / "note.md").write_text(sample(1), encoding="utf-8")
    for args in (
        ["list", tmp_path],
        ["locate"],
        ["config", "--check"],
        ["tags", "--notes", tmp_path],
    ):
        done = run_notetui(*args)
        assert "Traceback" not in done.stderr, (args, done.stderr[-500:])
        assert done.returncode in (0, 1), (args, done.stderr)
    check = run_notetui("config", "--check")
    assert check.returncode == 1
    assert (
        "thresholds.talk_match must be a number from 0 to 100, not a number with 5,000 digits"
        in (check.stdout)
    )
