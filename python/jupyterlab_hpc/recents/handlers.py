"""REST handlers of ``{base_url}hpc/recents``: thin, the logic is in ``store.py``."""

from __future__ import annotations

import json

from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.ioloop import IOLoop

from ..base import HpcHandler, add_feature_handlers
from ..validate import require_str
from .config import Recents
from .store import TYPES, RecentsStore

MAX_FACTORY_LENGTH = 200


class RecentsHandler(HpcHandler):
    auth_resource = "hpc_recents"
    config_obj: Recents
    store: RecentsStore

    async def reply_with_list(self, extra: dict | None = None) -> None:
        """Answer ``{**extra, "recents": [...]}``, the list existence-checked.

        The checks (one stat per entry) run off the event loop: a slow parallel
        file system must not stall the server's other requests. The entries
        come pre-encoded from the store; only the existence flags are new.
        """
        listing = await IOLoop.current().run_in_executor(None, self.store.listing_json)
        body = json.dumps(extra)[:-1] + ", " + listing[1:] if extra else listing
        self.set_header("Content-Type", "application/json")
        self.finish(body)


class StatusHandler(RecentsHandler):
    @web.authenticated
    @authorized
    def get(self):
        self.reply({"available": True, "store": self.config_obj.store_path, "max_entries": self.config_obj.max_entries})


class ListHandler(RecentsHandler):
    @web.authenticated
    @authorized
    async def get(self):
        await self.reply_with_list()

    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        path = self.store.api_path(require_str(body, "path"))
        type_ = body.get("type")
        if type_ not in TYPES:
            raise web.HTTPError(400, f"Field 'type' must be one of {', '.join(TYPES)}.")
        factory = require_str(body, "factory", optional=True, max_length=MAX_FACTORY_LENGTH)
        entry = self.store.record(path, type_, factory, self._max_length(body))
        await self.reply_with_list({"entry": entry})

    @web.authenticated
    @authorized
    async def patch(self):
        body = self.json_body()
        path = self.store.api_path(require_str(body, "path"))
        new_path = body.get("new_path")
        pinned = body.get("pinned")
        if new_path is None and pinned is None:
            raise web.HTTPError(400, "Nothing to change: give 'pinned' and/or 'new_path'.")
        if pinned is not None and not isinstance(pinned, bool):
            raise web.HTTPError(400, "Field 'pinned' must be true or false.")
        if new_path is not None:
            new_path = self.store.api_path(require_str(body, "new_path"), "new_path")
        answer: dict = {}
        if new_path is not None:
            answer["moved"] = self.store.rename(path, new_path)
            path = new_path
        if pinned is not None:
            entry = self.store.set_pinned(path, pinned)
            if entry is None:
                raise web.HTTPError(404, f"'{path}' is not in the recent list.")
            answer["entry"] = entry
        await self.reply_with_list(answer)

    @web.authenticated
    @authorized
    async def delete(self):
        path = self.get_query_argument("path", None)
        if path is not None:
            path = self.store.api_path(path)
            if not self.store.remove(path):
                raise web.HTTPError(404, f"'{path}' is not in the recent list.")
            removed = 1
        else:
            everything = self.get_query_argument("all", "false").lower()
            if everything not in ("true", "false", "1", "0"):
                raise web.HTTPError(400, "Query argument 'all' must be true or false.")
            removed = self.store.clear(include_pinned=everything in ("true", "1"))
        await self.reply_with_list({"removed": removed})

    def _max_length(self, body: dict) -> int:
        value = body.get("max_length")
        limit = self.config_obj.max_entries_limit
        if value is None:
            return min(self.config_obj.max_entries, limit)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
            raise web.HTTPError(400, f"Field 'max_length' must be a whole number from 1 to {limit}.")
        return value


def setup_handlers(serverapp, config: Recents):
    store = RecentsStore(config.store_path, serverapp.root_dir)
    kwargs = {"config_obj": config, "store": store}
    # "/?": ``hpc/recents`` and ``hpc/recents/`` alike (URLExt.join adds the
    # slash before a query string, as in ``DELETE hpc/recents/?path=...``).
    routes = [("status", StatusHandler, kwargs), ("?", ListHandler, kwargs)]
    add_feature_handlers(serverapp, "recents", routes)
