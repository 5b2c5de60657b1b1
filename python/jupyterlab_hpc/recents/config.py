"""Site configuration of the recents feature (``c.Recents.*``)."""

from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from traitlets import Unicode, default
from traitlets.config import Configurable


class Recents(Configurable):
    """Configuration for jupyterlab-hpc recents."""

    store_path = Unicode(help="JSON file holding the user's recent files and folders.").tag(config=True)

    @default("store_path")
    def _default_store_path(self):
        return str(Path(jupyter_data_dir()) / "jupyterlab_hpc" / "recents.json")
