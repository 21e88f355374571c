"""One Relais per database: an exclusive ``fcntl`` lock on a file beside it.

The lock is taken before migrations and held for the life of the process; the kernel
releases it when the process dies, however it dies (SIGKILL, power cut), so a stale lock
file never blocks a restart. The file holds the pid of the holder, to name it to the
operator who starts a second one.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from bot.messages import t
from bot.store.db import StoreError, os_reason, prepare_folder


class AlreadyRunning(StoreError):
    """Another process holds the database's lock."""

    def __init__(self, message: str, pid: int | None) -> None:
        super().__init__(message)
        self.pid = pid


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def holder_pid(database: Path) -> int | None:
    """The pid written by the process that holds (or last held) the lock."""
    try:
        text = lock_path(database).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


class InstanceLock:
    def __init__(self, database: Path) -> None:
        self.database = Path(database)
        self.path = lock_path(self.database)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> InstanceLock:
        """Take the lock at once or raise ``AlreadyRunning`` (never waits)."""
        try:
            prepare_folder(self.database)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise StoreError(
                t("store.lock_failed", path=self.path, reason=os_reason(exc))
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            pid = holder_pid(self.database)
            raise AlreadyRunning(
                t(
                    "store.already_running",
                    path=self.database,
                    pid=pid if pid is not None else t("store.already_running.unknown"),
                ),
                pid,
            ) from None
        except OSError as exc:
            os.close(fd)
            raise StoreError(
                t("store.lock_failed", path=self.path, reason=os_reason(exc))
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            # The file stays: removing it would race with a process about to lock it.
            try:
                os.ftruncate(fd, 0)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)

    def is_free(self) -> bool:
        """True when no process holds the lock (checked by taking it for an instant)."""
        if self.held:
            return False
        try:
            self.acquire()
        except AlreadyRunning:
            return False
        self.release()
        return True

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
