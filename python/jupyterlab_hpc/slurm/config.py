"""Site configuration of the Slurm feature (``c.Slurm.*``)."""

from traitlets import Dict, Float, List, Unicode
from traitlets.config import Configurable


class Slurm(Configurable):
    """Configuration for jupyterlab-hpc's Slurm panel.

    Nothing here assumes a site's policy: the commands, their extra arguments
    (``-M cluster``) and their environment (``SLURM_CONF``) are all settable.
    """

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
    timeout = Float(30.0, help="Seconds before a Slurm command is killed.").tag(config=True)

    def command(self, name: str) -> str:
        return self.commands.get(name, name)
