"""A notetui process that adds annotations to a store, for the crash and two-writer tests.

    python store_worker.py STORE [--count N] [--tag NAME] [--wait-go]
                           [--journal | --rewrite | --unread]

Prints `saved <uid>` (flushed) after each `add_annotation` returns, so the test knows
exactly which annotations the store promised to keep. With --wait-go it prints
`ready` and waits for a line on stdin first, so two workers can start together.
Runs until killed unless --count is given; prints `done` at the end. With --journal
every save goes to the store's journal, compacted every ~64 KB, however small the
store is (see `journal_mode`). With --rewrite every save rewrites the main file,
however big the store grows (see `rewrite_mode`): without it a store that passes
REWRITE_BELOW (~1,000 of these annotations) switches to the journal, so which way
a run saves would depend on how fast the disk syncs. --unread is --journal with the
store opened as `notetui annotate` opens it (`Store(path, load=False)`): adds append
to the journal without reading the main file, and a compaction reads it then.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from notetui.core.annotations import files
from notetui.core.annotations.store import Anchor, Store, StoreError


def journal_mode() -> None:
    """Make a small store behave like a big one: journal lines, frequent compactions."""
    files.REWRITE_BELOW = 0
    files.COMPACT_BYTES = (64 * 1024, 64 * 1024)


def rewrite_mode() -> None:
    """Make a big store behave like a small one: every save a whole-file rewrite."""
    files.REWRITE_BELOW = 1 << 62


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--tag", default="w")
    parser.add_argument("--wait-go", action="store_true")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--journal", action="store_true")
    mode.add_argument("--rewrite", action="store_true")
    mode.add_argument("--unread", action="store_true")
    args = parser.parse_args()
    if args.journal or args.unread:
        journal_mode()
    if args.rewrite:
        rewrite_mode()

    try:
        store = Store(args.store, load=not args.unread)
        if args.wait_go:
            print("ready", flush=True)
            sys.stdin.readline()
        numbers = range(args.count) if args.count is not None else itertools.count()
        for n in numbers:
            # Vary the size a little, so saves differ in length and timing.
            text = f"{args.tag} のメモ {n}\n" + "本文 " * (n % 17)
            if n % 3 == 0:
                annotation = store.add_annotation(
                    target="passage",
                    target_id=f"{args.tag}/talk-{n % 5}",
                    text=text,
                    anchor=Anchor(note="2026/meetup.md", line=n % 90 + 1, quote="引用"),
                )
            else:
                annotation = store.add_annotation(
                    target="talk", target_id=f"{args.tag}/talk-{n % 5}", text=text
                )
            print(f"saved {annotation.uid}", flush=True)
    except StoreError as error:
        print(f"error {error}", flush=True)
        return 2
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
