"""JupyterLab configuration for the demo and Binder: sample site settings."""

import os

c = get_config()  # noqa: F821
c.ServerApp.allow_root = True
here = os.path.dirname(os.path.abspath(__file__))
c.CloneNotebooks.sources = [
    {
        "id": "examples",
        "name": "Example notebooks",
        "type": "directory",
        "path": os.path.join(here, "gallery"),
        "kernel": "python3",
    },
]
# $SCRATCH is set by scripts/demo to a folder inside the demo root; at a site it
# is the user's own scratch directory. A favorite outside the Jupyter root (here
# $HOME when the root is elsewhere) is shown greyed with the reason.
c.Favorites.site_favorites = [
    {"path": "$SCRATCH", "name": "Scratch"},
    {"path": "$HOME", "name": "Home"},
]
# Project directories from the user's Unix groups, where they exist.
c.Favorites.group_favorites = os.path.join(os.environ.get("DEMO_ROOT", here), "projects", "{group}")
