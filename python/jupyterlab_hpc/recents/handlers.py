"""REST handlers of ``{base_url}hpc/recents``."""

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..base import HpcHandler, add_feature_handlers


class RecentsHandler(HpcHandler):
    auth_resource = "hpc_recents"


class StatusHandler(RecentsHandler):
    @web.authenticated
    @authorized
    def get(self):
        self.reply({"available": True, "store": self.config_obj.store_path})


def setup_handlers(serverapp, config):
    add_feature_handlers(serverapp, "recents", [("status", StatusHandler, {"config_obj": config})])
