"""How well notetui finds talks, speakers, merges and events in every labelled folder.

    python benchmarks/accuracy.py [--check] [--metamorphic] [--verbose] [--synthetic N]

For each labelled folder it runs the real `notetui list --json FOLDER` (the console script
beside this Python) with every NOTETUI_* location in a throwaway folder, scores the output
with ../shared/tools/score.py and prints one table:

- corpus     ../shared/corpus (other people's notes, read in place)
- wild       ../shared/wild   (other people's notes, read in place)
- notes      the sample notes in notes/, labelled in tests/data/notes_expected.json
- synthetic  a library benchmarks/generate.py writes, with its own ground truth

`--metamorphic` also rewrites every labelled Markdown note in ../shared (corpus and wild)
with each rewrite in tests/support/rewrites.py and prints talks P/R per rewrite, beside the
same notes unrewritten. `--check` exits 1 when a folder or a rewrite is below its bar (the
bars are issue 11's "Done when", kept as data below). Talks P/R are held to the bar unrounded
(from score.py's missed/extra lines); the other figures as score.py prints them. Timings are
printed, never held to a bar.

Exit codes: 0 at or above every bar (or no --check), 1 below a bar, 2 when figures could
not be made (../shared incomplete, notetui failing). Without ../shared at all (a clone on its
own) the shared folders are reported as skipped, the way the test suite skips them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the shared harness lives beside the tests

from support.paths import CORPUS, NOTES, SCORER, SHARED, TEST_DATA, WILD  # noqa: E402
from support.rewrites import REWRITES, UNREWRITTEN  # noqa: E402
from support.scoring import (  # noqa: E402
    Figures,
    ScoringError,
    score_folder,
    shared_markdown_notes,
    write_rewritten,
)

# ----------------------------------------------------------------------------------------
# Bars (issue 11, "Done when"). A folder with no bar is printed, never failed.
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    ok: bool = False  # score.py's ok=True: every figure perfect
    talks: float = 0.0  # talks precision and recall, each at least this
    merge: float = 0.0  # merge-pair precision and recall, each at least this
    speakers: float = 0.0  # share of labelled speakers found (on the talks found)
    no_event_error: bool = False  # event pairs fp = fn = 0 and every note in an event
    no_wrong_date: bool = False
    # Wrong dates the notes themselves cannot put right (named where the bar is set).
    known_wrong_dates: int = 0

    def shortfalls(self, f: Figures, exact_talks: tuple[float, float]) -> list[str]:
        short = []
        if self.ok and not f.ok:
            short.append("ok=False")
        tp, tr = exact_talks
        if tp < self.talks or tr < self.talks:
            short.append(f"talks P/R {tp:.3f}/{tr:.3f} < {self.talks}")
        if f.merge_precision < self.merge or f.merge_recall < self.merge:
            short.append(f"merge P/R {f.merge_precision:.2f}/{f.merge_recall:.2f} < {self.merge}")
        if f.speakers < self.speakers:
            short.append(f"speakers {f.speakers:.0%} < {self.speakers:.0%}")
        if self.no_event_error and (f.events_fp or f.events_fn or f.notes_without_event):
            short.append("event errors")
        if self.no_wrong_date and f.wrong_dates > self.known_wrong_dates:
            short.append(f"{f.wrong_dates} wrong dates")
        return short


BARS: dict[str, Bar] = {
    "corpus": Bar(ok=True),
    # Two labelled dates no note text gives: a04 says "2024/10/26, 27" where the label
    # says the conference began 10-25, and a14 names neither its event nor a date (only
    # its original file name did). Getting them needs outside knowledge, not parsing.
    "wild": Bar(
        talks=0.95,
        merge=0.95,
        speakers=0.90,
        no_event_error=True,
        no_wrong_date=True,
        known_wrong_dates=2,
    ),
}
METAMORPHIC_BAR = Bar(talks=0.95)  # for each rewrite, over the shared Markdown notes
# Rewrites still short of issue 11's bar, held at the floor reached so far so that they
# cannot slide back; raise these as the parser improves, and drop them at 0.95.
# (browser-dump, the last one, reached the bar: 0.97/0.96.)
METAMORPHIC_FLOORS: dict[str, Bar] = {}

SYNTHETIC_NOTES = 200
SYNTHETIC_SEED = 11


# ----------------------------------------------------------------------------------------
# Fitted weights: leave-one-event-out figures
# ----------------------------------------------------------------------------------------


def leave_one_event_out() -> list[tuple[str, Figures]] | None:
    """Figures of fitted scorer weights, each event held out in turn. HOOK: nothing is
    fitted yet. When notetui.core.parse exposes a fitting entry point (e.g. a function that
    fits on every labelled note but one event's and scores the held-out notes), call it
    here and return (held-out event, its Figures) rows; main() prints them under the table
    beside the shipped weights' figures. Return None while nothing is fitted."""
    return None


# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Folder:
    name: str
    notes: Path
    expected: Path
    shared: bool  # other people's notes in ../shared


@dataclass(frozen=True)
class Row:
    name: str
    notes: int
    figures: Figures
    exact: tuple[float, float]  # talks P/R unrounded: the bar reads these
    bar: Bar | None
    seconds: float
    remark: str = ""

    @property
    def shortfalls(self) -> list[str]:
        return [] if self.bar is None else self.bar.shortfalls(self.figures, self.exact)


def _expected(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _talks(expected: dict[str, Any]) -> int:
    return sum(len(f["talks"]) for f in expected["files"].values())


def measure(name: str, notes: Path, expected: Path, bar: Bar | None, remark: str = "") -> Row:
    data = _expected(expected)
    started = time.perf_counter()
    figures = score_folder(notes, expected)
    seconds = time.perf_counter() - started
    exact = figures.exact_talks(_talks(data))
    return Row(name, len(data["files"]), figures, exact, bar, seconds, remark)


def _synthetic(work: Path, count: int) -> Folder:
    script = REPO / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("notetui_bench_generate", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses need the module registered
    spec.loader.exec_module(module)
    lib = module.generate(work / "synthetic", count, seed=SYNTHETIC_SEED)
    # generate.py already writes score.py's label format (tests/core/test_generator.py).
    return Folder("synthetic", lib.notes_dir, lib.expected_path, shared=False)


def folders(work: Path, synthetic: int) -> list[Folder]:
    found = [
        Folder("corpus", CORPUS, CORPUS / "expected.json", shared=True),
        Folder("wild", WILD, WILD / "expected.json", shared=True),
        Folder("notes", NOTES, TEST_DATA / "notes_expected.json", shared=False),
    ]
    if synthetic:
        found.append(_synthetic(work, synthetic))
    return found


def metamorphic_rows(work: Path) -> list[Row]:
    notes = shared_markdown_notes()
    rows: list[Row] = []
    baseline = write_rewritten(UNREWRITTEN, notes, work / "original")
    rows.append(measure("(unrewritten)", baseline.notes, baseline.expected, None))
    for rewrite in REWRITES:
        made = write_rewritten(rewrite, notes, work / rewrite.name)
        remark = f"{made.changed}/{len(notes)} changed"
        if made.remarks:
            remark += "; " + "; ".join(made.remarks)
        rows.append(
            measure(
                rewrite.name,
                made.notes,
                made.expected,
                METAMORPHIC_FLOORS.get(rewrite.name, METAMORPHIC_BAR),
                remark,
            )
        )
    return rows


# ----------------------------------------------------------------------------------------
# Printing
# ----------------------------------------------------------------------------------------

_HEAD = ("folder", "notes", "talks P/R", "merge P/R", "speakers", "slides", "events fp/fn",
         "no event", "wrong dates", "secs", "bar")  # fmt: skip


def _cells(row: Row) -> tuple[str, ...]:
    f = row.figures
    verdict = "-" if row.bar is None else ("met" if not row.shortfalls else "BELOW")
    return (
        row.name,
        str(row.notes),
        f"{f.talks_precision:.2f}/{f.talks_recall:.2f}",
        f"{f.merge_precision:.2f}/{f.merge_recall:.2f}",
        f"{f.speakers_found}/{f.speakers_all}",
        f"{f.slides_found}/{f.slides_all}",
        f"{f.events_fp}/{f.events_fn}",
        str(f.notes_without_event),
        str(f.wrong_dates),
        f"{row.seconds:.1f}",
        verdict,
    )


def print_table(title: str, rows: Sequence[Row], out: Callable[[str], None] = print) -> None:
    table = [_HEAD, *(_cells(r) for r in rows)]
    widths = [max(len(r[c]) for r in table) for c in range(len(_HEAD))]
    out(title)
    for n, cells in enumerate(table):
        out("  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        if n == 0:
            out("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        if row.shortfalls:
            out(f"  {row.name} below its bar: {', '.join(row.shortfalls)}")
        if row.remark:
            first, *rest = row.remark.split("; ")
            out(f"  {row.name}: {first}")
            for more in rest:
                out(f"      {more}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="accuracy.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when below a bar")
    parser.add_argument("--metamorphic", action="store_true", help="also score each rewrite")
    parser.add_argument("--verbose", action="store_true", help="print score.py's details")
    parser.add_argument(
        "--synthetic",
        type=int,
        default=SYNTHETIC_NOTES,
        metavar="N",
        help=f"notes in the synthetic library (0: none; default {SYNTHETIC_NOTES})",
    )
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"accuracy.py: skipped: {SHARED} is not there (the real notes are not shipped)")
        return 0
    missing = [p for p in (SCORER, CORPUS / "expected.json", WILD / "expected.json")
               if not p.is_file()]  # fmt: skip
    if missing:
        print(f"accuracy.py: {SHARED} is incomplete: no {', '.join(map(str, missing))}")
        return 2
    try:
        with tempfile.TemporaryDirectory(prefix="notetui-accuracy-") as scratch:
            work = Path(scratch)
            rows = [measure(f.name, f.notes, f.expected, BARS.get(f.name))
                    for f in folders(work, args.synthetic)]  # fmt: skip
            print_table("labelled folders (score.py on `notetui list --json`)", rows)
            meta: list[Row] = []
            if args.metamorphic:
                meta = metamorphic_rows(work / "metamorphic")
                print()
                print_table("metamorphic rewrites of the shared Markdown notes", meta)
    except (ScoringError, ValueError, OSError) as error:
        print(f"accuracy.py: {error}", file=sys.stderr)
        return 2
    fitted = leave_one_event_out()
    print()
    if fitted is None:
        print("leave-one-event-out: nothing fitted (hook: leave_one_event_out() in this script)")
    else:
        print_table("leave-one-event-out (fitted weights, each event held out)",
                    [Row(n, 0, f, (f.talks_precision, f.talks_recall), None, 0.0)
                     for n, f in fitted])  # fmt: skip
    if args.verbose:
        for row in rows + meta:
            if row.figures.details:
                print(f"\n{row.name}:")
                print("\n".join(row.figures.details))
    below = [r.name for r in rows + meta if r.shortfalls]
    if args.check and below:
        print(f"\nbelow the bar: {', '.join(below)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
