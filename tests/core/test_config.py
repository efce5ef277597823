"""The config file (core/config.py): defaults, a good file, and every kind of bad file
giving one line that names the bad key while the defaults stand in for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from notetui.core.config import TEMPLATE, Config, Thresholds, create_config, load_config
from notetui.core.merge.merging import MergeSettings
from notetui.core.points.points import DEFAULT_POINT_THRESHOLD

DEFAULT = Config()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_no_file_means_the_defaults(path: Path) -> None:
    assert load_config(path) == (DEFAULT, [])
    assert not path.exists()  # reading never creates it
    assert DEFAULT.notes is None
    assert DEFAULT.theme is None
    assert dict(DEFAULT.keymap) == {}


def test_default_thresholds_are_the_cores() -> None:
    merge = MergeSettings()
    defaults = Thresholds()
    assert (defaults.talk_match, defaults.talk_strong, defaults.event_title) == (
        merge.talk_match,
        merge.talk_strong,
        merge.event_title,
    )
    assert defaults.point_match == DEFAULT_POINT_THRESHOLD
    assert defaults.merge_settings() == merge


def test_the_template_is_valid_and_says_the_defaults(path: Path) -> None:
    assert create_config(path) is True
    assert path.read_text("utf-8") == TEMPLATE
    assert load_config(path) == (DEFAULT, [])
    # Every setting is in it, commented out, with its default value.
    for key in ("notes", "theme", "[keymap]", "[thresholds]"):
        assert key in TEMPLATE
    for name in ("talk_match", "talk_strong", "event_title", "point_match"):
        assert f"# {name} = {getattr(DEFAULT.thresholds, name)}" in TEMPLATE
    # Uncommenting the keymap and thresholds examples gives a valid config too.
    uncommented = "\n".join(
        line[2:] if line.startswith(('# "', "# talk", "# event", "# point")) else line
        for line in TEMPLATE.splitlines()
    )
    write(path, uncommented)
    config, problems = load_config(path)
    assert problems == []
    assert config.keymap["search.library"] == "slash"
    assert config.thresholds == DEFAULT.thresholds


def test_create_config_keeps_an_existing_file(path: Path) -> None:
    write(path, 'theme = "nord"\n')
    assert create_config(path) is False
    assert path.read_text("utf-8") == 'theme = "nord"\n'


def test_a_good_file(path: Path, tmp_path: Path) -> None:
    notes = tmp_path / "my notes"
    notes.mkdir()
    write(
        path,
        f"""
notes = "{notes.as_posix()}"
theme = "nord"

[keymap]
"talk.next" = "ctrl+n"
"search.library" = "slash, ctrl+f"
export = "x"

