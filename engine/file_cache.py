"""Files kept between runs under var/cache: each written whole or not at all, only the newest few of a kind kept."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, data: bytes) -> None:
    """``data`` at ``path``, never half-written (a reader sees the old file or the new one); OSError if it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def keep_newest(folder: Path, pattern: str, count: int) -> None:
    """Remove all but the ``count`` most recently written files of ``folder`` matching ``pattern``."""
    kept = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in kept[count:]:
        old.unlink(missing_ok=True)
