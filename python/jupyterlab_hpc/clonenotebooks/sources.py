"""Notebook sources: shared directories and shallow git checkouts, each with an index cache."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import errors
from ..safefile import read_regular
from ..validate import check_path_text, has_control_chars, parse_json, redact_url
from .git import GIT_PROTOCOLS, GitFailed, check_site_url, check_user_url, run_git
from .metadata import NOT_A_NOTEBOOK, describe, notebook_problem

log = logging.getLogger("jupyterlab_hpc")

MANIFEST = "gallery.json"
SKIP_DIRS = {".ipynb_checkpoints", "__pycache__", "node_modules"}


class SourceError(errors.Unavailable):
    """A source cannot be listed right now (missing directory, failed fetch...)."""


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class DirectorySource:
    """A directory searched recursively for notebooks.

    The index maps each notebook to the (mtime, size) it was read at, so a new
    listing only opens notebooks that changed; ``reads`` counts the opens.
    """

    type = "directory"

    def __init__(self, spec: dict[str, Any], *, max_size: int, user: bool = False):
        self.spec = spec
        self.id = str(spec["id"])
        self.name = str(spec.get("name") or self.id)
        self.kernel = spec.get("kernel") if isinstance(spec.get("kernel"), str) else None
        self.user = user
        self.max_size = max_size
        self.reads = 0
        self.max_entries = 200_000
        #: set when the last scan stopped at ``max_entries``
        self.warning: str | None = None
        self._index: dict[str, tuple[int, int, dict[str, Any]]] = {}
        self._manifest: tuple[int, dict[str, dict[str, Any]]] = (-1, {})
        self._listing: list[tuple[dict[str, Any], str]] = []
        self._signature: tuple[Any, ...] | None = None
        self._lock = threading.Lock()

    # -- where the notebooks are ------------------------------------------------
    @property
    def root(self) -> Path:
        return Path(os.path.expanduser(str(self.spec.get("path", "")))).resolve()

    def public(self) -> dict[str, Any]:
        info = {"id": self.id, "name": self.name, "type": self.type, "user": self.user}
        if self.user:
            info["path"] = str(self.spec.get("path", ""))
        return info

    def status(self) -> dict[str, Any]:
        info = self.public()
        try:
            self.prepare()
            self._check_root()
            info["available"] = True
            if self.warning:
                info["error"] = self.warning
        except SourceError as error:
            info["available"] = False
            info["error"] = str(error)
        return info

    def prepare(self, force: bool = False) -> None:
        """Bring the source up to date (git sources fetch here)."""

    def _check_root(self) -> Path:
        root = self.root
        if not root.is_dir():
            raise SourceError(f"The directory {root} does not exist or is not a directory.")
        if not os.access(root, os.R_OK | os.X_OK):
            raise SourceError(f"The directory {root} is not readable.")
        return root

    def resolve(self, path: str) -> Path:
        """Disk path of a notebook of this source: 403 outside it (also via symlinks), 404 missing."""
        check_path_text(path)
        if path.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", path):
            raise errors.Forbidden(f"'{path}' must be a path relative to the source '{self.id}'.")
        self.prepare()
        root = self._check_root()
        disk = (root / path).resolve()
        if root not in disk.parents:
            raise errors.Forbidden(f"'{path}' is outside the source '{self.id}'.")
        if not disk.is_file():
            raise errors.NotFound(f"No notebook '{path}' in the source '{self.id}'.")
        return disk

    # -- listing ---------------------------------------------------------------------
    def notebooks(self) -> list[dict[str, Any]]:
        """The cards of this source, sorted by title (shared objects: callers must not modify them)."""
        return [entry for entry, _text in self.listing()]

    def listing(self) -> list[tuple[dict[str, Any], str]]:
        """Each card with its JSON text, rebuilt only when a notebook, the manifest or the version changed."""
        self.prepare()
        with self._lock:
            root = self._check_root()
            manifest = self._read_manifest(root)
            found: dict[str, tuple[int, int, dict[str, Any]]] = {}
            changed = False
            index = self._index
            for rel, stat in self._scan(root):
                cached = index.get(rel)
                if cached and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
                    found[rel] = cached
                else:
                    found[rel] = (stat.st_mtime_ns, stat.st_size, self._read(root / rel, rel, stat))
                    changed = True
            signature = (self._manifest[0], self.version_token())
            if not changed and len(found) == len(index) and signature == self._signature:
                return self._listing
            self._index = found
            result = []
            for rel, (_mtime, _size, info) in found.items():
                entry = {k: v for k, v in info.items() if k != "mtime_ns"}
                extra = manifest.get(rel)
                if extra:
                    self._apply_manifest(entry, extra)
                entry["version"] = self.version_of(rel, info)
                result.append(entry)
            result.sort(key=lambda e: (e["title"].lower(), e["path"]))
            # Serialized once: a listing of thousands of cards is mostly this text.
            self._listing = [(entry, json.dumps(entry)) for entry in result]
            self._signature = signature
            return self._listing

    def version_token(self) -> str | None:
        """Changes whenever the versions of the notebooks may have changed without their mtimes."""
        return None

    def _scan(self, root: Path):
        """(relative path, stat) of every notebook; hidden and checkpoint folders skipped."""
        prefix = len(str(root)) + 1
        stack = [str(root)]
        seen = 0
        self.warning = None
        while stack:
            folder = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            seen += len(entries)
            if seen > self.max_entries:
                self.warning = (
                    f"Only part of {root} is listed: it holds more than {self.max_entries} files and folders."
                )
                return
            for entry in entries:
                name = entry.name
                if name.startswith(".") or name in SKIP_DIRS:
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif name.endswith(".ipynb"):
                        if entry.is_symlink() and root not in Path(entry.path).resolve().parents:
                            continue  # a link out of the source is not part of it
                        info = entry.stat()
                        if not stat.S_ISREG(info.st_mode):
                            continue  # a named pipe or a device called x.ipynb is not a notebook
                        rel = entry.path[prefix:]
                        yield (rel if os.sep == "/" else rel.replace(os.sep, "/")), info
                except OSError:
                    continue

    def _read(self, disk: Path, rel: str, stat: os.stat_result) -> dict[str, Any]:
        info: dict[str, Any] = {
            "source": self.id,
            "path": rel,
            "size": stat.st_size,
            "modified": iso(stat.st_mtime),
            "mtime_ns": stat.st_mtime_ns,
        }
        stem = Path(rel).stem
        limit = f"{self.max_size / 1e6:.1f} MB"
        if stat.st_size > self.max_size:
            info.update(describe({}, stem), error=f"Larger than the gallery's size limit ({limit}).")
            return info
        self.reads += 1
        # A card says in plain words that the file cannot be used; the details are on demand.
        try:
            # O_NONBLOCK and a regular-file check: replaced by a named pipe since the scan, it must not hang
            nb = parse_json(read_regular(disk, self.max_size))
        except errors.TooLarge as error:
            info.update(describe({}, stem), error=f"Larger than the gallery's size limit ({limit}).")
            info["error_detail"] = str(error)
            return info
        except OSError as error:
            info.update(describe({}, stem), error="This file cannot be read.", error_detail=str(error))
            return info
        except ValueError as error:
            info.update(describe({}, stem), error=NOT_A_NOTEBOOK, error_detail=f"Not valid JSON: {error}")
            return info
        problem = notebook_problem(nb)
        if problem:
            info.update(describe(nb if isinstance(nb, dict) else {}, stem), error=NOT_A_NOTEBOOK, error_detail=problem)
            return info
        info.update(describe(nb, stem))
        return info

    def _read_manifest(self, root: Path) -> dict[str, dict[str, Any]]:
        path = root / MANIFEST
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            self._manifest = (-1, {})
            return {}
        if mtime == self._manifest[0]:
            return self._manifest[1]
        entries: dict[str, dict[str, Any]] = {}
        try:
            data = parse_json(read_regular(path, self.max_size, what=f"The manifest {MANIFEST}").decode("utf-8"))
        except (OSError, ValueError, errors.TooLarge) as error:
            log.warning("jupyterlab-hpc gallery: ignoring the manifest of %s: %s", self.id, error)
            data = {}
        notebooks = data.get("notebooks", {}) if isinstance(data, dict) else {}
        if isinstance(notebooks, list):  # [{"path": ..., ...}] or {"path": {...}}
            notebooks = {n.get("path"): n for n in notebooks if isinstance(n, dict)}
        for key, value in notebooks.items():
            if isinstance(key, str) and isinstance(value, dict):
                entries[key.lstrip("./")] = value
        self._manifest = (mtime, entries)
        return entries

    @staticmethod
    def _apply_manifest(entry: dict[str, Any], extra: dict[str, Any]) -> None:
        for key in ("title", "description"):
            if isinstance(extra.get(key), str):
                entry[key] = extra[key]
        for key in ("tags", "data"):
            value = extra.get(key)
            if isinstance(value, list):
                entry[key] = [v for v in value if isinstance(v, str)]

    def declared_data(self, rel: str, nb: dict[str, Any]) -> list[str]:
        """Data files to copy with a notebook: from the manifest, else from its own metadata."""
        with self._lock:
            extra = self._read_manifest(self._check_root()).get(rel) or {}
        if isinstance(extra.get("data"), list):
            return [v for v in extra["data"] if isinstance(v, str)]
        return describe(nb, rel)["data"]

    # -- provenance ------------------------------------------------------------------
    def version_of(self, rel: str, info: dict[str, Any]) -> str:
        return f"mtime:{info['mtime_ns']}"

    def provenance(self, rel: str, disk: Path) -> dict[str, Any]:
        stat = disk.stat()
        return {"mtime": iso(stat.st_mtime), "version": f"mtime:{stat.st_mtime_ns}"}


class GitSource(DirectorySource):
    """A shallow checkout of one branch of a git repository, fetched with the ``git`` command."""

    type = "git"

    def __init__(
        self,
        spec: dict[str, Any],
        *,
        max_size: int,
        cache_dir: Path,
        interval: float,
        timeout: float,
        protocols: tuple[str, ...] = GIT_PROTOCOLS,
        user: bool = False,
    ):
        super().__init__(spec, max_size=max_size, user=user)
        self.url = str(spec.get("url", ""))
        #: what users see and logs hold: never the password or token of the URL
        self.shown_url = redact_url(self.url)
        self.protocols = protocols
        self.ref = str(spec.get("ref") or "main")
        self.subdir = str(spec.get("subdir") or "").strip("/")
        key = hashlib.sha1(f"{self.url}\n{self.ref}".encode()).hexdigest()[:12]  # noqa: S324 (a name, not security)
        self.checkout = cache_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', self.id)}-{key}"
        self.interval = interval
        self.timeout = timeout
        self.commit: str | None = None
        self.blobs: dict[str, str] = {}
        self.error: str | None = None
        self._fetched_at = 0.0
        self._failed_at = 0.0
        self._git_lock = threading.Lock()

    @property
    def root(self) -> Path:
        checkout = self.checkout.resolve()
        root = (checkout / self.subdir).resolve() if self.subdir else checkout
        if root != checkout and checkout not in root.parents:
            raise SourceError(f"The subdir '{self.subdir}' is outside the repository.")
        return root

    def public(self) -> dict[str, Any]:
        info = super().public()
        info.update(url=self.shown_url, ref=self.ref, commit=self.commit)
        return info

    def status(self) -> dict[str, Any]:
        info = super().status()
        if self.error:
            info["error"] = self.error
        return info

    def _git(self, *args: str, cwd: Path | None = None) -> str:
        what = f"{self.shown_url} ({self.ref})"
        try:
            return run_git(list(args), cwd=cwd, timeout=self.timeout, protocols=self.protocols, what=what)
        except GitFailed as error:
            raise SourceError(str(error)) from None

    def prepare(self, force: bool = False) -> None:
        with self._git_lock:
            now = time.monotonic()
            have = (self.checkout / ".git").is_dir()
            if have and not force and self._fetched_at and now - self._fetched_at < self.interval:
                return
            if not force and self._failed_at and now - self._failed_at < min(self.interval, 60.0):
                if have:
                    return
                raise SourceError(self.error or "The repository could not be fetched.")
            try:
                if have:
                    self._git("fetch", "--depth", "1", "origin", self.ref, cwd=self.checkout)
                    self._git("reset", "--hard", "--quiet", "FETCH_HEAD", cwd=self.checkout)
                else:
                    self._clone()
                self._read_commit()
                self._fetched_at = now
                self._failed_at = 0.0
                self.error = None
            except SourceError as error:
                self._failed_at = now
                self.error = str(error)
                if not have:
                    raise
                # keep listing the previous checkout; the source shows the error

    def _clone(self) -> None:
        self.checkout.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".clone-", dir=self.checkout.parent))
        try:
            self._git("clone", "--quiet", "--depth", "1", "--branch", self.ref, "--", self.url, str(tmp / "repo"))
            if self.checkout.exists():
                shutil.rmtree(self.checkout)
            os.replace(tmp / "repo", self.checkout)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _read_commit(self) -> None:
        self.commit = self._git("rev-parse", "HEAD", cwd=self.checkout).strip()
        blobs = {}
        for line in self._git("ls-tree", "-r", "-z", "HEAD", cwd=self.checkout).split("\0"):
            if "\t" in line:
                meta, path = line.split("\t", 1)
                blobs[path] = meta.split()[2]
        self.blobs = blobs

    def version_token(self) -> str | None:
        return self.commit

    def _repo_path(self, rel: str) -> str:
        return f"{self.subdir}/{rel}" if self.subdir else rel

    def version_of(self, rel: str, info: dict[str, Any]) -> str:
        blob = self.blobs.get(self._repo_path(rel))
        return f"git:{blob}" if blob else f"mtime:{info['mtime_ns']}"

    def provenance(self, rel: str, disk: Path) -> dict[str, Any]:
        blob = self.blobs.get(self._repo_path(rel))
        return {
            "url": self.shown_url,
            "ref": self.ref,
            "commit": self.commit,
            "blob": blob,
            "version": f"git:{blob}" if blob else f"mtime:{disk.stat().st_mtime_ns}",
        }


def check_spec(spec: Any, allowed_schemes: list[str] | None = None) -> None:
    """Refuse an unusable source definition: InvalidInput, or Forbidden for a git URL scheme not allowed.

    ``allowed_schemes`` is given for the sources users add: their git URLs must then be in the
    strict form :func:`.git.check_user_url` accepts; the site's own URLs may take any form git reads.
    """
    if not isinstance(spec, dict) or not isinstance(spec.get("id"), str) or not spec["id"]:
        raise errors.InvalidInput("a source needs a non-empty string 'id'")
    kind = spec.get("type", "directory")
    if kind == "directory":
        if not isinstance(spec.get("path"), str) or not spec["path"]:
            raise errors.InvalidInput("a directory source needs a 'path'")
        return
    if kind == "git":
        url = spec.get("url")
        if not isinstance(url, str) or not url or url.startswith("-"):
            raise errors.InvalidInput("a git source needs a 'url'")
        ref = spec.get("ref", "main")
        if not isinstance(ref, str) or ref.startswith("-") or has_control_chars(ref):
            raise errors.InvalidInput("a git source's 'ref' must be a branch or tag name")
        if allowed_schemes is None:
            check_site_url(url)
        else:
            check_user_url(url, allowed_schemes)
        return
    raise errors.InvalidInput(f"unknown source type '{kind}'")


def spec_problem(spec: Any, allowed_schemes: list[str] | None = None) -> str | None:
    """Why a source definition is unusable, or None."""
    try:
        check_spec(spec, allowed_schemes)
    except errors.HpcError as error:
        return str(error)
    return None
