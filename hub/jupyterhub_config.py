"""Example JupyterHub configuration for an HPC center running jupyterlab-hpc.

Each user logs in with their Unix account (PAM) and gets JupyterLab as a Slurm job
of their own (batchspawner's SlurmSpawner), in a shared single-user environment
that has jupyterlab-hpc installed. `make hub` runs exactly this file on one machine
(hub/local_config.py loads it and sets the local ports and paths); at a center,
copy it and change what the comments point out.

Tested with JupyterHub 6.1.1, batchspawner 1.3.0, pamela 1.2.0,
configurable-http-proxy 5.3.0 and Slurm 22.05.
"""

import os

c = get_config()  # noqa: F821

# ---------------------------------------------------------------- where the hub listens
# Users' browsers reach the proxy here. At a center: https with c.JupyterHub.ssl_cert /
# ssl_key, or a TLS-terminating reverse proxy in front and bind_url on localhost.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
# The single-user servers (Slurm jobs on compute nodes) call the hub's API here: at a
# center, an address of the hub's host that the compute nodes can reach.
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = 8081

# ---------------------------------------------------------------- who may log in
# PAM: the users' own Unix accounts and passwords (the hub runs as root to check them
# and to submit jobs as each user). Nobody may log in unless allowed: a group of the
# directory service is the usual choice at a center.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.allowed_groups = {"hpc-proj"}
# Users' servers are stopped when the hub stops (the hub is also stopped by `make hub-stop`).
c.JupyterHub.cleanup_servers = True

# ---------------------------------------------------------------- the single-user environment
# A Python environment every user can read (here a venv made from Debian's
# /usr/bin/python3; at a center often a module, a container image or a conda env on a
# shared file system) with: jupyterhub (for jupyterhub-singleuser, same version as the
# hub), batchspawner (batchspawner-singleuser), jupyterlab and jupyterlab-hpc. Its
# etc/jupyter/jupyter_server_config.py holds the site's jupyterlab-hpc settings (see
# hub/jupyter_server_config.py).
SINGLEUSER = os.environ.get("HUB_SINGLEUSER", "/opt/jupyterlab-hpc/singleuser")
c.Spawner.cmd = [f"{SINGLEUSER}/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"PATH": f"{SINGLEUSER}/bin:/usr/local/bin:/usr/bin:/bin"}
# The server must come up within the job's start-up time (queue wait included).
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120

# ---------------------------------------------------------------- JupyterLab as a Slurm job
c.JupyterHub.spawner_class = "batchspawner.SlurmSpawner"
# batchspawner submits with `sudo -E -u {username} sbatch` by default; without sudo,
# root's runuser does the same.
c.SlurmSpawner.exec_prefix = "/usr/sbin/runuser -u {username} --"
c.SlurmSpawner.batchspawner_singleuser_cmd = f"{SINGLEUSER}/bin/batchspawner-singleuser"
# srun inside the job passes on only the variables listed: PATH is needed for the
# single-user environment's commands.
c.SlurmSpawner.req_keepvars_extra = "PATH"
# What each user's server asks of Slurm: at a center, an "interactive" or "jupyter"
# partition or QOS, a few cores and some memory for a working day.
c.SlurmSpawner.req_partition = "debug"
c.SlurmSpawner.req_runtime = "1:00:00"
c.SlurmSpawner.req_nprocs = "1"
c.SlurmSpawner.req_memory = "2G"
# Marks the servers' jobs (so that an administrator can tell them from batch work).
c.SlurmSpawner.req_options = "--comment=jupyterhub"
# How often the hub asks Slurm whether a user's job still runs (seconds): with hundreds
# of users this is a load on slurmctld; see docs/center.md for measured figures.
c.SlurmSpawner.poll_interval = 60

# ---------------------------------------------------------------- the queue service
# One squeue for the whole cluster per interval instead of one per user's server and
# open Slurm panel (docs/queue-service.md). A managed service: the hub starts it (from
# the single-user environment, which has jupyterlab-hpc and jupyterhub), restarts it if
# it exits, and routes /services/hpc-queue/ to it. It runs as the hub's user, who must
# see every job (root, SlurmUser or a Slurm operator when PrivateData=jobs). Remove this
# block to let each server run its own squeue.
# At a center: an address of the hub's host that the compute nodes reach.
QUEUE_SERVICE = "http://127.0.0.1:8790"
c.JupyterHub.services = [
    {
        "name": "hpc-queue",
        "url": QUEUE_SERVICE,
        "command": [f"{SINGLEUSER}/bin/python", "-m", "jupyterlab_hpc.slurm.service"],
    }
]
# Users' servers call it with their own API token: users hold the scope, and the servers'
# tokens get it (the server role's two default scopes kept).
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "access:services!service=hpc-queue"]},
    {
        "name": "server",
        "scopes": ["users:activity!user", "access:servers!server", "access:services!service=hpc-queue"],
    },
]
# Each server reads this as c.Slurm.queue_service_url.
c.Spawner.environment["JUPYTERLAB_HPC_QUEUE_SERVICE_URL"] = f"{QUEUE_SERVICE}/services/hpc-queue/"
