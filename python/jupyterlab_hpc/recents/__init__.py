"""Recents: recently opened files and folders, kept on the server (``hpc/recents``)."""

from .config import Recents


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_hpc.recents"}]


def _load_jupyter_server_extension(serverapp):
    from .handlers import setup_handlers

    setup_handlers(serverapp, Recents(parent=serverapp))


__all__ = ["Recents"]
