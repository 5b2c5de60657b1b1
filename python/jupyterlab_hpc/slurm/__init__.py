"""Slurm: watch the queue and steer batch jobs (``hpc/slurm``)."""

from .config import Slurm


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_hpc.slurm"}]


def _load_jupyter_server_extension(serverapp):
    from .handlers import setup_handlers

    setup_handlers(serverapp, Slurm(parent=serverapp))


__all__ = ["Slurm"]
