"""Transient or permanent? A failure of the environment is retried, never a refusal.

Content errors (unreadable, encrypted, empty, too big) are the document's: it goes to
``erreurs/`` with a French reason. Environment errors (database locked or busy, disk full,
I/O error, out of memory) are the machine's: the file stays where it is and is tried again
with backoff, staff hear once that something is wrong and once that it is over.
"""

from __future__ import annotations

import errno
import sqlite3

from bot.sources.documents import DocumentError

# OSError numbers that say "the machine, now", not "this file".
_TRANSIENT_ERRNOS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EIO,
        errno.ENOMEM,
        errno.EAGAIN,
        errno.EBUSY,
        errno.ETIMEDOUT,
        errno.ENFILE,
        errno.EMFILE,
        errno.ESTALE,
        errno.EROFS,
    }
)
# What SQLite says when another process holds the write lock, the disk is full or failing.
_SQLITE_TRANSIENT = (
    "locked",
    "busy",
    "disk i/o error",
    "database or disk is full",
    "unable to open database",
    "out of memory",
)

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 300.0


def is_transient(exc: BaseException | None) -> bool:
    """True for a failure of the environment (retry later), False for one of the content."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, MemoryError):
            return True
        if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and any(
            word in str(exc).lower() for word in _SQLITE_TRANSIENT
        ):
            return True
        if isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS:
            return True
        if isinstance(exc, DocumentError):
            if exc.code == "memory":
                return True  # the reader ran out of memory: the machine's state
            if exc.code != "io":
                return False  # the reader judged the content
        exc = exc.__cause__ or exc.__context__
    return False


def describe(exc: BaseException) -> str:
    """A short technical detail for staff (English is fine in the detail)."""
    while isinstance(exc, DocumentError) and exc.__cause__ is not None:
        exc = exc.__cause__
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{type(exc).__name__} {errno.errorcode.get(exc.errno, exc.errno)}"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


def backoff(attempt: int) -> float:
    return min(BACKOFF_FIRST * 2 ** max(attempt - 1, 0), BACKOFF_MAX)
