"""REST handlers of ``{base_url}hpc/slurm``."""

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..base import HpcHandler, add_feature_handlers
from .backend import CliBackend


class SlurmHandler(HpcHandler):
    auth_resource = "hpc_slurm"


class StatusHandler(SlurmHandler):
    @web.authenticated
    @authorized
    async def get(self):
        self.reply(await self.backend.status())


def setup_handlers(serverapp, config):
    backend = CliBackend(config)
    add_feature_handlers(serverapp, "slurm", [("status", StatusHandler, {"backend": backend})])
