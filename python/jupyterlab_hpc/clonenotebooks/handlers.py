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

from ..base import HpcHandler, add_feature_handlers
from ..jsonstore import JsonStore
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
            raise web.HTTPError(400, f"Missing query parameter '{name}'.")
        return value


class StatusHandler(CloneHandler):
    @web.authenticated
    @authorized
    def get(self):
        sources = [s.public() for s in self.registry.all()]
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
        sources = self.registry.all()
        self.reply(await asyncio.gather(*(asyncio.to_thread(s.status) for s in sources)))

    @web.authenticated
    @authorized
    async def post(self):
        source = self.registry.add_user(self.json_body())
        self.reply(await asyncio.to_thread(source.status), 201)

    @web.authenticated
    @authorized
    def delete(self):
        self.registry.remove_user(self.query("id"))
        self.set_status(204)
        self.finish()


class RefreshHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        wanted = require_str(body, "source", optional=True)
        sources = [self.registry.get(wanted)] if wanted else self.registry.all()

        def refresh(source):
            try:
                source.prepare(force=True)
            except SourceError:
                pass  # reported in the status below
            return source.status()

        self.reply(await asyncio.gather(*(asyncio.to_thread(refresh, s) for s in sources)))


class NotebooksHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def get(self):
        wanted = self.get_query_argument("source", None)
        sources = [self.registry.get(wanted)] if wanted else self.registry.all()
        words = (self.get_query_argument("q", "") or "").lower().split()

        def listing(source):
            try:
                entries = source.listing()
                return entries, ({"source": source.id, "message": source.warning} if source.warning else None)
            except SourceError as error:
                return [], {"source": source.id, "message": str(error)}

        results = await asyncio.gather(*(asyncio.to_thread(listing, s) for s in sources))
        cards, errors = [], []
        for entries, error in results:
            if error:
                errors.append(error)
            cards.extend(item for item in entries if not words or matches(item[0], words))
        # The cards' JSON is cached by the sources; only the per-user clone fields are added here.
        parts = []
        for (_entry, text), (clones, update) in zip(cards, self.cloner.annotations([c[0] for c in cards]), strict=True):
            parts.append(f'{text[:-1]}, "clones": {json.dumps(clones)}, "update_available": {json.dumps(update)}}}')
        self.set_header("Content-Type", "application/json")
        self.finish(f'{{"notebooks": [{", ".join(parts)}], "errors": {json.dumps(errors)}}}')


class PreviewHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def get(self):
        source, path = self.registry.get(self.query("source")), self.query("path")
        # resolve() stats the file system too: keep it off the event loop
        self.reply(await asyncio.to_thread(lambda: read_notebook(source.resolve(path), source.max_size)))


class ParametersHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def get(self):
        source = self.registry.get(self.query("source"))
        path = self.query("path")

        def load():
            nb = read_notebook(source.resolve(path), source.max_size)
            kernel = self.cloner.kernelspec(source.kernel)
            if kernel:
                nb.metadata["kernelspec"] = kernel
            return {"parameters": parameters_of(nb), "kernel": (nb.metadata.get("kernelspec") or {}).get("name")}

        self.reply(await asyncio.to_thread(load))


class CloneNotebookHandler(CloneHandler):
    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        source = self.registry.get(require_str(body, "source"))
        path = require_str(body, "path")
        target_dir = require_str(body, "target_dir", optional=True)
        result = await asyncio.to_thread(self.cloner.clone, source, path, target_dir, body.get("parameters"))
        self.reply(result, 201)


class LinkHandler(JupyterHandler):
    """``link?source=&path=``: opens JupyterLab, which asks the user to confirm the clone.

    A page handler (not an API one) so that a logged-out user goes through the login page and back.
    """

    auth_resource = "hpc_clonenotebooks"

    def initialize(self, registry: SourceRegistry):
        self.registry = registry

    @web.authenticated
    @authorized
    def get(self):
        source_id = self.get_query_argument("source", "")
        path = self.get_query_argument("path", "")
        if not source_id or not path:
            raise web.HTTPError(400, "A gallery link needs 'source' and 'path'.")
        if source_id not in {s.id for s in self.registry.all() if not s.user}:
            raise web.HTTPError(404, f"Unknown notebook source '{source_id}'.")
        source = self.registry.get(source_id)
        try:
            source.prepare()
        except SourceError as error:
            raise web.HTTPError(503, str(error)) from None
        disk: Path = source.resolve(path)
        if not disk.name.endswith(".ipynb"):
            raise web.HTTPError(422, f"'{path}' is not a notebook.")
        query = urlencode({"hpc-clone-source": source_id, "hpc-clone-path": path})
        self.redirect(url_path_join(self.base_url, "lab") + "?" + query)


def setup_handlers(serverapp, config):
    registry = SourceRegistry(config)
    records = JsonStore(Path(config.data_dir) / "clones.json", dict)
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
            ("clone", CloneNotebookHandler, kwargs),
            ("link", LinkHandler, {"registry": registry}),
        ],
    )
