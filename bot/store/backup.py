"""`relais sauvegarde` and `relais restaurer`: consistent copies of the live database.

The copy uses SQLite's online backup API on a connection of its own: in WAL mode a reader
never blocks the running bot, and the copy is one committed snapshot. It needs no instance
lock, so it runs beside the bot (cron, systemd timer). Restoring replaces the database and
therefore refuses while a Relais holds the lock; the database it replaces is kept beside it.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.messages import t
from bot.store.db import DatabaseUnusable, StoreError, migration_files, os_reason
from bot.store.lock import AlreadyRunning, InstanceLock

SIDE_FILES = ("-wal", "-shm")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _size(path: Path) -> str:
    size = path.stat().st_size
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
    return f"{max(1, round(size / 1024))} Ko"


def _check_copy(path: Path) -> str | None:
    """None when ``path`` is an intact Relais database; otherwise what is wrong (French)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        if [tuple(r) for r in result] != [("ok",)]:
            return "; ".join(str(r[0]) for r in result[:3])
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "schema_migrations" not in names:
            return "ce n’est pas une base Relais (table schema_migrations absente)"
        known = {number for number, _, _ in migration_files()}
        applied = {r[0] for r in conn.execute("SELECT number FROM schema_migrations")}
        newer = sorted(applied - known)
        if newer:
            return f"faite par une version plus récente de Relais (migration n° {newer[-1]})"
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return None


def copy_database(source: Path, dest: Path) -> None:
    """One consistent snapshot of ``source`` written to ``dest`` (a single file, no WAL)."""
    src = sqlite3.connect(source, timeout=30)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        out = sqlite3.connect(dest)
        try:
            # pages=-1: the whole database in one step, i.e. one read snapshot; stepping in
            # chunks would restart each time the bot writes and might never finish.
            src.backup(out, pages=-1)
            out.execute("PRAGMA journal_mode=DELETE")
            out.commit()
        finally:
            out.close()
    finally:
        src.close()


def backup_command(database: Path, dest: Path) -> int:
    database = Path(database)
    if not database.is_file():
        raise StoreError(t("store.backup.no_source", path=database))
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / f"{database.stem}-{_stamp()}.db"
    if dest.resolve() == database.resolve():
        raise StoreError(
            t("store.backup.bad_dest", dest=dest, reason="c’est la base elle-même")
        )
    partial = dest.with_name(dest.name + ".partiel")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        copy_database(database, partial)
    except sqlite3.DatabaseError as exc:
        partial.unlink(missing_ok=True)
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise DatabaseUnusable(t("store.not_a_database", path=database)) from None
        raise StoreError(t("store.backup.bad_dest", dest=dest, reason=exc)) from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(t("store.backup.bad_dest", dest=dest, reason=os_reason(exc))) from None
    problem = _check_copy(partial)
    if problem is not None:
        partial.unlink(missing_ok=True)
        raise StoreError(t("store.backup.corrupt", dest=dest, reason=problem))
    os.replace(partial, dest)  # atomic: a reader of DEST never sees half a copy
    print(t("store.backup.done", dest=dest, size=_size(dest)), flush=True)
    return 0


def restore_command(database: Path, src: Path) -> int:
    database, src = Path(database), Path(src)
    if not src.is_file():
        raise StoreError(t("store.restore.no_source", src=src))
    lock = InstanceLock(database)
    try:
        lock.acquire()  # held throughout: no Relais may start on a half-restored file
    except AlreadyRunning as exc:
        raise StoreError(
            t("store.restore.running", path=database, pid=exc.pid or "inconnu")
        ) from None
    try:
        problem = _check_copy(src)
        if problem is not None:
            raise StoreError(t("store.restore.bad_source", src=src, reason=problem))
        incoming = database.with_name(database.name + ".restauration")
        incoming.unlink(missing_ok=True)
        try:
            copy_database(src, incoming)
        except (sqlite3.Error, OSError) as exc:
            incoming.unlink(missing_ok=True)
            raise StoreError(t("store.restore.bad_source", src=src, reason=exc)) from None
        previous: Path | None = None
        if database.exists():
            # The WAL may hold committed transactions (after a kill): keep it with its file.
            previous = database.with_name(f"{database.name}.avant-restauration-{_stamp()}")
            os.replace(database, previous)
            for suffix in SIDE_FILES:
                side = database.with_name(database.name + suffix)
                if side.exists():
                    os.replace(side, previous.with_name(previous.name + suffix))
        os.replace(incoming, database)
    finally:
        lock.release()
    if previous is not None:
        print(t("store.restore.done", path=database, src=src, previous=previous), flush=True)
    else:
        print(t("store.restore.done_fresh", path=database, src=src), flush=True)
    return 0
