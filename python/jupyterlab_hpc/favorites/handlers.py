"""REST handlers of ``{base_url}hpc/favorites``: thin, the logic lives beside them."""

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..base import HpcHandler, add_feature_handlers


class FavoritesHandler(HpcHandler):
    auth_resource = "hpc_favorites"


class StatusHandler(FavoritesHandler):
    @web.authenticated
    @authorized
    def get(self):
        self.reply({"available": True, "store": self.config_obj.store_path})


def setup_handlers(serverapp, config):
    add_feature_handlers(serverapp, "favorites", [("status", StatusHandler, {"config_obj": config})])
