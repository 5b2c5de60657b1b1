"""An example site authorizer: a feature only for the members of some Unix groups.

Every jupyterlab-hpc handler is guarded by jupyter_server's authorizer with one
resource per feature (``hpc_favorites``, ``hpc_recents``, ``hpc_slurm``,
``hpc_clonenotebooks``). This authorizer refuses a feature's resource to accounts
outside the groups a site lists, and allows everything else (like jupyter_server's
default). In the single-user configuration::

    c.ServerApp.authorizer_class = "jupyterlab_hpc.authorizer.GroupAuthorizer"
    c.GroupAuthorizer.feature_groups = {"hpc_slurm": ["hpc-batch"]}

Under JupyterHub each single-user server runs as the user's own Unix account, so
the groups are those of the account running the server (as ``id`` shows them),
read from the system's group database (LDAP/SSSD at a center).
"""

from __future__ import annotations

import grp
import os
import pwd
import time

from jupyter_server.auth.authorizer import Authorizer
from traitlets import Dict, Float, List, Unicode

FEATURE_NAMES = {
    "hpc_favorites": "Favorites",
    "hpc_recents": "Recents",
    "hpc_slurm": "Slurm",
    "hpc_clonenotebooks": "The notebook gallery",
}


class GroupAuthorizer(Authorizer):
    """Allows a listed resource only to members of its groups; everything else is allowed."""

    feature_groups = Dict(
        key_trait=Unicode(),
        value_trait=List(Unicode()),
        help="""Resource -> Unix groups whose members may use it, e.g.
        {"hpc_slurm": ["hpc-batch"]}. Resources not listed are allowed to everybody.""",
    ).tag(config=True)

    cache_seconds = Float(60.0, help="How long the account's groups are remembered (seconds).").tag(config=True)

    _groups: frozenset[str] = frozenset()
    _groups_at = -1.0

    def account_groups(self) -> frozenset[str]:
        """Names of the Unix groups of the account running this server (cached)."""
        now = time.monotonic()
        if self._groups_at < 0 or now - self._groups_at > self.cache_seconds:
            entry = pwd.getpwuid(os.getuid())
            names = set()
            for gid in os.getgrouplist(entry.pw_name, entry.pw_gid):
                try:
                    names.add(grp.getgrgid(gid).gr_name)
                except KeyError:
                    continue
            self._groups, self._groups_at = frozenset(names), now
        return self._groups

    def is_authorized(self, handler, user, action, resource):
        groups = self.feature_groups.get(resource)
        if groups is None:
            return True
        return not self.account_groups().isdisjoint(groups)

    def refusal_message(self, user, action, resource) -> str:
        """What the refused user reads (the REST answer's message, shown by the panel)."""
        feature = FEATURE_NAMES.get(resource, resource)
        groups = ", ".join(self.feature_groups.get(resource, []))
        return (
            f"{feature} is not available to this account: it is for members of the Unix group(s) {groups}. "
            "Ask your center's support if you need it."
        )
