"""A notetui process that edits one annotation and one talk's tags, over and over,
as a user of the reader or the CLI would, for the test that two of them lose nothing.

    python edit_worker.py STORE UID TARGET --name NAME --count N [--journal]

Each round adds the tag `NAME-n` to TARGET (an addition against what is stored, as
the reader's tag dialog sends it) and appends the line `NAME n` to the annotation's
text, carrying the revision the edit started from. When the other process edited
meanwhile the store refuses with both texts (EditConflict): the worker starts again
from the stored text, as a user choosing "keep both" would. Prints `ready`, waits for
a line on stdin, then `done CONFLICTS` at the end.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from store_worker import journal_mode  # run as a script: its folder is on sys.path

from notetui.core.annotations.errors import EditConflict
from notetui.core.annotations.store import Store


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("uid")
    parser.add_argument("target")
    parser.add_argument("--name", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--journal", action="store_true")
    args = parser.parse_args()
    if args.journal:
        journal_mode()
    store = Store(args.store)
    print("ready", flush=True)
    sys.stdin.readline()
    conflicts = 0
    for n in range(args.count):
        store.change_tags(target="talk", target_id=args.target, add=[f"{args.name}-{n}"])
        started = store.annotation(args.uid)
        assert started is not None
        while True:
            time.sleep(0.002)  # the user types: the other process may save meanwhile
            text = f"{started.text}\n{args.name} {n}"
            try:
                store.update_annotation(args.uid, text, expected_rev=started.rev)
                break
            except EditConflict as conflict:
                conflicts += 1
                started = conflict.stored
    store.close()
    print(f"done {conflicts}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
