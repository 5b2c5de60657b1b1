"""REST handlers of ``{base_url}hpc/favorites``: thin, the logic lives in :mod:`.catalog`.

Listing stats every favorite; on a hung network file system that must not
freeze the server, so catalog calls run in a worker thread.
"""

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..base import HpcHandler, add_feature_handlers
from ..offload import blocking
from .catalog import Catalog


class FavoritesHandler(HpcHandler):
    auth_resource = "hpc_favorites"
    catalog: Catalog

    async def run(self, fn, *args):
        return await blocking(fn, *args)


class StatusHandler(FavoritesHandler):
    @web.authenticated
    @authorized
    def get(self):
        self.reply({"available": True, "store": self.config_obj.store_path})


class ListHandler(FavoritesHandler):
    @web.authenticated
    @authorized
    async def get(self):
        self.reply(await self.run(self.catalog.list))

    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        self.reply(await self.run(self.catalog.add, body), 201)


class ImportHandler(FavoritesHandler):
    @web.authenticated
    @authorized
    async def post(self):
        body = self.json_body()
        self.reply(await self.run(self.catalog.import_many, body))


class ItemHandler(FavoritesHandler):
    @web.authenticated
    @authorized
    async def patch(self, fid):
        body = self.json_body()
        self.reply(await self.run(self.catalog.patch, fid, body))

    @web.authenticated
    @authorized
    async def delete(self, fid):
        await self.run(self.catalog.delete, fid)
        self.set_status(204)
        self.finish()


def setup_handlers(serverapp, config):
    catalog = Catalog(config, serverapp.root_dir)
    kwargs = {"config_obj": config, "catalog": catalog}
    add_feature_handlers(
        serverapp,
        "favorites",
        [
            ("status", StatusHandler, kwargs),
            ("import", ImportHandler, kwargs),
            ("", ListHandler, kwargs),
            (r"(?P<fid>[A-Za-z0-9_-]{1,64})", ItemHandler, kwargs),
        ],
        max_body_size=config.max_body_size,
    )
