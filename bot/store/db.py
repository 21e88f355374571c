"""SQLite through aiosqlite: WAL, numbered migrations, serialised writes, committed reads.

Two connections: writers take turns on one (``transaction``); reads go to the other, where
WAL gives each statement a snapshot of what is committed. A read made while another
coroutine holds a transaction therefore never sees rows that may still be rolled back. A
read inside one's own transaction (same task) goes to the writer, to see one's own writes.
"""

from __future__ import annotations

import asyncio
import contextvars
import errno
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.errors import RelaisError
from bot.messages import t

log = logging.getLogger(__name__)

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

# Set while the current task (and what it awaits) is inside ``Database.transaction``.
_IN_TRANSACTION: contextvars.ContextVar[Database | None] = contextvars.ContextVar(
    "relais_in_transaction", default=None
)


class StoreError(RelaisError):
    """The database cannot be used; the message, in French, tells the operator what to do."""


class DatabaseUnusable(StoreError):
    """Corrupt, foreign, unreadable or newer than this Relais: refuse before writing."""


class DatabaseLost(StoreError):
    """The file was deleted or replaced while Relais ran: writing on would go to a ghost."""


def migration_files() -> list[tuple[int, str, str]]:
    """(number, name, sql) of every migration shipped in bot/store/migrations, in order."""
    found = []
    for entry in resources.files("bot.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if len(numbers) != len(set(numbers)):
        raise RuntimeError(f"two migrations share a number: {numbers}")
    return found


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path`` now; None when nothing is there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


async def _connect(path: Path | str, *, read_only: bool = False) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA busy_timeout=10000")
        if read_only:
            await conn.execute("PRAGMA query_only=ON")
        else:
            await _set_wal(conn)
            await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        # aiosqlite's thread would otherwise keep the process alive (the "hang for ever").
        await conn.close()
        raise
    return conn


_OS_REASONS = {
    errno.ENOENT: "fichier ou dossier absent",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOTDIR: "un élément du chemin n’est pas un dossier",
    errno.EISDIR: "c’est un dossier",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.ENOSPC: "disque plein",
}


def os_reason(exc: OSError) -> str:
    """The French reason of an OS error (strerror is English)."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


async def _set_wal(conn: aiosqlite.Connection) -> None:
    """WAL mode; SQLite answers "database is locked" at once (busy_timeout does not apply)
    while another connection is switching a new file to WAL: try again for a few seconds."""
    for attempt in range(50):
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            await asyncio.sleep(0.1)


def prepare_folder(path: Path) -> None:
    """Create the database's folder if needed; ``DatabaseUnusable`` (French) if it cannot."""
    folder = path.parent
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnusable(t("store.no_folder", folder=folder, reason=os_reason(exc))) from None


class Database:
    """A writer connection and a reader connection on one SQLite file in WAL mode.

    ``conn`` stays the writer for code that runs statements inside ``transaction``; reads go
    through ``fetchall`` / ``fetchone`` / ``read()``, which see committed data only.
    """

    def __init__(
        self,
        conn: aiosqlite.Connection,
        path: Path,
        reader: aiosqlite.Connection | None = None,
    ) -> None:
        self.conn = conn
        self.path = path
        self.reader = reader or conn
        self._write_lock = asyncio.Lock()
        self.identity = file_identity(path) if str(path) != ":memory:" else None
        self.lost = False
        # Called after every COMMIT (the durable clock re-reads its earliest row): a hook of
        # this database, not a module-level list, so two databases never hear each other.
        self.after_commit: list[Callable[[], None]] = []

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        """Open (creating it if absent) and migrate; ``DatabaseUnusable`` with a French
        message when the file is not a Relais database or cannot be opened."""
        path = Path(path)
        memory = str(path) == ":memory:"
        if not memory:
            prepare_folder(path)
            if path.exists() and not path.is_file():
                raise DatabaseUnusable(
                    t("store.cannot_open", path=path, reason="ce n’est pas un fichier")
                )
        try:
            conn = await _connect(path)
        except sqlite3.DatabaseError as exc:
            raise _unusable(path, exc) from None
        db = cls(conn, path)
        try:
            await db._check_ours()
            if migrate:
                await db.migrate()
            if not memory:
                db.reader = await _connect(path, read_only=True)
        except sqlite3.DatabaseError as exc:
            await conn.close()
            if _is_corrupt(exc):
                raise DatabaseUnusable(t("store.not_a_database", path=path)) from None
            raise
        except BaseException:
            await conn.close()
            raise
        return db

    async def _check_ours(self) -> None:
        """Refuse a SQLite file of another application before touching it."""
        try:
            rows = await self.conn.execute_fetchall(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        except sqlite3.DatabaseError as exc:
            raise _unusable(self.path, exc) from None
        tables = sorted(row[0] for row in rows)
        if tables and "schema_migrations" not in tables:
            shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
            raise DatabaseUnusable(t("store.foreign_database", path=self.path, tables=shown))
        if "schema_migrations" in tables:
            known = {number for number, _, _ in migration_files()}
            rows = await self.conn.execute_fetchall("SELECT number FROM schema_migrations")
            unknown = sorted(row[0] for row in rows if row[0] not in known)
            if unknown:
                raise DatabaseUnusable(t("store.newer_schema", path=self.path, number=unknown[-1]))

    async def close(self) -> None:
        if self.reader is not self.conn:
            await self.reader.close()
        await self.conn.close()

    # ------------------------------------------------------------------ file identity
    def check_identity(self) -> None:
        """Raise ``DatabaseLost`` once the file at ``path`` is not the one opened (deleted,
        replaced, moved): SQLite would keep writing to the unlinked inode without a word."""
        if self.identity is None:
            return
        if self.lost or file_identity(self.path) != self.identity:
            self.lost = True
            raise DatabaseLost(t("store.lost", path=self.path))

    async def migrate(self) -> list[str]:
        """Apply, each in its own transaction, the migrations not yet recorded.

        Each migration checks again inside its write transaction whether it was recorded:
        a second process opening the same new file at the same moment waits for the first
        one's transaction and then skips it, instead of failing on "table already exists".
        """
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        rows = await self.conn.execute_fetchall("SELECT number FROM schema_migrations")
        done = {row[0] for row in rows}
        applied = []
        for number, name, sql in migration_files():
            if number in done:
                continue
            async with self.transaction() as conn:
                cursor = await conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE number = ?", (number,)
                )
                if await cursor.fetchone() is not None:
                    continue
                # executescript would COMMIT on its own; run statements one by one instead.
                for statement in _split_sql(sql):
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations(number, name, applied_at)"
                    " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%S+00:00','now'))",
                    (number, name),
                )
            log.info("applied migration %s", name)
            applied.append(name)
        return applied

    # ------------------------------------------------------------------ writes
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        if self.lost:
            raise DatabaseLost(t("store.lost", path=self.path))
        async with self._write_lock:
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
            except asyncio.CancelledError:
                # aiosqlite runs the statement in its thread all the same: undo it (queued
                # after it), or the next writer would find a transaction already open.
                with suppress(sqlite3.OperationalError):
                    await self.conn.execute("ROLLBACK")
                raise
            token = _IN_TRANSACTION.set(self)
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")
                for callback in list(self.after_commit):
                    try:
                        callback()
                    except Exception:  # a listener must never undo a committed write
                        log.exception("after-commit callback failed")
            finally:
                _IN_TRANSACTION.reset(token)

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write in its own transaction; returns lastrowid."""
        async with self.transaction() as conn:
            cursor = await conn.execute(sql, tuple(params))
            return cursor.lastrowid or 0

    # ------------------------------------------------------------------ reads
    def _read_conn(self) -> aiosqlite.Connection:
        # Inside one's own transaction, read one's own writes (and do not deadlock on them).
        return self.conn if _IN_TRANSACTION.get() is self else self.reader

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        rows = await self._read_conn().execute_fetchall(sql, tuple(params))
        return list(rows)

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Row | None:
        # One trip to the connection's thread, like fetchall: a cursor kept open across
        # awaits holds the reader's snapshot, and a read queued meanwhile by another task
        # (right after its own commit) would not see that commit.
        rows = await self._read_conn().execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)


def _is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc)
    return "not a database" in text or "malformed" in text or "encrypted" in text


def _unusable(path: Path, exc: sqlite3.DatabaseError) -> DatabaseUnusable:
    text = str(exc)
    if _is_corrupt(exc):
        return DatabaseUnusable(t("store.not_a_database", path=path))
    return DatabaseUnusable(t("store.cannot_open", path=path, reason=text))


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping CREATE TRIGGER ... END; blocks whole."""
    statements: list[str] = []
    buffer: list[str] = []
    for line in script.splitlines():
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("--")):
            continue
        buffer.append(line)
        candidate = "\n".join(buffer)
        if sqlite3.complete_statement(candidate):
            statements.append(candidate.strip())
            buffer = []
    if "\n".join(buffer).strip():
        statements.append("\n".join(buffer).strip())
    return statements
