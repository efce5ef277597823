"""Golden fixtures of the field stages: `NAME.txt` beside `NAME.result.json`.

The way python-frontmatter keeps its tests: the input as a user writes it in a text
file, the result a user should see in a JSON file beside it. Adding a shape means one
more pair. `python tests/core/parse/fields/golden.py` rewrites every `.result.json`
from the code as it stands, for review with `git diff` before committing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def cases(stage: str) -> list[Path]:
    """Every input of a stage (talks, titles, speakers, slides), sorted by name."""
    return sorted((HERE / stage).glob("*.txt"))


def expected(case: Path) -> Any:
    return json.loads(case.with_suffix(".result.json").read_text("utf-8"))


def read(case: Path) -> str:
    # Tabs are kept: "Title<TAB>Name / Org" is one of the shapes.
    return case.read_text("utf-8")


def title_results(text: str) -> list[dict[str, Any]]:
    from notetui.core.parse.titles import clean_title

    results = []
    for raw in text.splitlines():
        clean = clean_title(raw)
        results.append(
            {
                "raw": raw,
                "title": clean.title,
                "time": clean.time,
                "speakers": [[s.name, s.handle, s.affiliation] for s in clean.speakers],
                "labels": list(clean.labels),
            }
        )
    return results


def speaker_results(text: str) -> dict[str, Any]:
    from notetui.core.parse.speakers import speakers_in

    found = speakers_in(text.splitlines())
    return {
        "speakers": [[s.name, s.handle, s.affiliation] for s in found.speakers],
        "line_indexes": sorted(found.line_indexes),
    }


def slide_results(text: str) -> list[str]:
    from notetui.core.parse.slides import slide_links

    return list(slide_links(text))


def talk_results(text: str) -> dict[str, Any]:
    """The first line is the talk's title line, the rest its body."""
    from notetui.core.parse.fields import talk_fields

    title, *body = text.splitlines()
    found = talk_fields(title, body)
    return {
        "title": found.title,
        "time": found.time,
        "labels": list(found.labels),
        "speakers": [[s.name, s.handle, s.affiliation] for s in found.speakers],
        "slides": list(found.slides),
        "not_points": sorted(found.not_points),
    }


STAGES: dict[str, Callable[[str], Any]] = {
    "talks": talk_results,
    "titles": title_results,
    "speakers": speaker_results,
    "slides": slide_results,
}


def regenerate() -> None:
    for stage, run in STAGES.items():
        for case in cases(stage):
            result = json.dumps(run(read(case)), ensure_ascii=False, indent=2)
            case.with_suffix(".result.json").write_text(result + "\n", "utf-8")
            print(f"wrote {case.with_suffix('.result.json').relative_to(HERE)}")


if __name__ == "__main__":
    sys.exit(regenerate())
