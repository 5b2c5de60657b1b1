"""Site configuration of the recents feature (``c.Recents.*``)."""

from pathlib import Path

from jupyter_core.paths import jupyter_data_dir
from traitlets import Integer, Unicode, default
from traitlets.config import Configurable


class Recents(Configurable):
    """Configuration for jupyterlab-hpc recents."""

    store_path = Unicode(help="JSON file holding the user's recent files and folders.").tag(config=True)

    max_entries = Integer(
        50,
        help="How many unpinned entries are kept when the browser does not say (its maxLength setting). "
        "Pinned entries are never evicted and not counted.",
    ).tag(config=True)

    max_entries_limit = Integer(
        1000,
        help="Upper bound on the length a browser may ask for (the maxLength setting is clamped to it).",
    ).tag(config=True)

    max_pinned = Integer(
        100, help="Most entries a user may pin (pinned entries are never evicted); pinning more: 413."
    ).tag(config=True)

    max_body_size = Integer(1024 * 1024, help="Largest request body (bytes) the recents API parses; more: 413.").tag(
        config=True
    )

    @default("store_path")
    def _default_store_path(self):
        return str(Path(jupyter_data_dir()) / "jupyterlab_hpc" / "recents.json")
