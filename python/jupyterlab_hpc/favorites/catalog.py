"""All of a user's favorites: the site's, their groups', and their own, resolved.

The handlers call this; it knows the configuration, the store and the root.
"""

from __future__ import annotations

import grp
import hashlib
import logging
import os
import posixpath
from collections.abc import Callable
from typing import Any

from .. import errors
from ..validate import RootPaths, check_path_text, require_str
from .config import Favorites
from .legacy import SOURCE as LEGACY_SOURCE
from .legacy import read_legacy
from .resolve import Walk, disk_path, duplicate_key, has_variables, resolve, variables_of
from .store import FavoritesStore

log = logging.getLogger("jupyterlab_hpc")

MAX_NAME_LENGTH = 255


def unix_groups() -> list[str]:
    """Names of the server user's Unix groups, primary group first."""
    names: list[str] = []
    for gid in [os.getgid(), *os.getgroups()]:
        try:
            name = grp.getgrgid(gid).gr_name
        except KeyError:
            continue
        if name not in names:
            names.append(name)
    return names


def _default_name(path: str) -> str:
    base = posixpath.basename(path.rstrip("/"))
    return base or path


class Catalog:
    def __init__(self, config: Favorites, root_dir: str, groups: Callable[[], list[str]] = unix_groups):
        self.config = config
        self.roots = RootPaths(root_dir)
        self.store = FavoritesStore(config.store_path)
        self.groups = groups
        # what favorites may expand: the site's list, and whatever the site's own favorites use
        site_paths = [s.get("path") for s in config.site_favorites if isinstance(s, dict)]
        site_paths += self._templates()
        self.variables = frozenset(config.expand_variables) | {
            name for path in site_paths if isinstance(path, str) for name in variables_of(path)
        }

    def _templates(self) -> list[str]:
        templates = self.config.group_favorites
        return [templates] if isinstance(templates, str) else list(templates)

    # -- the site's favorites ------------------------------------------------
    def site_entries(self) -> list[dict[str, str]]:
        entries: list[dict[str, str]] = []
        for spec in self.config.site_favorites:
            path = spec.get("path") if isinstance(spec, dict) else None
            if not isinstance(path, str) or not path.strip():
                log.warning("jupyterlab-hpc: ignoring site favorite without a path: %r", spec)
                continue
            name = spec.get("name") if isinstance(spec.get("name"), str) else _default_name(path)
            fid = "site-" + hashlib.sha1(path.encode(), usedforsecurity=False).hexdigest()[:12]
            entries.append({"id": fid, "path": path, "name": name, "source": "site"})
        for template in filter(None, self._templates()):
            for group in self.groups():
                path = template.replace("{group}", group)
                target, _ = disk_path(path, self.roots, allowed=self.variables)
                # Only the projects the user really has: no greyed list of every group.
                if target is None or not target.is_dir():
                    continue
                fid = "group-" + hashlib.sha1(path.encode(), usedforsecurity=False).hexdigest()[:12]
                entries.append({"id": fid, "path": path, "name": group, "source": "group"})
        return entries

    def _key(self, path: str) -> str:
        return duplicate_key(path, self.roots, allowed=self.variables)

    # -- the API -------------------------------------------------------------
    def list(self) -> dict[str, Any]:
        doc = self.store.read()
        hidden = set(doc["hidden"])
        entries = [dict(e, hidden=e["id"] in hidden) for e in self.site_entries()]
        entries += [dict(item, source="user", hidden=False) for item in doc["favorites"]]
        walk = Walk(str(self.roots.root))  # shared by the favorites of this listing
        favorites = [self._describe(entry, walk) for entry in entries]
        answer: dict[str, Any] = {
            "favorites": favorites,
            "store_error": None,
            # the UI then asks for the one-time import (a POST: GET changes nothing)
            "legacy_import": LEGACY_SOURCE not in doc["imported"] and self._legacy() is not None,
        }
        backup = self.store.corrupt_backup
        if backup is not None:
            answer["store_error"] = {
                "message": (
                    "Your favorites file was damaged. It was kept as "
                    f"{backup} and you start again from the site's defaults."
                ),
                "backup": str(backup),
            }
        return answer

    def _describe(self, entry: dict[str, Any], walk: Walk | None = None) -> dict[str, Any]:
        where = resolve(entry["path"], self.roots, walk=walk, allowed=self.variables)
        return {
            "id": entry["id"],
            "path": entry["path"],
            "resolved": where.resolved,
            "name": entry["name"] or _default_name(entry["path"]),
            "type": where.type,
            "exists": where.exists,
            "reason": where.reason,
            "source": entry["source"],
            "hidden": entry["hidden"],
        }

    def add(self, body: dict[str, Any]) -> dict[str, Any]:
        path = check_path_text(require_str(body, "path"))
        name = require_str(body, "name", optional=True, max_length=MAX_NAME_LENGTH)
        path = self._checked_path(path)
        item = self.store.add(
            path,
            (name or "").strip() or _default_name(path),
            self._key,
            reserved=[self._key(e["path"]) for e in self.site_entries()],
            limit=self.config.max_favorites,
        )
        return self._describe(dict(item, source="user", hidden=False))

    def _checked_path(self, path: str) -> str:
        """Refuse what can never work; keep ``$VARS`` as written (they are expanded at listing)."""
        where = resolve(path, self.roots, allowed=self.variables)
        if has_variables(path) or path.startswith("~"):
            if where.outside:
                raise errors.Forbidden(where.reason)
            return path
        if where.resolved is None:
            raise errors.Forbidden(f"'{path}' is outside Jupyter's root directory.")
        if not where.exists:
            raise errors.NotFound(f"'{path}' does not exist.")
        # Keep the path as the user sees it (symlinks unresolved), tidied.
        return path if os.path.isabs(path) else posixpath.normpath(path.lstrip("/"))

    def _legacy(self) -> list[dict[str, str]] | None:
        return read_legacy(self.config.legacy_settings_path)

    def import_many(self, body: dict[str, Any]) -> dict[str, Any]:
        source = require_str(body, "source", max_length=MAX_NAME_LENGTH)
        raw = body.get("favorites")
        if raw is None and source == LEGACY_SOURCE:
            raw = self._legacy() or []
        if not isinstance(raw, list):
            raise errors.InvalidInput("Field 'favorites' must be a list.")
        if len(raw) > self.config.max_import:
            raise errors.TooLarge(
                f"An import may carry at most {self.config.max_import} favorites; this one has {len(raw)}."
            )
        items: list[tuple[str, str]] = []
        for entry in raw:
            if not isinstance(entry, dict):
                raise errors.InvalidInput("Each imported favorite must be an object with a 'path'.")
            path = check_path_text(require_str(entry, "path"))
            name = require_str(entry, "name", optional=True, max_length=MAX_NAME_LENGTH)
            items.append((path, (name or "").strip() or _default_name(path)))
        added = self.store.add_many(
            source,
            items,
            self._key,
            reserved=[self._key(e["path"]) for e in self.site_entries()],
            limit=self.config.max_favorites,
        )
        return {"source": source, "added": added}

    def _site_entry(self, fid: str) -> dict[str, str] | None:
        return next((e for e in self.site_entries() if e["id"] == fid), None)

    def patch(self, fid: str, body: dict[str, Any]) -> dict[str, Any]:
        if not body:
            raise errors.InvalidInput("Nothing to change: send 'name', 'index' or 'hidden'.")
        unknown = set(body) - {"name", "index", "hidden"}
        if unknown:
            raise errors.InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
        name = require_str(body, "name", optional=True, max_length=MAX_NAME_LENGTH)
        if name is not None and not name.strip():
            raise errors.InvalidInput("Field 'name' must not be empty.")
        index = body.get("index")
        if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
            raise errors.InvalidInput("Field 'index' must be a non-negative integer.")
        hidden = body.get("hidden")
        if hidden is not None and not isinstance(hidden, bool):
            raise errors.InvalidInput("Field 'hidden' must be true or false.")

        site = self._site_entry(fid)
        if site is not None:
            if name is not None or index is not None:
                raise errors.InvalidInput("Site favorites cannot be renamed or moved; hide them instead.")
            if hidden is not None:
                self.store.set_hidden(fid, hidden)
            return self._describe(dict(site, hidden=bool(hidden)))
        if hidden is not None:
            raise errors.InvalidInput("Only site favorites can be hidden; remove your own instead.")
        item = self.store.update(fid, name=name.strip() if name else None, index=index)
        return self._describe(dict(item, source="user", hidden=False))

    def delete(self, fid: str) -> None:
        if self._site_entry(fid) is not None:
            raise errors.InvalidInput("Site favorites cannot be removed; hide them instead.")
        self.store.remove(fid)
