"""Site configuration of the notebook gallery (``c.CloneNotebooks.*``)."""

from traitlets import Dict, List, Unicode
from traitlets.config import Configurable


class CloneNotebooks(Configurable):
    """Configuration for the jupyterlab-hpc notebook gallery."""

    sources = List(Dict(), help="Notebook sources: directories or git repositories.").tag(config=True)
    clone_dir = Unicode("gallery/{source}", help="Where clones go, relative to the server root.").tag(config=True)
