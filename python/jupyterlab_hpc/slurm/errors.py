"""What can go wrong talking to Slurm, as the domain errors of :mod:`jupyterlab_hpc.errors`.

The base handler gives each its HTTP status (``base.STATUS``); nothing here knows HTTP.
"""

from __future__ import annotations

import re

from .. import errors

# Messages Slurm prints when the controller cannot be reached (22.05 .. 25.x). scontrol
# hold/release print "Unexpected message received" when slurmctld is down (22.05).
_UNREACHABLE = re.compile(
    r"Unable to contact slurm controller|Socket timed out|Connection refused|Zero Bytes were transmitted"
    r"|Communication connection failure|Slurm backup controller in standby mode|Unable to establish connection"
    r"|Unexpected message received",
    re.IGNORECASE,
)


class CommandMissing(errors.Unavailable):
    """A Slurm command is not installed (or not at the configured path)."""

    def __init__(self, command: str):
        super().__init__(f"Slurm is not available on this server: command '{command}' was not found.")
        self.command = command


class SlurmUnavailable(errors.Unavailable):
    """The Slurm controller does not answer."""

    def __init__(self, detail: str):
        super().__init__(f"The Slurm controller does not answer; try again later. ({detail})")


class CommandTimeout(errors.TimedOut):
    """A Slurm command did not finish within ``c.Slurm.timeout`` and was killed."""


class SlurmRefused(errors.InvalidInput):
    """Slurm refused what the user asked (sbatch's own message, verbatim)."""


class SlurmFailed(errors.BackendFailed):
    """A read (squeue, sinfo, scontrol show) failed for a reason other than the controller being down."""


class NoAccounting(errors.NotFound):
    """The cluster keeps no job accounting at all: there is no history (asking again will not help)."""

    def __init__(self) -> None:
        super().__init__(
            "This cluster keeps no job accounting (Slurm's AccountingStorageType is none): there is no job history."
        )


class AccountingUnavailable(errors.Unavailable):
    """Slurm's accounting (slurmdbd) does not answer; the controller may well be up."""

    def __init__(self, detail: str):
        super().__init__(f"Slurm's accounting is unavailable (slurmdbd does not answer); try again later. ({detail})")


def controller_unreachable(stderr: str) -> bool:
    return _UNREACHABLE.search(stderr) is not None


def first_lines(text: str, limit: int = 20) -> str:
    return "\n".join(line for line in text.strip().splitlines()[:limit])


# Slurm's own error texts (slurm_strerror) for a refused action on one job, and the
# domain error a single-job request raises for each. Any other refusal is InvalidInput.
_REFUSALS: tuple[tuple[str, type[errors.HpcError]], ...] = (
    ("Access/permission denied", errors.Forbidden),  # ESLURM_ACCESS_DENIED
    ("Invalid user id", errors.Forbidden),  # ESLURM_USER_ID_MISSING: another user's job
    ("Invalid job id specified", errors.NotFound),  # ESLURM_INVALID_JOB_ID
)


def refusal_error(message: str) -> type[errors.HpcError]:
    """The domain error for Slurm's refusal of an action on one job."""
    return next((error for text, error in _REFUSALS if text in message), errors.InvalidInput)
