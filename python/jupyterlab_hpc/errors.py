"""Domain errors of all four features.

Stores, catalogs, sources and backends raise these with a message meant for
the user; :mod:`jupyterlab_hpc.base` is the one place that turns them into
HTTP statuses. No domain module imports tornado's ``HTTPError``.
"""

from __future__ import annotations


class HpcError(Exception):
    """A failure the user can act on; ``str(error)`` is shown to them as is."""


class InvalidInput(HpcError):
    """The request itself is wrong (a field, a parameter, a body)."""


class Forbidden(HpcError):
    """Not allowed: a path outside the root, another user's job, a refused feature."""


class NotFound(HpcError):
    """The thing named does not exist (any more)."""


class Conflict(HpcError):
    """The request clashes with the current state (already exists, changed meanwhile)."""


class TooLarge(HpcError):
    """An input or a file is over a size or count limit."""


class InvalidNotebook(HpcError):
    """A file that should be a notebook is not a valid one."""


class BackendFailed(HpcError):
    """A backend (Slurm, git) answered, but with a failure that is not the user's input."""


class Unavailable(HpcError):
    """A backend cannot be reached (Slurm controller, accounting, a service)."""


class TimedOut(HpcError):
    """A backend did not answer in time and was stopped."""
