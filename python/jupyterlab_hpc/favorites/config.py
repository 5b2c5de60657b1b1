"""Site configuration of the favorites feature (``c.Favorites.*``)."""

import os
from pathlib import Path

from jupyter_core.paths import jupyter_config_dir, jupyter_data_dir
from traitlets import Dict, Int, List, Unicode, Union, default
from traitlets.config import Configurable


class Favorites(Configurable):
    """Configuration for jupyterlab-hpc favorites."""

    store_path = Unicode(help="JSON file holding the user's favorites.").tag(config=True)

    site_favorites = List(
        Dict(),
        default_value=[],
        help=(
            "Favorites every user gets, e.g. "
            '[{"path": "$SCRATCH", "name": "Scratch"}, {"path": "$HOME", "name": "Home"}]. '
            "Paths may hold environment variables, expanded with the server's environment "
            "(the variables used here are expanded even if not in expand_variables). "
            "Users may hide them and restore them, not remove or rename them."
        ),
    ).tag(config=True)

    group_favorites = Union(
        [Unicode(), List(Unicode())],
        default_value="",
        help=(
            "Template(s) of project directories derived from the user's Unix groups, e.g. "
            '"/global/cfs/cdirs/{group}". One favorite per group whose directory exists.'
        ),
    ).tag(config=True)

    expand_variables = List(
        Unicode(),
        default_value=[
            "HOME",
            "USER",
            "LOGNAME",
            "SCRATCH",
            "PSCRATCH",
            "CSCRATCH",
            "CFS",
            "PROJECT",
            "PROJWORK",
            "MEMBERWORK",
            "WORK",
            "STORE",
            "ARCHIVE",
            "TMPDIR",
        ],
        help=(
            "Environment variables a user's favorite may use ($NAME, ${NAME}; ~ is $HOME). Others are "
            "not expanded (the favorite is greyed with the reason), and so never shown; a name that looks "
            "like a credential (TOKEN, SECRET, PASSWORD, KEY, JUPYTERHUB_*, JPY_*...) never is, even if listed."
        ),
    ).tag(config=True)

    max_favorites = Int(
        2000, help="Most favorites of one user's own (site and group favorites not counted); more: 413."
    ).tag(config=True)

    max_import = Int(1000, help="Most favorites one import request may carry; more: 413.").tag(config=True)

    max_body_size = Int(
        1024 * 1024, help="Largest request body (bytes) the favorites API parses (an import of many); more: 413."
    ).tag(config=True)

    legacy_settings_path = Unicode(
        help="User settings file of the older @jlab-enhanced/favorites extension, imported once."
    ).tag(config=True)

    @default("legacy_settings_path")
    def _default_legacy_settings_path(self):
        # As jupyterlab.commands.get_user_settings_dir, without importing it (slow).
        default = Path(jupyter_config_dir()) / "lab" / "user-settings"
        settings = os.environ.get("JUPYTERLAB_SETTINGS_DIR") or str(default)
        return str(Path(settings) / "@jlab-enhanced" / "favorites" / "favorites.jupyterlab-settings")

    @default("store_path")
    def _default_store_path(self):
        return str(Path(jupyter_data_dir()) / "jupyterlab_hpc" / "favorites.json")
