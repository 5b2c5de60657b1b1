"""Favorites: server-side bookmarks for the file browser (``hpc/favorites``)."""

from .config import Favorites


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_hpc.favorites"}]


def _load_jupyter_server_extension(serverapp):
    from .handlers import setup_handlers

    setup_handlers(serverapp, Favorites(parent=serverapp))


__all__ = ["Favorites"]
