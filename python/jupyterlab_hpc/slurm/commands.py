"""Run Slurm's command-line tools: argv lists only, a timeout, stderr kept."""

from __future__ import annotations

import asyncio
import codecs
import functools
import os
import shutil
import signal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..validate import name_matcher
from .config import Slurm
from .errors import CommandMissing, CommandTimeout


@dataclass
class Result:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def without_secrets(environ: Mapping[str, str], patterns: Iterable[str]) -> dict[str, str]:
    """``environ`` without the variables whose names match one of the glob ``patterns``
    (case-insensitive): Slurm copies sbatch's environment into the job it submits."""
    excluded = _matcher(tuple(patterns))
    return {name: value for name, value in environ.items() if not excluded.match(name)}


_matcher = functools.lru_cache(maxsize=8)(name_matcher)  # the list is the same at every call


class Runner:
    """Runs one Slurm command as a child process, never through a shell."""

    def __init__(self, config: Slurm):
        self.config = config
        self._found: dict[str, str] = {}

    def resolve(self, name: str) -> str:
        """The command's path; looked up once (a PATH of network folders is slow to search, and this
        runs on the event loop). A missing command is looked up again next time (it may be installed)."""
        configured = self.config.command(name)
        found = self._found.get(configured) or shutil.which(configured)
        if not found:
            raise CommandMissing(configured)
        self._found[configured] = found
        return found

    def environment(self, *, epoch_times: bool) -> dict[str, str]:
        """The server's environment without its secrets, plus the site's ``c.Slurm.env``."""
        env = without_secrets(os.environ, self.config.exclude_env)
        if epoch_times:
            # Epoch times everywhere: no locale- or version-dependent date formats to parse.
            env["SLURM_TIME_FORMAT"] = "%s"
        return {**env, **self.config.env}

    async def run(
        self,
        name: str,
        args: list[str],
        *,
        stdin: bytes | None = None,
        env: dict[str, str] | None = None,
        on_stdout: Callable[[str], None] | None = None,
        cwd: str | None = None,
        epoch_times: bool = True,
    ) -> Result:
        """Run ``name`` with ``args``; with ``on_stdout`` the output is handed over as it arrives
        (and ``Result.stdout`` is empty), so a long listing is parsed while squeue still prints it.
        ``epoch_times=False`` for sbatch: what it gets, the job gets."""
        argv = [self.resolve(name), *self.config.extra_args, *args]
        child_env = {**self.environment(epoch_times=epoch_times), **(env or {})}
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=child_env,
            start_new_session=True,  # so a timeout kills the command's own children too
            cwd=cwd,
        )

        async def feed() -> None:
            if stdin is None or proc.stdin is None:
                return
            try:
                proc.stdin.write(stdin)
                await proc.stdin.drain()
                proc.stdin.close()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the command exited without reading it all; its stderr says why

        async def read_stdout() -> bytes:
            assert proc.stdout is not None
            if on_stdout is None:
                return await proc.stdout.read()
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            while chunk := await proc.stdout.read(1 << 16):
                on_stdout(decoder.decode(chunk))
            on_stdout(decoder.decode(b"", final=True))
            return b""

        async def talk() -> tuple[bytes, bytes]:
            assert proc.stderr is not None
            _, out, err = await asyncio.gather(feed(), read_stdout(), proc.stderr.read())
            await proc.wait()
            return out, err

        def kill() -> None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        try:
            out, err = await asyncio.wait_for(talk(), timeout=self.config.timeout)
        except asyncio.TimeoutError:
            kill()
            await proc.wait()
            raise CommandTimeout(f"'{name}' did not answer within {self.config.timeout:g} s and was stopped.") from None
        except asyncio.CancelledError:
            kill()  # whoever waited went away (a service stopping): no command left running
            await asyncio.shield(proc.wait())
            raise
        return Result(argv, proc.returncode or 0, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
