"""Site configuration of the Slurm feature (``c.Slurm.*``)."""

import os
import sys
from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from traitlets import Bool, Dict, Float, Int, List, Type, Unicode, default
from traitlets.config import Configurable

from ..validate import SECRET_ENV_PATTERNS

DEFAULT_SUBMIT_FLAGS = ["exclusive", "requeue", "no-requeue", "hold", "overcommit", "contiguous", "oversubscribe"]


class Slurm(Configurable):
    """Configuration for jupyterlab-hpc's Slurm panel.

    Nothing here assumes a site's policy: the commands, their extra arguments
    (``-M cluster``) and their environment (``SLURM_CONF``) are all settable.
    """

    backend_class = Type(
        default_value="jupyterlab_hpc.slurm.cli.CliBackend",
        klass="jupyterlab_hpc.slurm.interface.SlurmBackend",
        help="The Slurm backend: a subclass of jupyterlab_hpc.slurm.interface.SlurmBackend, "
        "constructed as backend_class(config, root_dir=...). Default: Slurm's command-line tools.",
    ).tag(config=True)
    commands = Dict(
        {},
        help="Paths of Slurm commands, e.g. {'squeue': '/opt/slurm/bin/squeue'}; unset ones are looked up on PATH.",
    ).tag(config=True)
    extra_args = List(Unicode(), [], help="Arguments added to every Slurm command, e.g. ['-M', 'cluster1'].").tag(
        config=True
    )
    env = Dict({}, help="Extra environment for Slurm commands, e.g. {'SLURM_CONF': '/etc/slurm/site.conf'}.").tag(
        config=True
    )
    exclude_env = List(
        Unicode(),
        list(SECRET_ENV_PATTERNS),
        help="Glob patterns (case-insensitive) of variables of the server's environment that Slurm commands "
        "never get, so that no job submitted from this server inherits them (Slurm copies sbatch's "
        "environment into the job). c.Slurm.env is added after this filter.",
    ).tag(config=True)
    timeout = Float(30.0, help="Seconds before a Slurm command is killed.").tag(config=True)
    min_refresh_interval = Float(
        5.0,
        help="Seconds during which job list requests share one squeue call; "
        "also the floor of the panel's poll interval.",
    ).tag(config=True)
    max_output_chunk = Int(1024 * 1024, help="Largest number of bytes one job output request returns.").tag(config=True)
    templates = List(
        Unicode(),
        [],
        help="Site submission templates: files (.sh/.sbatch/.slurm/.job: the script; .json: "
        "{name, description, script, options}) or folders holding such files.",
    ).tag(config=True)
    user_templates_path = Unicode(help="JSON file holding the user's own submission templates.").tag(config=True)
    history_days = Int(7, help="Days of finished jobs the History tab shows at first (the user can widen it).").tag(
        config=True
    )
    history_max_days = Int(
        90,
        help="Most days of finished jobs one history request may ask Slurm's accounting for (more: 400).",
    ).tag(config=True)
    history_all_users = Bool(
        False,
        help="Allow GET history?scope=all (every user's finished jobs) for users whom the site's authorizer "
        "grants 'read' on the resource 'hpc_slurm_history_all' (e.g. staff).",
    ).tag(config=True)
    # A script of up to 1 MB (submit.MAX_SCRIPT_BYTES) as JSON text: escaping can double its size
    # (newlines, quotes, backslashes) and more for control characters; the options add little.
    max_body_size = Int(
        4 * 1024 * 1024,
        help="Largest request body (bytes) the Slurm API parses (a job script, a template, a run's parameters); "
        "more: 413.",
    ).tag(config=True)
    max_user_templates = Int(200, help="Most submission templates one user may save (more: 413).").tag(config=True)
    submit_flags = List(
        Unicode(),
        DEFAULT_SUBMIT_FLAGS,
        help="sbatch flags without a value the submit form may pass (e.g. 'exclusive').",
    ).tag(config=True)

    # -- notebook runs (docs/slurm.md, "Notebook runs and sweeps") --
    notebook_python = Unicode(
        help="The Python that runs notebooks in jobs (it needs papermill and the kernels' packages). "
        "Default: the Jupyter server's own Python (sys.executable).",
    ).tag(config=True)
    notebook_prelude = Unicode(
        "",
        help="Shell lines the job script of a notebook run runs first, e.g. 'module load python/3.11'.",
    ).tag(config=True)
    max_sweep_tasks = Int(10000, help="Most tasks one notebook sweep may have (also capped by MaxArraySize).").tag(
        config=True
    )
    sweep_throttle = Int(50, help="Default array throttle (%K) of a sweep: tasks running at once.").tag(config=True)
    runs_store_path = Unicode(help="JSON file holding the user's notebook runs.").tag(config=True)
    max_stored_runs = Int(500, help="Most notebook runs remembered per user (the oldest records are dropped).").tag(
        config=True
    )

    @default("notebook_python")
    def _default_notebook_python(self):
        return sys.executable

    @default("runs_store_path")
    def _default_runs_store_path(self):
        return str(Path(jupyter_data_dir()) / "jupyterlab_hpc" / "slurm_runs.json")

    queue_service_url = Unicode(
        help="URL of the center's queue service (docs/queue-service.md), e.g. "
        "'http://hub.example.org:8790/services/hpc-queue/': the job list comes from it, one squeue for "
        "everybody. Default: $JUPYTERLAB_HPC_QUEUE_SERVICE_URL (the hub config sets it); empty: this "
        "server runs its own squeue.",
    ).tag(config=True)
    queue_service_timeout = Float(
        40.0, help="Seconds to wait for the queue service (it may be reading the queue) before using squeue."
    ).tag(config=True)
    queue_service_retry = Float(
        30.0, help="After the queue service failed, seconds of this server's own squeue before asking it again."
    ).tag(config=True)
    queue_history = Float(
        900.0, help="Seconds of changes kept for the browser's deltas (GET jobs?since=); older: a full answer."
    ).tag(config=True)
    compress_min_bytes = Int(
        65536, help="Job list answers at least this big are gzipped for browsers that accept it (0: never)."
    ).tag(config=True)
    compress_level = Int(1, help="gzip level of compressed answers (1 fastest .. 9 smallest).").tag(config=True)

    @default("queue_service_url")
    def _default_queue_service_url(self):
        return os.environ.get("JUPYTERLAB_HPC_QUEUE_SERVICE_URL", "")

    @default("user_templates_path")
    def _default_user_templates_path(self):
        return str(Path(jupyter_data_dir()) / "jupyterlab_hpc" / "slurm_templates.json")

    def command(self, name: str) -> str:
        return self.commands.get(name, name)
