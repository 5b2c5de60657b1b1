"""Reading files other people may have placed: never block on them, never read without bound.

A named pipe (FIFO) called ``x.ipynb`` in a shared folder blocks a plain ``open()``
forever; a device or a growing file makes a plain ``read()`` endless. Here a file is
opened with ``O_NONBLOCK`` (and ``O_NOFOLLOW`` when a link must not be followed),
checked with ``fstat`` to be a regular file, and read up to a limit. Call these from
a worker thread (:func:`jupyterlab_hpc.offload.blocking`): a slow file system still
takes its time.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from . import errors


class NotRegularFile(OSError):
    """The path names a FIFO, a socket, a device or a folder, not a regular file."""


def open_regular(path: str | os.PathLike[str], *, nofollow: bool = False) -> BinaryIO:
    """``open(path, "rb")`` that refuses anything but a regular file instead of blocking on it."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_NOFOLLOW if nofollow else 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if nofollow and error.errno == errno.ELOOP:
            raise NotRegularFile(errno.ELOOP, "is a symbolic link", str(path)) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else "a special file"
            raise NotRegularFile(errno.EINVAL, f"is {kind}, not a regular file", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], limit: int, *, nofollow: bool = False, what: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; TooLarge beyond (even if it grows meanwhile)."""
    with open_regular(path, nofollow=nofollow) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise too_large(path, size, limit, what)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise too_large(path, len(data), limit, what)
    return data


def copy_regular(
    source: str | os.PathLike[str], target: str | os.PathLike[str], limit: int, *, mode: int = 0o644
) -> int:
    """Copy a regular file of at most ``limit`` bytes into a new file (``FileExistsError`` if ``target`` exists,
    even as a dangling link); returns the bytes copied. A partial target is removed."""
    with open_regular(source) as src:
        size = os.fstat(src.fileno()).st_size
        if size > limit:
            raise too_large(source, size, limit, None)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
        copied = 0
        try:
            with os.fdopen(fd, "wb") as dst:
                while True:
                    chunk = src.read(min(1 << 20, limit + 1 - copied))
                    if not chunk:
                        break
                    copied += len(chunk)
                    if copied > limit:
                        raise too_large(source, copied, limit, None)
                    dst.write(chunk)
        except BaseException:
            Path(target).unlink(missing_ok=True)
            raise
    return copied


def too_large(path: str | os.PathLike[str], size: int, limit: int, what: str | None) -> errors.TooLarge:
    name = what or f"'{Path(path).name}'"
    return errors.TooLarge(f"{name} is {_size(size)}, more than the limit of {_size(limit)}.")


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    return f"{n / 1e3:.1f} kB" if n < 1_000_000 else f"{n / 1e6:.1f} MB"
