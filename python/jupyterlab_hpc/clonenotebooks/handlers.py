"""REST handlers of ``{base_url}hpc/clone``."""

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..base import HpcHandler, add_feature_handlers


class CloneHandler(HpcHandler):
    auth_resource = "hpc_clonenotebooks"


class StatusHandler(CloneHandler):
    @web.authenticated
    @authorized
    def get(self):
        sources = [{"id": s.get("id"), "name": s.get("name"), "type": s.get("type")} for s in self.config_obj.sources]
        self.reply({"available": True, "sources": sources, "clone_dir": self.config_obj.clone_dir})


def setup_handlers(serverapp, config):
    add_feature_handlers(serverapp, "clone", [("status", StatusHandler, {"config_obj": config})])
