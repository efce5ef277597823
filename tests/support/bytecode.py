"""Let the suite keep compiled bytecode, even where PYTHONDONTWRITEBYTECODE is set.

With it set (as on this project's machines), every Python the suite starts compiles
notetui from source again (hundreds of `notetui` runs, pty apps, store workers), and
every pytest worker compiles and assertion-rewrites each test module again (about 5 s
of collection per worker). The user asked for no `__pycache__` folders in the tree,
so the bytecode goes under one folder outside it (PYTHONPYCACHEPREFIX) instead, for
this process and every process it starts. Python's own checks (source mtime and
size) still decide when a file is compiled again.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def keep_bytecode() -> None:
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return  # bytecode is written as usual, beside the sources
    prefix = os.environ.get("PYTHONPYCACHEPREFIX") or str(
        Path(tempfile.gettempdir()) / f"notetui-test-pycache-{os.getuid()}"
    )
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = prefix
    sys.pycache_prefix = prefix
    sys.dont_write_bytecode = False
