"""The user's recent files and folders: one JSON document on the shared ``JsonStore``.

Paths are stored relative to the Jupyter root, as the browser names them. Every
change goes through :meth:`RecentsStore._update`, which holds an ``flock`` on a
lock file beside the store as well as ``JsonStore``'s own lock, so two servers
of the same user (two nodes sharing a home directory) lose nothing either.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import errors
from ..jsonstore import JsonStore
from ..validate import RootPaths

TYPES = ("directory", "file", "notebook")
VERSION = 1


def _empty() -> dict[str, Any]:
    return {"version": VERSION, "entries": []}


def _entries(doc: Any) -> list[dict[str, Any]]:
    """The well-formed entries of a stored document (anything else is ignored)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        return []
    return [
        e
        for e in doc["entries"]
        if isinstance(e, dict)
        and isinstance(e.get("path"), str)
        and e.get("type") in TYPES
        and isinstance(e.get("last_opened"), (int, float))
    ]


def _ordered(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pinned first, then newest first."""
    return sorted(entries, key=lambda e: (not e.get("pinned", False), -e["last_opened"]))


def _evict(entries: list[dict[str, Any]], max_length: int) -> list[dict[str, Any]]:
    """Keep every pinned entry and the ``max_length`` newest unpinned ones."""
    ordered = _ordered(entries)
    pinned = [e for e in ordered if e.get("pinned")]
    unpinned = [e for e in ordered if not e.get("pinned")]
    return pinned + unpinned[:max_length]


def _merge_duplicates(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """After a rename two entries may share a path: keep the newer, pinned if either was."""
    by_path: dict[str, dict[str, Any]] = {}
    for entry in entries:
        other = by_path.get(entry["path"])
        if other is None:
            by_path[entry["path"]] = entry
            continue
        newer, older = (entry, other) if entry["last_opened"] >= other["last_opened"] else (other, entry)
        newer["pinned"] = bool(newer.get("pinned") or older.get("pinned"))
        by_path[entry["path"]] = newer
    return list(by_path.values())


class RecentsStore:
    """Recording, pinning, renaming and listing recent entries."""

    def __init__(self, store_path: str | os.PathLike[str], root_dir: str | os.PathLike[str]):
        # valid JSON that is not an object is not ours: set aside like unparsable text
        self.json = JsonStore(store_path, _empty, is_valid=lambda doc: isinstance(doc, dict))
        self.paths = RootPaths(root_dir)
        self._cache: tuple[tuple, tuple[list[dict[str, Any]], list[str]]] | None = None

    # -- paths -------------------------------------------------------------

    def api_path(self, path: str, field: str = "path") -> str:
        """The path relative to the root, as the browser names it; InvalidInput/Forbidden otherwise.

        Confinement is checked on the resolved path (symlinks followed), but the
        path kept is the lexical one, so a file opened through a symlinked folder
        is listed the way the user reached it.
        """
        disk = self.paths.to_disk(path, field)
        given = Path(path)
        lexical = Path(os.path.normpath(given if given.is_absolute() else self.paths.root / path.lstrip("/")))
        relative = self.paths.to_api(lexical)
        if relative is None:
            relative = self.paths.to_api(disk)
        if not relative:
            raise errors.InvalidInput(
                f"Field '{field}' must name a file or folder inside the root, not the root itself."
            )
        return relative

    # -- reading -----------------------------------------------------------

    def entries(self) -> list[dict[str, Any]]:
        """The stored entries in listing order, each as the API shows it (without ``exists``)."""
        return self._parsed()[0]

    def _parsed(self) -> tuple[list[dict[str, Any]], list[str]]:
        """The entries, and each one pre-encoded as JSON up to its ``"exists"`` value.

        Cached until the file changes: every write is a new file
        (``os.replace``), so (inode, size, mtime) tell a new version, and this
        process's own writes drop the cache.
        """
        try:
            st = os.stat(self.json.path)
            key: tuple | None = (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            key = None
        if key is not None and self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        items = []
        for entry in _ordered(_entries(self.json.read())):
            item = {
                "path": entry["path"],
                "type": entry["type"],
                "last_opened": entry["last_opened"],
                "pinned": entry.get("pinned") is True,
            }
            if entry.get("factory"):
                item["factory"] = entry["factory"]
            items.append(item)
        parsed = (items, [json.dumps(item)[:-1] + ', "exists": ' for item in items])
        self._cache = (key, parsed) if key is not None else None
        return parsed

    def _exists(self, items: list[dict[str, Any]]) -> list[bool]:
        """One ``stat`` per entry, in one pass: the browser never asks per entry."""
        prefix = str(self.paths.root).rstrip("/") + "/"
        exists = os.path.exists
        return [exists(prefix + item["path"]) for item in items]

    def listing(self) -> list[dict[str, Any]]:
        """All entries, pinned first then newest first, each checked for existence."""
        items = self.entries()
        return [{**item, "exists": found} for item, found in zip(items, self._exists(items), strict=True)]

    def listing_json(self) -> str:
        """``{"recents": listing()}`` as JSON text, built from the pre-encoded entries."""
        items, encoded = self._parsed()
        found = self._exists(items)
        body = ",".join(head + ("true}" if ok else "false}") for head, ok in zip(encoded, found, strict=True))
        return '{"recents": [' + body + "]}"

    # -- changes -----------------------------------------------------------

    def _update(self, fn: Callable[[list[dict[str, Any]]], tuple[list[dict[str, Any]], Any]]) -> Any:
        """Apply ``fn(entries) -> (new_entries, result)`` atomically."""

        def apply(doc: dict[str, Any]) -> Any:
            entries, result = fn(_entries(doc))
            doc.clear()
            doc.update({"version": VERSION, "entries": _ordered(entries)})
            return result

        try:
            return self.json.update(apply)
        finally:
            self._cache = None

    def record(self, path: str, type_: str, factory: str | None, max_length: int, now: float | None = None) -> dict:
        """Upsert ``path`` as just opened (moves it to the top); evict beyond ``max_length``."""
        stamp = round(time.time() if now is None else now, 3)

        def fn(entries):
            existing = next((e for e in entries if e["path"] == path), None)
            entry = {"path": path, "type": type_, "last_opened": stamp, "pinned": False}
            if existing is not None:
                entries.remove(existing)
                entry["pinned"] = bool(existing.get("pinned", False))
            if factory:
                entry["factory"] = factory
            entries.append(entry)
            return _evict(entries, max_length), dict(entry)

        return self._update(fn)

    def set_pinned(self, path: str, pinned: bool, limit: int | None = None) -> dict | None:
        """Pin or unpin ``path``; None when it is not in the list; TooLarge pinning beyond ``limit``."""

        def fn(entries):
            for entry in entries:
                if entry["path"] == path:
                    count = sum(1 for e in entries if e.get("pinned"))
                    if pinned and not entry.get("pinned") and limit is not None and count >= limit:
                        raise errors.TooLarge(f"At most {limit} entries can be pinned; unpin one first.")
                    entry["pinned"] = pinned
                    return entries, dict(entry)
            return entries, None

        return self._update(fn)

    def rename(self, old: str, new: str) -> int:
        """Follow a rename or move: ``old`` and everything below it now live under ``new``."""
        prefix = old + "/"

        def fn(entries):
            moved = 0
            for entry in entries:
                if entry["path"] == old:
                    entry["path"] = new
                    moved += 1
                elif entry["path"].startswith(prefix):
                    entry["path"] = new + entry["path"][len(old) :]
                    moved += 1
            return _merge_duplicates(entries), moved

        return self._update(fn)

    def remove(self, path: str) -> int:
        def fn(entries):
            kept = [e for e in entries if e["path"] != path]
            return kept, len(entries) - len(kept)

        return self._update(fn)

    def clear(self, include_pinned: bool = False) -> int:
        """Remove the unpinned entries (all of them with ``include_pinned``)."""

        def fn(entries):
            kept = [] if include_pinned else [e for e in entries if e.get("pinned")]
            return kept, len(entries) - len(kept)

        return self._update(fn)
