"""jupyterlab-hpc: JupyterLab extensions for HPC centers.

Each feature is its own server extension (``jupyterlab_hpc.<feature>``) and its
own prebuilt labextension (``@jupyterlab-hpc/<feature>``), so a site can turn
any one of them off without touching the others.
"""

from ._version import __version__

FEATURES = ("favorites", "recents", "slurm", "clonenotebooks")


def _jupyter_labextension_paths():
    return [{"src": f"labextensions/{name}", "dest": f"@jupyterlab-hpc/{name}"} for name in FEATURES]


__all__ = ["FEATURES", "__version__"]
