"""Small UI state kept between runs (the chosen theme), in the data folder.

Losing this file costs nothing but a preference, so a bad file is ignored; it is
still written atomically so a crash cannot leave a half-written one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from notetui.core.atomic import atomic_write


def load_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Write atomically; errors are the caller's to report (the app says so once).
    Not fsynced: a preference lost to a power cut is not worth a sync per change."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic_write(path, text.encode("utf-8"), durable=False)
