"""The one way handlers run blocking work (file system, fsync, git, parsing big
files): on a worker thread, so the event loop keeps serving other requests."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# A pool of our own: a stat hanging on a dead mount or a slow git fetch must not
# take every thread of the loop's default executor (which jupyter_server uses too).
_POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="jupyterlab-hpc")


async def blocking(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``await blocking(fn, *args)`` runs ``fn(*args)`` on a worker thread."""
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await loop.run_in_executor(_POOL, call)
