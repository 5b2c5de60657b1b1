"""REST handlers of ``{base_url}hpc/clone``: thin wrappers over the registry and the cloner."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlencode

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from .. import errors
from ..base import HpcHandler, add_feature_handlers, status_for
from ..jsonstore import JsonStore
from ..offload import blocking
from ..validate import require_str
from .clone import Cloner, parameters_of, read_notebook
from .registry import SourceRegistry
from .sources import SourceError


def matches(entry: dict, words: list[str]) -> bool:
    text = " ".join(
        [
            entry["title"],
            entry.get("description", ""),
            entry["path"],
            entry.get("kernel") or "",
            entry.get("language") or "",
            *entry.get("tags", []),
        ]
    ).lower()
    return all(word in text for word in words)


class CloneHandler(HpcHandler):
    auth_resource = "hpc_clonenotebooks"
    registry: SourceRegistry
    cloner: Cloner

    def query(self, name: str) -> str:
        value = self.get_query_argument(name, None)
        if value is None or not value.strip():
            raise errors.InvalidInput(f"Missing query parameter '{name}'.")
        return value


class StatusHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def get(self):
        sources = [s.public() for s in await blocking(self.registry.all)]
        self.reply(
            {
                "available": True,
                "sources": sources,
                "clone_dir": self.config_obj.clone_dir,
                "allow_user_sources": self.config_obj.allow_user_sources,
                "allowed_remote_schemes": self.config_obj.allowed_remote_schemes,
                "config_errors": self.registry.config_errors,
            }
        )


class SourcesHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def get(self):
        sources = await blocking(self.registry.all)
        self.reply(await asyncio.gather(*(blocking(s.status) for s in sources)))

    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        # checks the folder and writes the store: both may wait on a file system
        source = await blocking(self.registry.add_user, body)
        self.reply(await blocking(source.status), 201)

    @web.authenticated
    @authorized
    async def delete(self):
        await blocking(self.registry.remove_user, self.query("id"))
        self.set_status(204)
        self.finish()


class RefreshHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        wanted = require_str(body, "source", optional=True)
        sources = await blocking(self.registry.chosen, wanted)

        def refresh(source):
            try:
                source.prepare(force=True)
            except SourceError:
                pass  # reported in the status below
            return source.status()

        self.reply(await asyncio.gather(*(blocking(refresh, s) for s in sources)))


class NotebooksHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def get(self):
        wanted = self.get_query_argument("source", None)
        sources = await blocking(self.registry.chosen, wanted)
        words = (self.get_query_argument("q", "") or "").lower().split()

        def listing(source):
            try:
                entries = source.listing()
                return entries, ({"source": source.id, "message": source.warning} if source.warning else None)
            except SourceError as error:
                return [], {"source": source.id, "message": str(error)}

        results = await asyncio.gather(*(blocking(listing, s) for s in sources))
        cards, errors = [], []
        for entries, error in results:
            if error:
                errors.append(error)
            cards.extend(item for item in entries if not words or matches(item[0], words))
        # The cards' JSON is cached by the sources; only the per-user clone fields are added here.
        annotations = await blocking(self.cloner.annotations, [c[0] for c in cards])  # stats the clones
        parts = []
        for (_entry, text), (clones, update) in zip(cards, annotations, strict=True):
            parts.append(f'{text[:-1]}, "clones": {json.dumps(clones)}, "update_available": {json.dumps(update)}}}')
        self.set_header("Content-Type", "application/json")
        self.finish(f'{{"notebooks": [{", ".join(parts)}], "errors": {json.dumps(errors)}}}')


class PreviewHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def get(self):
        source_id, path = self.query("source"), self.query("path")

        def load():
            source = self.registry.get(source_id)
            return read_notebook(source.resolve(path), source.max_size)

        self.reply(await blocking(load))


class ParametersHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def get(self):
        source_id, path = self.query("source"), self.query("path")

        def load():
            source = self.registry.get(source_id)
            nb = read_notebook(source.resolve(path), source.max_size)
            kernel = self.cloner.kernelspec(source.kernel)
            if kernel:
                nb.metadata["kernelspec"] = kernel
            return {"parameters": parameters_of(nb), "kernel": (nb.metadata.get("kernelspec") or {}).get("name")}

        self.reply(await blocking(load))


class PlanHandler(CloneHandler):
    """``plan?source=&path=&target_dir=``: what the clone dialog offers before anything is written."""

    @web.authenticated
    @authorized
    async def get(self):
        source_id, path = self.query("source"), self.query("path")
        target_dir = self.get_query_argument("target_dir", None) or None

        def plan():
            return self.cloner.plan(self.registry.get(source_id), path, target_dir)

        self.reply(await blocking(plan))


class CloneNotebookHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        source_id = require_str(body, "source")
        path = require_str(body, "path")
        target_dir = require_str(body, "target_dir", optional=True)
        name = require_str(body, "name", optional=True)

        def clone():
            source = self.registry.get(source_id)
            return self.cloner.clone(source, path, target_dir, body.get("parameters"), name=name)

        self.reply(await blocking(clone), 201)


class LinkHandler(JupyterHandler):
    """``link?source=&path=``: opens JupyterLab, which asks the user to confirm the clone.

    A page handler (not an API one) so that a logged-out user goes through the login page and back.
    """

    auth_resource = "hpc_clonenotebooks"

    def initialize(self, registry: SourceRegistry):
        self.registry = registry

    @web.authenticated
    @authorized
    async def get(self):
        source_id = self.get_query_argument("source", "")
        path = self.get_query_argument("path", "")
        try:
            if not source_id or not path:
                raise errors.InvalidInput("A gallery link needs 'source' and 'path'.")
            # a stale git source fetches here (up to git_timeout): never on the event loop
            await blocking(self.check, source_id, path)
        except errors.HpcError as error:
            # a page handler: the domain error's status, from the one mapping
            raise web.HTTPError(status_for(error), str(error)) from None
        query = urlencode({"hpc-clone-source": source_id, "hpc-clone-path": path})
        self.redirect(url_path_join(self.base_url, "lab") + "?" + query)

    def check(self, source_id: str, path: str) -> None:
        """The link names a notebook of a site source (NotFound, Unavailable, Forbidden, InvalidNotebook)."""
        source = next((s for s in self.registry.all() if s.id == source_id and not s.user), None)
        if source is None:
            raise errors.NotFound(f"Unknown notebook source '{source_id}'.")
        source.prepare()
        disk: Path = source.resolve(path)
        if not disk.name.endswith(".ipynb"):
            raise errors.InvalidNotebook(f"'{path}' is not a notebook.")


def setup_handlers(serverapp, config):
    registry = SourceRegistry(config)
    records = JsonStore(Path(config.data_dir) / "clones.json", dict, is_valid=lambda d: isinstance(d, dict))
    cloner = Cloner(config, serverapp.root_dir, getattr(serverapp, "kernel_spec_manager", None), records)
    kwargs = {"config_obj": config, "registry": registry, "cloner": cloner}
    add_feature_handlers(
        serverapp,
        "clone",
        [
            ("status", StatusHandler, kwargs),
            ("sources", SourcesHandler, kwargs),
            ("refresh", RefreshHandler, kwargs),
            ("notebooks", NotebooksHandler, kwargs),
            ("preview", PreviewHandler, kwargs),
            ("parameters", ParametersHandler, kwargs),
            ("plan", PlanHandler, kwargs),
            ("clone", CloneNotebookHandler, kwargs),
            ("link", LinkHandler, {"registry": registry}),
        ],
        max_body_size=config.max_body_size,
    )
