"""The user's own favorites on disk: per-item operations on a :class:`JsonStore`.

Every change is one locked read-modify-write of a single item (add, rename,
move, remove, hide), so two tabs editing at once never lose each other's
bookmarks. The document::

    {"version": 1,
     "favorites": [{"id": "...", "path": "$SCRATCH/run1", "name": "run1"}],
     "hidden": ["site-..."],          # site/group favorites the user hid
     "imported": ["@jlab-enhanced/favorites"]}
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any

from .. import errors
from ..jsonstore import JsonStore

VERSION = 1


def empty() -> dict[str, Any]:
    return {"version": VERSION, "favorites": [], "hidden": [], "imported": []}


def _clean(doc: Any) -> dict[str, Any]:
    """Keep what is well-formed; a hand-edited file must not break the listing."""
    out = empty()
    if not isinstance(doc, dict):
        return out
    seen: set[str] = set()
    for item in doc.get("favorites") or []:
        if not isinstance(item, dict):
            continue
        fid, path, name = item.get("id"), item.get("path"), item.get("name")
        if isinstance(fid, str) and isinstance(path, str) and path and fid not in seen:
            seen.add(fid)
            out["favorites"].append({"id": fid, "path": path, "name": name if isinstance(name, str) else ""})
    out["hidden"] = [h for h in doc.get("hidden") or [] if isinstance(h, str)]
    out["imported"] = [s for s in doc.get("imported") or [] if isinstance(s, str)]
    return out


class FavoritesStore:
    def __init__(self, path: str):
        # valid JSON that is not an object is not ours: set aside like unparsable text
        self.json = JsonStore(path, empty, is_valid=lambda doc: isinstance(doc, dict))

    @property
    def corrupt_backup(self):
        return self.json.corrupt_backup

    def read(self) -> dict[str, Any]:
        return _clean(self.json.read())

    def _change(self, fn: Callable[[dict[str, Any]], Any]) -> Any:
        def apply(doc: Any) -> Any:
            clean = _clean(doc)
            result = fn(clean)
            doc.clear()  # JsonStore writes the object it handed us
            doc.update(clean)
            return result

        return self.json.update(apply)

    def add(
        self, path: str, name: str, key: Callable[[str], str], reserved: Iterable[str] = (), limit: int | None = None
    ) -> dict[str, str]:
        """Append a favorite; Conflict when one with the same target exists already, TooLarge beyond ``limit``."""
        new_key = key(path)

        def op(doc):
            taken = set(reserved) | {key(item["path"]) for item in doc["favorites"]}
            if new_key in taken:
                raise errors.Conflict(f"'{path}' is already a favorite.")
            if limit is not None and len(doc["favorites"]) >= limit:
                raise errors.TooLarge(f"You have {len(doc['favorites'])} favorites, this server's limit; remove some.")
            item = {"id": uuid.uuid4().hex[:12], "path": path, "name": name}
            doc["favorites"].append(item)
            return dict(item)

        return self._change(op)

    def add_many(
        self,
        source: str,
        items: list[tuple[str, str]],
        key: Callable[[str], str],
        reserved: Iterable[str] = (),
        limit: int | None = None,
    ) -> int:
        """Import once per source; returns how many favorites were added (0 if already imported).

        TooLarge (nothing added) when the user would have more than ``limit`` favorites."""

        def op(doc):
            if source in doc["imported"]:
                return 0
            doc["imported"].append(source)
            taken = set(reserved) | {key(item["path"]) for item in doc["favorites"]}
            added = 0
            for path, name in items:
                k = key(path)
                if k in taken:
                    continue
                taken.add(k)
                doc["favorites"].append({"id": uuid.uuid4().hex[:12], "path": path, "name": name})
                added += 1
            if limit is not None and added and len(doc["favorites"]) > limit:
                raise errors.TooLarge(
                    f"Importing {added} favorites would make {len(doc['favorites'])}, more than this server's "
                    f"limit of {limit}; remove some first."
                )
            return added

        return self._change(op)

    def _find(self, doc: dict[str, Any], fid: str) -> int:
        for index, item in enumerate(doc["favorites"]):
            if item["id"] == fid:
                return index
        raise errors.NotFound(f"No favorite with id '{fid}'.")

    def update(self, fid: str, name: str | None = None, index: int | None = None) -> dict[str, str]:
        def op(doc):
            at = self._find(doc, fid)
            item = doc["favorites"][at]
            if name is not None:
                item["name"] = name
            if index is not None:
                doc["favorites"].pop(at)
                doc["favorites"].insert(min(index, len(doc["favorites"])), item)
            return dict(item)

        return self._change(op)

    def remove(self, fid: str) -> None:
        def op(doc):
            doc["favorites"].pop(self._find(doc, fid))

        self._change(op)

    def set_hidden(self, fid: str, hidden: bool) -> None:
        def op(doc):
            if hidden and fid not in doc["hidden"]:
                doc["hidden"].append(fid)
            elif not hidden and fid in doc["hidden"]:
                doc["hidden"].remove(fid)

        self._change(op)
