"""Site configuration of the notebook gallery (``c.CloneNotebooks.*``)."""

import os

from jupyter_core.paths import jupyter_data_dir
from traitlets import Bool, Dict, Float, Int, List, Unicode, default
from traitlets.config import Configurable


class CloneNotebooks(Configurable):
    """Configuration for the jupyterlab-hpc notebook gallery."""

    sources = List(
        Dict(),
        help="""Notebook sources offered to every user. Each is a dict with "id", "name", "type"
        ("directory" with "path", or "git" with "url", optional "ref" and "subdir") and an
        optional "kernel": the kernel name set in clones when this server knows that kernel.""",
    ).tag(config=True)
    clone_dir = Unicode(
        "gallery/{source}", help="Where clones go, relative to the server root; {source} is the source id."
    ).tag(config=True)
    max_notebook_size = Int(100 * 1024 * 1024, help="Largest notebook (bytes) that may be previewed or cloned.").tag(
        config=True
    )
    max_data_files = Int(
        100, help="Most data files a notebook may declare (manifest or metadata) to be copied with it; more: 413."
    ).tag(config=True)
    max_data_size = Int(
        1024 * 1024 * 1024,
        help="Largest total size (bytes) of the data files copied with one clone; more: 413.",
    ).tag(config=True)
    max_body_size = Int(
        1024 * 1024,
        help="Largest request body (bytes) the gallery API parses (a clone with its parameters); more: 413.",
    ).tag(config=True)
    max_user_sources = Int(100, help="Most sources (folders, repositories) one user may add; more: 413.").tag(
        config=True
    )
    max_scan_entries = Int(
        200_000,
        help="""Files and folders looked at per source and listing: a folder holding more (say, a whole
        file system added as a source) is listed partially, with a warning.""",
    ).tag(config=True)
    git_refresh_interval = Float(
        3600.0, help="Seconds after which a git source is fetched again when listed (0: on every listing)."
    ).tag(config=True)
    git_timeout = Float(120.0, help="Seconds a git clone or fetch may take before it is abandoned.").tag(config=True)
    allow_user_sources = Bool(True, help="Whether users may add their own directory sources in the panel.").tag(
        config=True
    )
    allowed_remote_schemes = List(
        Unicode(),
        default_value=[],
        help="""URL schemes of git repositories users may add themselves (e.g. ["https"]); their URLs
        must have the strict form scheme://host/path (file:///path). Empty: users may only add directories.""",
    ).tag(config=True)
    git_protocols = List(
        Unicode(),
        default_value=["https", "http", "ssh", "git", "file"],
        help="""Transports git may use for any git source (GIT_ALLOW_PROTOCOL); users' own sources get
        only those of them also in allowed_remote_schemes. Remote helpers (scheme::address, ext::)
        are never allowed.""",
    ).tag(config=True)
    data_dir = Unicode(help="Where the gallery keeps git caches, user sources and the record of clones.").tag(
        config=True
    )

    @default("data_dir")
    def _default_data_dir(self):
        return os.path.join(jupyter_data_dir(), "jupyterlab_hpc", "clonenotebooks")
