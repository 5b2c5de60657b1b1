"""The Slurm backend interface and its command-line implementation."""

from __future__ import annotations

import getpass
import re

from .commands import CommandMissing, Runner
from .config import Slurm


class SlurmUnavailable(RuntimeError):
    """Slurm cannot be reached (not installed, or the controller does not answer)."""


class CliBackend:
    """Slurm through its command-line tools, which every Slurm version has."""

    def __init__(self, config: Slurm):
        self.config = config
        self.runner = Runner(config)

    async def version(self) -> str:
        result = await self.runner.run("sinfo", ["--version"])
        match = re.search(r"(\d+\.\d+\.\d+\S*)", result.stdout)
        return match.group(1) if match else result.stdout.strip()

    async def cluster(self) -> str | None:
        result = await self.runner.run("scontrol", ["show", "config"])
        if not result.ok:
            raise SlurmUnavailable(result.stderr.strip() or "scontrol show config failed")
        match = re.search(r"^ClusterName\s*=\s*(\S+)", result.stdout, re.MULTILINE)
        return match.group(1) if match else None

    async def status(self) -> dict:
        try:
            version = await self.version()
            cluster = await self.cluster()
        except CommandMissing as error:
            return {"available": False, "reason": str(error), "commands": self._command_paths()}
        except SlurmUnavailable as error:
            return {"available": False, "reason": str(error), "commands": self._command_paths()}
        return {"available": True, "version": version, "cluster": cluster, "user": getpass.getuser()}

    def _command_paths(self) -> dict[str, str]:
        return {name: self.config.command(name) for name in ("squeue", "sinfo", "scontrol", "scancel", "sbatch")}
