"""Faults of the machine rather than of the input (disk full, read-only folder, a locked manifest, too little
memory), told as located Chinese messages that say what to do; and the lock that keeps two builds apart."""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from ..errors import DocgenError
from .manifest import FILENAME, FOLDER

LOCK = "lock"  # OUT/.docgen/lock: held by the running build; says who that is
LOCK_WAIT = float(os.environ.get("DOCGEN_LOCK_WAIT", "10"))  # seconds to wait for another build to finish
KEPT = "已生成的文件保持不变"


class BuildFault(DocgenError):
    """The build cannot go on (disk full, no permission, locked by another build); what was written is kept."""


def os_problem(exc: OSError) -> str:
    """What an OSError means for a user, and what to do about it."""
    code = exc.errno
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return "磁盘已满（或超出配额）：请腾出空间后重新运行"
    if code in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        return ("没有写入权限（文件可能正在被 Word/WPS/Excel 打开，或目录只读）："
                "请关闭文件或修改权限、换一个输出目录后重新运行")
    if code == errno.EROFS:
        return "所在的磁盘是只读的：请换一个可写的输出目录后重新运行"
    if code == errno.ENAMETOOLONG:
        return "文件名过长：请缩短项目名称或输出目录的路径"
    if code in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return "路径上有同名的文件或文件夹挡住了：请移走它后重新运行"
    if code == errno.ENOENT:
        return "文件或文件夹在生成过程中被删除或移走：请确认后重新运行"
    if code == errno.EIO:
        return "磁盘读写出错：请检查磁盘或网络共享后重新运行"
    return f"无法读写（错误号 {code}：{exc.strerror}）：请检查后重新运行"


def sqlite_problem(exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if "full" in text:
        return "磁盘已满，构建记录无法写入：请腾出空间后重新运行"
    if "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text:
        return "构建记录无法写入（输出目录只读或没有权限）：请修改权限或换一个输出目录后重新运行"
    if "locked" in text or "busy" in text:
        return "构建记录正被另一个 docgen build 使用：请等它结束后重新运行"
    if "disk i/o" in text:
        return "构建记录读写出错（磁盘或网络共享有问题，或磁盘已满）：请检查后重新运行"
    return f"构建记录无法使用（{exc}）：请删除该文件后重新运行（所有文件会重新生成一次）"


def explain(exc: BaseException, out: Path) -> str:
    """A located message for a fault that stops the build."""
    if isinstance(exc, MemoryError):
        return (f"{out}: 内存不足，生成中止（可能有过大的项目文件或模板）："
                f"请关闭其他程序、减少 --jobs 或分批生成；{KEPT}")
    if isinstance(exc, sqlite3.Error):
        manifest = out / FOLDER / FILENAME
        if manifest.is_dir():
            return f"{manifest}: 构建记录的位置被一个文件夹挡住了：请移走它后重新运行；{KEPT}"
        return f"{manifest}: {sqlite_problem(exc)}；{KEPT}"
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename else out
        return f"{where}: {os_problem(exc)}；{KEPT}"
    return f"{out}: {type(exc).__name__}: {exc}；{KEPT}"


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text or "另一个 docgen build"


class BuildLock:
    """``OUT/.docgen/lock``: one build at a time per output folder. A second build waits up to ``wait``
    seconds, then stops naming the holder (process id, computer, start time). The lock is the OS's
    (``flock``), so one left by a killed build is free again at once."""

    def __init__(self, out: Path, wait: float | None = None) -> None:
        self.path = out / FOLDER / LOCK
        self.wait = LOCK_WAIT if wait is None else wait
        self.fh: IO[str] | None = None

    def __enter__(self) -> BuildLock:
        try:
            import fcntl
        except ImportError:  # Windows: no flock; SQLite's own locking still keeps the manifest whole
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+", encoding="utf-8")
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    fh.close()
                    raise
                if time.monotonic() >= deadline:
                    fh.close()
                    raise BuildFault(
                        f"{self.path.parent.parent}: 另一个 docgen build 正在使用这个输出目录"
                        f"（{_holder(self.path)}），等待 {self.wait:g} 秒后仍未结束：请等它完成后再运行，"
                        f"或换一个输出目录；{KEPT}") from None
                time.sleep(0.1)
        started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        fh.seek(0)
        fh.truncate()
        fh.write(f"进程 {os.getpid()}，计算机 {socket.gethostname()}，开始于 {started}")
        fh.flush()
        self.fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()  # closing releases the flock
            self.fh = None