[thresholds]
talk_match = 60
point_match = 70.5
""",
    )
    config, problems = load_config(path)
    assert problems == []
    assert config.notes == notes
    assert config.theme == "nord"
    assert dict(config.keymap) == {
        "talk.next": "ctrl+n",
        "search.library": "slash,ctrl+f",
        "export": "x",
    }
    assert config.thresholds == Thresholds(talk_match=60.0, point_match=70.5)
    assert config.thresholds.merge_settings().talk_match == 60.0
    with pytest.raises(TypeError):
        config.keymap["talk.next"] = "j"  # type: ignore[index]


def test_notes_relative_to_the_config_file_and_home(path: Path, tmp_path: Path) -> None:
    (path.parent / "notes").mkdir(parents=True)
    write(path, 'notes = "notes"\n')
    assert load_config(path)[0].notes == path.parent / "notes"
    write(path, 'notes = "~"\n')
    assert load_config(path)[0].notes == Path.home()


def test_invalid_toml_names_the_line(path: Path) -> None:
    write(path, 'theme = "nord"\n[keymap]\n"talk.next" = ctrl+n\n')
    config, [problem] = load_config(path)
    assert config == DEFAULT
    assert "invalid TOML" in problem
    assert "line 3" in problem
    assert "\n" not in problem
    assert str(path) in problem


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # unknown keys
        ('colour = "red"\n', 'unknown key "colour"'),
        ("[thresholds]\ntalk_matsh = 50\n", "thresholds.talk_matsh"),
        # wrong types
        ("theme = 3\n", '"theme"'),
        ("notes = [1, 2]\n", '"notes"'),
        ('keymap = "ctrl+n"\n', '"keymap"'),
        ('thresholds = ["high"]\n', '"thresholds"'),
        ('[thresholds]\ntalk_match = "high"\n', "thresholds.talk_match"),
        ("[thresholds]\nevent_title = true\n", "thresholds.event_title"),
        ('[keymap]\n"talk.next" = ["ctrl+n"]\n', 'keymap."talk.next"'),
        ('[keymap]\n"talk.next" = 5\n', 'keymap."talk.next"'),
        ('[keymap]\n"Talk Next!" = "n"\n', 'keymap."Talk Next!"'),
        ('[keymap]\n"talk.next" = "ctrl n"\n', 'keymap."talk.next"'),
        ('[keymap]\n"talk.next" = ""\n', 'keymap."talk.next"'),
        # out of range
        ("[thresholds]\ntalk_match = 150\n", "thresholds.talk_match"),
        ("[thresholds]\npoint_match = -1\n", "thresholds.point_match"),
        ("[thresholds]\ntalk_strong = nan\n", "thresholds.talk_strong"),
        ("[thresholds]\ntalk_strong = inf\n", "thresholds.talk_strong"),
        # a folder that is not there
        ('notes = "/no/such/folder"\n', '"notes"'),
    ],
)
def test_one_bad_key_one_line_defaults_kept(path: Path, text: str, names: str) -> None:
    good = 'theme = "nord"\n'
    write(path, good + text if not text.startswith("theme") else text)
    config, problems = load_config(path)
    assert len(problems) == 1, problems
    [problem] = problems
    assert names in problem
    assert "\n" not in problem
    assert problem.startswith(f"{path}: ")
    # What was bad is the default; what was good is kept.
    if not text.startswith("theme"):
        assert config.theme == "nord"
    assert config.notes is None
    assert dict(config.keymap) == {}
    assert config.thresholds == DEFAULT.thresholds


def test_bad_keys_do_not_spoil_good_neighbours(path: Path) -> None:
    write(
        path,
        '[keymap]\n"talk.next" = "ctrl+n"\n"talk.previous" = 7\n'
        "[thresholds]\ntalk_match = 61\ntalk_strong = 101\n",
    )
    config, problems = load_config(path)
    assert len(problems) == 2
    assert dict(config.keymap) == {"talk.next": "ctrl+n"}
    assert config.thresholds.talk_match == 61.0
    assert config.thresholds.talk_strong == DEFAULT.thresholds.talk_strong
    assert "using 80" in problems[1]


def test_keymap_against_the_known_bindings(path: Path) -> None:
    write(path, '[keymap]\n"talk.next" = "n"\n"talk.nxet" = "m"\n')
    config, [problem] = load_config(path, binding_ids={"talk.next", "talk.previous"})
    assert 'keymap."talk.nxet" is not a notetui binding' in problem
    assert dict(config.keymap) == {"talk.next": "n"}


def test_files_that_are_not_config_files(path: Path, tmp_path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'theme = "\xff\xfe"\n')
    config, [problem] = load_config(path)
    assert config == DEFAULT
    assert "not UTF-8" in problem

    folder = tmp_path / "folder.toml"
    folder.mkdir()
    config, [problem] = load_config(folder)
    assert config == DEFAULT
    assert "is a folder" in problem

    path.write_text("a = [" * 5000, "utf-8")  # deeply nested
    config, [problem] = load_config(path)
    assert config == DEFAULT
    assert "invalid TOML" in problem

    path.write_text("# " + "x" * 2_000_000, "utf-8")
    config, [problem] = load_config(path)
    assert "too big" in problem


def test_a_bom_is_fine(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b'\xef\xbb\xbftheme = "nord"\n')
    assert load_config(path) == (Config(theme="nord"), [])


def test_a_number_too_long_to_convert_is_one_problem_not_a_crash(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"theme = {'9' * 5000}\n[thresholds]\ntalk_match = {'7' * 5000}\n"
        f"point_match = -{'1' * 4500}\n",
        "utf-8",
    )
    config, problems = load_config(path)
    assert config == Config()
    assert [p.split(": ", 1)[1] for p in problems] == [
        '"theme" must be a theme name as text, not a number with 5,000 digits; ignored',
        "thresholds.talk_match must be a number from 0 to 100, not a number with 5,000 digits;"
        " using 58",
        "thresholds.point_match must be a number from 0 to 100, not a number with 4,501 digits;"
        " using 64",
    ]
