"""One short hash of a set of source files, so that a change in the code invalidates what it made.

Used by the caches (extraction, submission validation: an entry is valid for one code version)
and by the refresh (a warehouse built from other code must be rebuilt).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def source_fingerprint(root: Path, parts: Iterable[str | tuple[str, str]], extra: Iterable[str] = ()) -> str:
    """16 hex digits over the names (relative to ``root``) and contents of the files in ``parts``.

    A part is a file, a folder (every ``*.py`` below it) or ``(folder, glob pattern)``; ``extra``
    strings (library versions, say) are hashed after the files. ``__pycache__`` is never read.
    """
    digest = hashlib.sha256()
    for part in parts:
        folder, pattern = part if isinstance(part, tuple) else (part, "**/*.py")
        base = root / folder
        files = sorted(base.glob(pattern)) if base.is_dir() else [base]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    for item in extra:
        digest.update(item.encode() + b"\0")
    return digest.hexdigest()[:16]
