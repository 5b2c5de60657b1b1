"""The local hub of `make hub` and the hub tests: the center's example configuration
(hub/jupyterhub_config.py) with this machine's ports, paths and spawner choice.

scripts/hub sets the environment: HUB_STATE (folder for the database, cookie secret
and proxy pid), HUB_PORT (public; the proxy API uses +1, the hub +2), HUB_SPAWNER
(slurm | local), HUB_SINGLEUSER (the single-user venv), HUB_JOB_MARK (sbatch comment
of this hub's jobs), HUB_QUEUE_SERVICE (on | off: the queue service, on port HUB_PORT+3)
and SLURM_CONF.
"""

import os

c = get_config()  # noqa: F821
here = os.path.dirname(os.path.abspath(__file__))
load_subconfig(os.path.join(here, "jupyterhub_config.py"))  # noqa: F821

state = os.environ["HUB_STATE"]
port = int(os.environ["HUB_PORT"])

c.JupyterHub.bind_url = f"http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 2
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 1}"
c.ConfigurableHTTPProxy.command = [os.path.join(here, "node_modules", ".bin", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "jupyterhub-proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{os.path.join(state, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(state, "jupyterhub.hub.pid")

# The test users of scripts/test-users (both in group hpc-proj).
c.PAMAuthenticator.allowed_groups = {"hpc-proj"}

# Slurm clients find the local cluster through SLURM_CONF when it is not /etc/slurm.
if os.environ.get("SLURM_CONF"):
    c.Spawner.environment["SLURM_CONF"] = os.environ["SLURM_CONF"]

# The queue service on this instance's port; its squeue finds the local cluster.
queue = f"http://127.0.0.1:{port + 3}"
if os.environ.get("HUB_QUEUE_SERVICE", "on") == "off":
    c.JupyterHub.services = [s for s in c.JupyterHub.services if s["name"] != "hpc-queue"]
    c.Spawner.environment.pop("JUPYTERLAB_HPC_QUEUE_SERVICE_URL", None)
else:
    for service in c.JupyterHub.services:
        if service["name"] == "hpc-queue":
            service["url"] = queue
            service["environment"] = {"SLURM_CONF": os.environ.get("SLURM_CONF", "/etc/slurm/slurm.conf")}
            # PrivateData is read again every 5 s (a test changes it), not every minute.
            service["command"] = [*service["command"], "--QueueService.private_data_interval=5"]
    c.Spawner.environment["JUPYTERLAB_HPC_QUEUE_SERVICE_URL"] = f"{queue}/services/hpc-queue/"

if os.environ.get("HUB_SPAWNER", "slurm") == "local":
    c.JupyterHub.spawner_class = "localprocess"
else:
    # One machine: the job's server listens on the loopback address only.
    c.SlurmSpawner.ip = "127.0.0.1"
    c.SlurmSpawner.req_options = f"--comment={os.environ.get('HUB_JOB_MARK', 'jupyterhub')}"
    # Tests stop and start servers often: ask Slurm a little more often than at a center.
    c.SlurmSpawner.poll_interval = 30
