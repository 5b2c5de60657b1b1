"""The queue service: one ``squeue`` for the whole cluster, shared by every user's server.

Run by JupyterHub as a managed service (docs/queue-service.md)::

    python -m jupyterlab_hpc.slurm.service [--config FILE] [--interval SECONDS]

or the console script ``jupyterlab-hpc-queue-service``. :mod:`.client` is the single-user
server's side; :mod:`.app` and :mod:`.poller` run in the service (they need JupyterHub
installed for ``HubAuth``, which the single-user servers do not import).
"""


def main(argv: list[str] | None = None) -> None:
    from .app import main as run

    run(argv)
