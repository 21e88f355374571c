"""Which failures are the machine's (retried) and which the document's (refused)."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from bot.sources.documents import DocumentError
from bot.sources.inbox.transient import backoff, describe, is_transient


def _io_error(code: int) -> DocumentError:
    try:
        try:
            raise OSError(code, "boom")
        except OSError as exc:
            raise DocumentError("Le fichier n'a pas pu être lu.", code="io") from exc
    except DocumentError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    "exc",
    [
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("database table is locked"),
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("disk I/O error"),
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EIO, "Input/output error"),
        MemoryError(),
        _io_error(errno.EIO),
        DocumentError("mémoire insuffisante", code="memory"),
    ],
)
def test_environment_failures_are_transient(exc: BaseException) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        DocumentError("Le PDF est protégé.", code="pdf_encrypted"),
        DocumentError("Le fichier est vide.", code="empty"),
        DocumentError("Trop gros.", code="too_large"),
        _io_error(errno.EACCES),
        sqlite3.IntegrityError("UNIQUE constraint failed"),
        ValueError("bad"),
    ],
)
def test_content_failures_are_permanent(exc: BaseException) -> None:
    assert not is_transient(exc)


def test_backoff_grows_and_is_capped() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert backoff(50) == 300.0
    assert "ENOSPC" in describe(OSError(errno.ENOSPC, "No space left on device"))
