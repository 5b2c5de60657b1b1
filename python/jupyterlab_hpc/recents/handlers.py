"""REST handlers of ``{base_url}hpc/recents``: thin, the logic is in ``store.py``.

Every verb's work (resolving paths, the locked write with its fsync, the
existence checks) runs through :func:`jupyterlab_hpc.offload.blocking`: a slow
parallel file system or another server holding the store's lock must not stall
the other requests.
"""

from __future__ import annotations

import json
import time
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from .. import errors
from ..base import HpcHandler, add_feature_handlers
from ..offload import blocking
from ..validate import require_str
from .config import Recents
from .store import TYPES, RecentsStore

MAX_FACTORY_LENGTH = 200
# Seconds a browser's last_opened may lie ahead of the server's clock.
CLOCK_SKEW = 60


class RecentsHandler(HpcHandler):
    auth_resource = "hpc_recents"
    config_obj: Recents
    store: RecentsStore

    async def reply_with_list(self, extra: dict | None = None) -> None:
        """Answer ``{**extra, "recents": [...]}``, the list existence-checked.

        The entries come pre-encoded from the store; only the existence flags are new.
        """
        listing = await blocking(self.store.listing_json)
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
        raw_path = require_str(body, "path")
        type_ = body.get("type")
        if type_ not in TYPES:
            raise errors.InvalidInput(f"Field 'type' must be one of {', '.join(TYPES)}.")
        factory = require_str(body, "factory", optional=True, max_length=MAX_FACTORY_LENGTH)
        max_length = self._max_length(body)
        # Undo of a removal puts the entry back with the time it had.
        opened = body.get("last_opened")
        if opened is not None and not (
            isinstance(opened, (int, float))
            and not isinstance(opened, bool)
            and 0 <= opened <= time.time() + CLOCK_SKEW
        ):
            raise errors.InvalidInput("Field 'last_opened' must be a time in seconds since 1970, not in the future.")

        def record() -> dict[str, Any]:
            return self.store.record(self.store.api_path(raw_path), type_, factory, max_length, now=opened)

        await self.reply_with_list({"entry": await blocking(record)})

    @web.authenticated
    @authorized
    async def patch(self):
        body = self.json_body()
        raw_path = require_str(body, "path")
        new_path = body.get("new_path")
        pinned = body.get("pinned")
        if new_path is None and pinned is None:
            raise errors.InvalidInput("Nothing to change: give 'pinned' and/or 'new_path'.")
        if pinned is not None and not isinstance(pinned, bool):
            raise errors.InvalidInput("Field 'pinned' must be true or false.")
        raw_new = require_str(body, "new_path") if new_path is not None else None
        await self.reply_with_list(await blocking(self._patch, raw_path, raw_new, pinned))

    def _patch(self, raw_path: str, raw_new: str | None, pinned: bool | None) -> dict[str, Any]:
        path = self.store.api_path(raw_path)
        new_path = self.store.api_path(raw_new, "new_path") if raw_new is not None else None
        answer: dict[str, Any] = {}
        if new_path is not None:
            answer["moved"] = self.store.rename(path, new_path)
            path = new_path
        if pinned is not None:
            entry = self.store.set_pinned(path, pinned, self.config_obj.max_pinned)
            if entry is None:
                raise errors.NotFound(f"'{path}' is not in the recent list.")
            answer["entry"] = entry
        return answer

    @web.authenticated
    @authorized
    async def delete(self):
        raw_path = self.get_query_argument("path", None)
        if raw_path is not None:

            def remove() -> int:
                path = self.store.api_path(raw_path)
                if not self.store.remove(path):
                    raise errors.NotFound(f"'{path}' is not in the recent list.")
                return 1

            removed = await blocking(remove)
        else:
            everything = self.get_query_argument("all", "false").lower()
            if everything not in ("true", "false", "1", "0"):
                raise errors.InvalidInput("Query argument 'all' must be true or false.")
            removed = await blocking(self.store.clear, everything in ("true", "1"))
        await self.reply_with_list({"removed": removed})

    def _max_length(self, body: dict) -> int:
        value = body.get("max_length")
        limit = self.config_obj.max_entries_limit
        if value is None:
            return min(self.config_obj.max_entries, limit)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
            raise errors.InvalidInput(f"Field 'max_length' must be a whole number from 1 to {limit}.")
        return value


def setup_handlers(serverapp, config: Recents):
    store = RecentsStore(config.store_path, serverapp.root_dir)
    kwargs = {"config_obj": config, "store": store}
    # "/?": ``hpc/recents`` and ``hpc/recents/`` alike (URLExt.join adds the
    # slash before a query string, as in ``DELETE hpc/recents/?path=...``).
    routes = [("status", StatusHandler, kwargs), ("?", ListHandler, kwargs)]
    add_feature_handlers(serverapp, "recents", routes, max_body_size=config.max_body_size)
