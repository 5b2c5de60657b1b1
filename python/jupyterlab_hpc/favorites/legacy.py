"""One-time import of bookmarks from the older ``@jlab-enhanced/favorites`` extension.

They live in the user's JupyterLab settings file, which is read here on the
server: the old extension need not be installed any more for the import to work.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path
from typing import Any

import json5

from .. import errors
from ..safefile import read_regular

log = logging.getLogger("jupyterlab_hpc")

SOURCE = "@jlab-enhanced/favorites"
#: A settings file is a few kB; json5 is a slow pure-Python parser.
MAX_SETTINGS_SIZE = 1024 * 1024


def read_legacy(settings_file: str) -> list[dict[str, str]] | None:
    """``[{"path", "name"}]`` from the old settings file, or None if there is none."""
    path = Path(settings_file) if settings_file else None
    if path is None or not path.is_file():
        return None
    try:
        # never blocks on a named pipe; json5 recurses per nesting level
        data: Any = json5.loads(read_regular(path, MAX_SETTINGS_SIZE).decode("utf-8"))
    except (OSError, ValueError, RecursionError, errors.TooLarge) as error:
        log.warning("jupyterlab-hpc: cannot read old favorites from %s: %s", path, error)
        return None
    items = data.get("favorites") if isinstance(data, dict) else None
    out: list[dict[str, str]] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("default") is True:
            continue  # the old extension's own defaults are not the user's bookmarks
        rel = item.get("path")
        if not isinstance(rel, str) or not rel.strip() or "\x00" in rel:
            continue
        root = item.get("root")
        # The old extension stored the server root beside a root-relative path.
        full = posixpath.join(root, rel.lstrip("/")) if isinstance(root, str) and root.startswith("/") else rel
        name = item.get("name") or item.get("title")
        out.append({"path": full, "name": name if isinstance(name, str) else ""})
    return out
