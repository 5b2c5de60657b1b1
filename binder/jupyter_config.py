"""JupyterLab configuration for the demo and Binder: sample site settings."""

import os

c = get_config()  # noqa: F821
c.ServerApp.allow_root = True
here = os.path.dirname(os.path.abspath(__file__))
c.CloneNotebooks.sources = [
    {"id": "examples", "name": "Example notebooks", "type": "directory", "path": os.path.join(here, "gallery")},
]
c.Favorites.site_favorites = [{"path": "$HOME", "name": "Home"}]
