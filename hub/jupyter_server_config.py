"""Example single-user configuration at a center (jupyterlab-hpc under JupyterHub).

It goes into the single-user environment's etc/jupyter/jupyter_server_config.py (that
is what scripts/hub does), so every user's server reads it. It runs in the user's own
process: "~" is the user's home.
"""

import os
import sys

c = get_config()  # noqa: F821
home = os.path.expanduser("~")

# The whole file system is browsable, as at most centers (project and scratch folders
# live outside the home); Unix permissions decide what a user can open. The file browser
# starts in the home folder.
c.ServerApp.root_dir = "/"
c.ContentsManager.preferred_dir = os.path.relpath(home, "/")

# Favorites: the home for everyone, and the project folder of each of the user's Unix
# groups that has one. At a center also e.g. {"path": "$SCRATCH", "name": "Scratch"}.
c.Favorites.site_favorites = [{"path": "$HOME", "name": "Home"}]
c.Favorites.group_favorites = "/srv/jupyterlab-hpc/projects/{group}"

# The notebook gallery: a folder of curated notebooks that every user can read. Clones
# go to ~/gallery/<source> (clone_dir is relative to the server root, here "/").
c.CloneNotebooks.sources = [
    {
        "id": "examples",
        "name": "Example notebooks",
        "type": "directory",
        "path": os.path.join(sys.prefix, "share", "jupyterlab-hpc", "gallery"),
        "kernel": "python3",
    },
]
c.CloneNotebooks.clone_dir = os.path.join(os.path.relpath(home, "/"), "gallery", "{source}")

# Per-feature authorization: only members of the Unix group hpc-batch get the Slurm
# panel; everybody gets the other features. The refused feature answers 403 and its
# panel says that it is not available to this account.
c.ServerApp.authorizer_class = "jupyterlab_hpc.authorizer.GroupAuthorizer"
c.GroupAuthorizer.feature_groups = {"hpc_slurm": ["hpc-batch"]}
