"""Each golden fixture of the field stages gives the result written beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.parse.fields.golden import STAGES, cases, expected, read


def _all() -> list[tuple[str, Path]]:
    return [(stage, case) for stage in STAGES for case in cases(stage)]


@pytest.mark.parametrize(("stage", "case"), _all(), ids=lambda v: getattr(v, "stem", v))
def test_golden_fixture(stage: str, case: Path) -> None:
    assert STAGES[stage](read(case)) == expected(case)


def test_every_stage_has_fixtures() -> None:
    for stage in STAGES:
        assert len(cases(stage)) >= 4, stage
        for case in cases(stage):
            assert case.with_suffix(".result.json").is_file(), f"{case.name} has no result"
