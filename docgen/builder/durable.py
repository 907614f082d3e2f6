"""Durability without a sync per file: files are written atomically without ``fsync``, then the whole file
system holding OUT is flushed once per batch of finished jobs (``syncfs``), before the manifest records them.

On Linux ``syncfs(2)`` (through ctypes) flushes only OUT's file system; elsewhere ``os.sync()`` flushes all of
them; where neither exists (Windows) every file is synced as it is written (:data:`PER_FILE`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from ..render.package import atomic_file


@cache
def _syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn  # type: ignore[no-any-return]


PER_FILE = _syncfs() is None and not hasattr(os, "sync")  # no batch flush here: sync each file as written


def sync_tree(folder: Path) -> None:
    """Make every file written (and renamed, and deleted) on ``folder``'s file system durable."""
    fn = _syncfs()
    if fn is not None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            if fn(fd) == 0:
                return
        finally:
            os.close(fd)
    if hasattr(os, "sync"):
        os.sync()


def write_lines_atomic(path: Path, lines: Iterable[str]) -> None:
    """Write text (UTF-8) a line at a time through a temporary file and a rename, then sync it (a report)."""
    with atomic_file(path, sync=True, text=True) as fh:
        fh.writelines(lines)
