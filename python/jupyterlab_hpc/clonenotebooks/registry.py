"""The sources a user sees: the site's (traitlets) and the ones the user added (a JSON store)."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from pathlib import Path
from typing import Any

from .. import errors
from ..jsonstore import JsonStore
from .git import GIT_PROTOCOLS
from .sources import DirectorySource, GitSource, check_spec, spec_problem

log = logging.getLogger("jupyterlab_hpc")


class SourceRegistry:
    """Builds source objects once and keeps them (with their index caches) while their definition holds."""

    def __init__(self, config: Any):
        self.config = config
        self.data_dir = Path(config.data_dir)
        self.user_store = JsonStore(self.data_dir / "user-sources.json", list, is_valid=lambda d: isinstance(d, list))
        self._objects: dict[str, tuple[str, DirectorySource]] = {}
        self._lock = threading.Lock()
        self.config_errors: list[str] = []

    def _make(self, spec: dict[str, Any], user: bool) -> DirectorySource:
        key = json.dumps(spec, sort_keys=True) + str(user)
        with self._lock:
            known = self._objects.get(spec["id"])
            if known and known[0] == key:
                return known[1]
            if spec.get("type", "directory") == "git":
                source: DirectorySource = GitSource(
                    spec,
                    max_size=self.config.max_notebook_size,
                    cache_dir=self.data_dir / "git",
                    interval=self.config.git_refresh_interval,
                    timeout=self.config.git_timeout,
                    protocols=self.protocols(user),
                    user=user,
                )
            else:
                source = DirectorySource(spec, max_size=self.config.max_notebook_size, user=user)
            source.max_entries = self.config.max_scan_entries
            self._objects[spec["id"]] = (key, source)
            return source

    def protocols(self, user: bool) -> tuple[str, ...]:
        """What git may speak for a source: the site's git_protocols; for users' sources, only those
        of them the site lets users add (allowed_remote_schemes)."""
        site = tuple(p for p in self.config.git_protocols if p in GIT_PROTOCOLS)
        return tuple(p for p in site if p in self.config.allowed_remote_schemes) if user else site

    def _user_specs(self) -> list[dict[str, Any]]:
        data = self.user_store.read()
        return [s for s in data if isinstance(s, dict)] if isinstance(data, list) else []

    def all(self) -> list[DirectorySource]:
        result, seen, errors = [], set(), []
        for spec in self.config.sources:
            problem = spec_problem(spec)
            if problem or spec["id"] in seen:
                errors.append(f"Ignored a configured source: {problem or 'duplicate id ' + spec['id']}.")
                continue
            seen.add(spec["id"])
            result.append(self._make(spec, user=False))
        if self.config.allow_user_sources:
            for spec in self._user_specs():
                if spec_problem(spec, self.config.allowed_remote_schemes) or spec["id"] in seen:
                    continue
                seen.add(spec["id"])
                result.append(self._make(spec, user=True))
        if errors != self.config_errors:
            for error in errors:
                log.warning("jupyterlab-hpc gallery: %s", error)
        self.config_errors = errors
        return result

    def get(self, source_id: str) -> DirectorySource:
        for source in self.all():
            if source.id == source_id:
                return source
        raise errors.NotFound(f"Unknown notebook source '{source_id}'.")

    def chosen(self, source_id: str | None) -> list[DirectorySource]:
        """The one source named, or all of them when none is."""
        return [self.get(source_id)] if source_id else self.all()

    # -- user sources ----------------------------------------------------------------
    def add_user(self, body: dict[str, Any]) -> DirectorySource:
        if not self.config.allow_user_sources:
            raise errors.Forbidden("Adding sources is disabled on this server.")
        kind = body.get("type", "directory")
        name = body.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise errors.InvalidInput("Give the source a name (up to 200 characters).")
        spec: dict[str, Any] = {"name": name.strip(), "type": kind}
        if kind == "directory":
            path = body.get("path")
            if not isinstance(path, str) or not path.strip() or "\x00" in path:
                raise errors.InvalidInput("Give the folder's path.")
            disk = Path(os.path.expanduser(path.strip()))
            if not disk.is_absolute():
                raise errors.InvalidInput("The folder's path must be absolute (for example /global/cfs/...).")
            if not disk.is_dir():
                raise errors.InvalidInput(f"{disk} is not a folder this server can read.")
            spec["path"] = str(disk)
        elif kind == "git":
            if not self.config.allowed_remote_schemes:
                raise errors.Forbidden("Adding git repositories is disabled on this server.")
            for key in ("url", "ref", "subdir"):
                if isinstance(body.get(key), str) and body[key].strip():
                    spec[key] = body[key].strip()
            try:
                check_spec({**spec, "id": "x"}, self.config.allowed_remote_schemes)
            except errors.HpcError as error:
                text = str(error)
                raise type(error)(text[0].upper() + text[1:] + ".") from None
        else:
            raise errors.InvalidInput(f"Unknown source type '{kind}'.")
        taken = {s["id"] for s in self.config.sources if isinstance(s, dict) and "id" in s}
        base = "user-" + (re.sub(r"[^a-z0-9]+", "-", spec["name"].lower()).strip("-") or "source")

        def add(data: Any) -> dict[str, Any]:
            if len(data) >= self.config.max_user_sources:
                raise errors.TooLarge(
                    f"You have added {len(data)} sources, the most this server keeps; remove one first."
                )
            ids = taken | {s.get("id") for s in data if isinstance(s, dict)}
            candidate, n = base, 1
            while candidate in ids:
                n += 1
                candidate = f"{base}-{n}"
            spec["id"] = candidate
            data.append(spec)
            return spec

        self.user_store.update(add)
        return self._make(spec, user=True)

    def remove_user(self, source_id: str) -> None:
        def remove(data: Any) -> bool:
            before = len(data)
            data[:] = [s for s in data if not (isinstance(s, dict) and s.get("id") == source_id)]
            return len(data) != before

        if not self.user_store.update(remove):
            raise errors.NotFound(f"No source '{source_id}' that you added.")
        with self._lock:
            self._objects.pop(source_id, None)
