"""Site configuration of the favorites feature (``c.Favorites.*``)."""

from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from traitlets import Unicode, default
from traitlets.config import Configurable


class Favorites(Configurable):
    """Configuration for jupyterlab-hpc favorites."""

    store_path = Unicode(help="JSON file holding the user's favorites.").tag(config=True)

    @default("store_path")
    def _default_store_path(self):
        return str(Path(jupyter_data_dir()) / "jupyterlab_hpc" / "favorites.json")
