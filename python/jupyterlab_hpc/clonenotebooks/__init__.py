"""Notebook gallery: browse curated notebooks and clone them (``hpc/clone``)."""

from .config import CloneNotebooks


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_hpc.clonenotebooks"}]


def _load_jupyter_server_extension(serverapp):
    from .handlers import setup_handlers

    setup_handlers(serverapp, CloneNotebooks(parent=serverapp))


__all__ = ["CloneNotebooks"]
