"""Coalescing: however many requests arrive, one command per refresh window."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any


class Coalescer:
    """Shares one call's result between all requests of a refresh window.

    The first request starts the call as a task of its own; requests arriving
    while it runs await the same task; requests within ``window`` seconds after
    it finished get its result. Failures are shared by the requests that waited
    for them but not kept afterwards, so the next request asks Slurm again.
    """

    def __init__(self, window: Callable[[], float]):
        self._window = window
        self._entries: dict[Any, tuple[float, asyncio.Task]] = {}
        self.calls = 0  # how many times the command really ran (tests, benchmarks)

    def _usable(self, entry: tuple[float, asyncio.Task] | None) -> bool:
        if entry is None:
            return False
        finished_at, task = entry
        if not task.done():
            return True
        return not task.cancelled() and task.exception() is None and time.monotonic() - finished_at < self._window()

    async def get(self, key: Any, fetch: Callable[[], Awaitable[Any]]) -> Any:
        entry = self._entries.get(key)
        if not self._usable(entry):
            task = asyncio.ensure_future(self._run(key, fetch))
            entry = self._entries[key] = (time.monotonic(), task)
            self.calls += 1
        # shield: one impatient client going away must not cancel the others' answer.
        return await asyncio.shield(entry[1])

    async def _run(self, key: Any, fetch: Callable[[], Awaitable[Any]]) -> Any:
        me = asyncio.current_task()
        try:
            result = await fetch()
        except BaseException:
            if key in self._entries and self._entries[key][1] is me:
                del self._entries[key]
            raise
        if key in self._entries and self._entries[key][1] is me:
            self._entries[key] = (time.monotonic(), me)
        return result

    def fresh(self, key: Any) -> Any | None:
        """A finished result still within its window, without running anything."""
        entry = self._entries.get(key)
        if entry is not None and entry[1].done() and self._usable(entry):
            return entry[1].result()
        return None

    def cancel(self) -> None:
        """Stop the calls still running (their commands are killed): the owner is going away."""
        for _, task in self._entries.values():
            task.cancel()

    def invalidate(self) -> None:
        """Forget finished results (after an action the next list asks Slurm again)."""
        self._entries = {key: entry for key, entry in self._entries.items() if not entry[1].done()}
