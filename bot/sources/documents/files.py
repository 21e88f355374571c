"""Files under a root folder, reached without ever following a symbolic link.

``Path.is_file()``, ``stat()`` and ``rglob`` follow links, and ``lstat`` only looks at the
last component: a link to a folder outside the inbox once made Relais read, post and delete
that folder's files. Here every component below the root is checked (``lstat``), the real
path must stay under the real root, and files are opened component by component with
``O_NOFOLLOW`` so that a folder swapped for a link between the check and the open is refused
too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal

Kind = Literal["file", "dir", "odd", "outside", "missing"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def real_root(root: Path) -> Path:
    try:
        return root.resolve()
    except OSError:
        return root.absolute()


def classify(root: Path, path: Path) -> tuple[Kind, os.stat_result | None]:
    """What ``path`` is, looked at without following links.

    - ``file``/``dir``: a regular file or folder reached through real folders only;
    - ``odd``: a symbolic link (at the last component), FIFO, socket or device;
    - ``outside``: not under ``root``, or reached through a link somewhere above it;
    - ``missing``: gone (or unreadable).
    """
    try:
        relative = path.relative_to(root)
    except ValueError:
        return "outside", None
    parts = relative.parts
    if ".." in parts:
        return "outside", None
    current = root
    info: os.stat_result | None = None
    for index, part in enumerate(parts):
        current = current / part
        try:
            info = os.lstat(current)
        except OSError:
            return "missing", None
        last = index == len(parts) - 1
        if stat.S_ISLNK(info.st_mode):
            return ("odd", info) if last else ("outside", None)
        if not last and not stat.S_ISDIR(info.st_mode):
            return "missing", None
    if info is None:
        return "dir", None  # the root itself
    base = real_root(root)
    try:
        real = Path(os.path.realpath(current))
    except OSError:
        return "missing", None
    if real != base and not real.is_relative_to(base):
        return "outside", None
    if stat.S_ISREG(info.st_mode):
        return "file", info
    if stat.S_ISDIR(info.st_mode):
        return "dir", info
    return "odd", info


def open_beneath(root: Path, path: Path) -> int:
    """A read-only descriptor on the regular file ``path`` under ``root``, opened through
    real folders only. Raises ``OSError`` (``ELOOP`` for a link, ``EINVAL`` for a FIFO,
    device or anything outside)."""
    relative = path.relative_to(root)
    parts = relative.parts
    if not parts or ".." in parts:
        raise OSError(22, "outside the root", str(path))
    folder = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=folder)
            os.close(folder)
            folder = inner
        # O_NONBLOCK: opening a FIFO swapped in at the last moment must not hang.
        fd = os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=folder)
    finally:
        os.close(folder)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(22, "not a regular file", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_beneath(root: Path, path: Path, limit: int) -> bytes:
    """The bytes of ``path`` (at most ``limit + 1``: the caller sees it is too big)."""
    fd = open_beneath(root, path)
    try:
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
