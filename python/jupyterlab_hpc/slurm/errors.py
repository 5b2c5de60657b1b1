"""What can go wrong talking to Slurm, and how the API reports it."""

from __future__ import annotations

import re

from tornado import web

from .commands import CommandMissing, CommandTimeout

# Messages Slurm prints when the controller cannot be reached (22.05 .. 25.x). scontrol
# hold/release print "Unexpected message received" when slurmctld is down (22.05).
_UNREACHABLE = re.compile(
    r"Unable to contact slurm controller|Socket timed out|Connection refused|Zero Bytes were transmitted"
    r"|Communication connection failure|Slurm backup controller in standby mode|Unable to establish connection"
    r"|Unexpected message received",
    re.IGNORECASE,
)


class SlurmUnavailable(RuntimeError):
    """Slurm cannot be reached (not installed, or the controller does not answer)."""


class SlurmError(RuntimeError):
    """Slurm answered and refused (its message is kept verbatim).

    ``status`` is 400 when the request was refused (sbatch), 502 when a read
    (squeue, sinfo, scontrol show) failed for another reason.
    """

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def controller_unreachable(stderr: str) -> bool:
    return _UNREACHABLE.search(stderr) is not None


def first_lines(text: str, limit: int = 20) -> str:
    return "\n".join(line for line in text.strip().splitlines()[:limit])


def http_error(error: Exception) -> web.HTTPError:
    """The HTTP error a backend exception maps to (503 unreachable, 504 timeout, 400 refusal)."""
    if isinstance(error, CommandMissing):
        return web.HTTPError(503, f"Slurm is not available on this server: {error}")
    if isinstance(error, SlurmUnavailable):
        return web.HTTPError(503, f"The Slurm controller does not answer; try again later. ({error})")
    if isinstance(error, CommandTimeout):
        return web.HTTPError(504, str(error))
    if isinstance(error, SlurmError):
        return web.HTTPError(error.status, str(error))
    raise error
