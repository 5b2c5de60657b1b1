"""Server configuration for the Galata tests (port 8888, as root, a temp root dir)."""

import os
from pathlib import Path
from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821
configure_jupyter_server(c)
c.ServerApp.allow_root = True

# Per-run stores so tests never see a developer's own favorites or recents.
state = Path(mkdtemp(prefix="hpc-ui-tests-"))
c.Favorites.store_path = str(state / "favorites.json")
c.Recents.store_path = str(state / "recents.json")
# Site favorites: the root (usable) and one whose variable is unset (greyed).
c.Favorites.site_favorites = [
    {"path": ".", "name": "Jupyter root"},
    {"path": "$HPC_UI_TESTS_UNSET/project", "name": "Unset project"},
]
c.Slurm.runs_store_path = str(state / "slurm_runs.json")
c.Favorites.legacy_settings_path = str(state / "no-legacy-favorites.jupyterlab-settings")
here = Path(__file__).parent
c.CloneNotebooks.sources = [
    {
        "id": "examples",
        "name": "Example notebooks",
        "type": "directory",
        "path": str(here / "gallery"),
        "kernel": "python3",
    },
]
c.CloneNotebooks.data_dir = str(state / "clonenotebooks")
os.environ.setdefault("HPC_UI_TESTS_STATE", str(state))
