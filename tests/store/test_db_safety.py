"""The database under stress: committed reads, corrupt or foreign files, two openers."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.store.db import Database, DatabaseLost, DatabaseUnusable
from bot.store.lock import AlreadyRunning, InstanceLock, holder_pid


async def test_a_read_during_another_coroutines_transaction_sees_only_committed_rows(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "r.db")
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer_that_fails() -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO kv(key, value) VALUES ('relay', 'en cours')")
            inside.set()
            await release.wait()
            raise RuntimeError("the relay failed: its row is rolled back")

    task = asyncio.create_task(writer_that_fails())
    await inside.wait()
    # What the inbox's duplicate check does while a relay is in flight:
    seen = await db.fetchone("SELECT value FROM kv WHERE key = 'relay'")
    seen_all = await db.fetchall("SELECT key FROM kv")
    release.set()
    with pytest.raises(RuntimeError):
        await task
    assert seen is None, "a read saw a row that was then rolled back"
    assert seen_all == []
    assert await db.fetchone("SELECT value FROM kv WHERE key = 'relay'") is None
    await db.close()


async def test_reads_inside_ones_own_transaction_see_ones_own_writes(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "own.db")
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO kv(key, value) VALUES ('a', '1')")
        row = await db.fetchone("SELECT value FROM kv WHERE key = 'a'")
        assert row is not None and row["value"] == "1"
    # committed: the reader connection sees it now
    row = await db.fetchone("SELECT value FROM kv WHERE key = 'a'")
    assert row is not None and row["value"] == "1"
    assert (await db.fetchall("SELECT COUNT(*) AS n FROM kv"))[0]["n"] == 1
    await db.close()


async def test_a_read_right_after_a_commit_sees_it_while_other_tasks_read(tmp_path: Path) -> None:
    """The reader connection is shared: a read that kept its statement open across awaits
    held the connection's snapshot, so another task reading just after its own commit could
    get the old data (a member's « activer » answered with an internal error)."""
    db = await Database.open(tmp_path / "shared.db")

    async def background_reads() -> None:  # what the clock and the outbox do after commits
        for _ in range(300):
            await db.fetchone("SELECT COUNT(*) AS n FROM kv")

    missed: list[int] = []

    async def write_then_read(i: int) -> None:
        await db.execute("INSERT INTO kv(key, value) VALUES (?, '1')", (f"k{i}",))
        if await db.fetchone("SELECT value FROM kv WHERE key = ?", (f"k{i}",)) is None:
            missed.append(i)

    await asyncio.gather(
        background_reads(), background_reads(), *(write_then_read(i) for i in range(150))
    )
    assert missed == []
    await db.close()


async def test_two_first_opens_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    first, second = await asyncio.gather(Database.open(path), Database.open(path))
    rows = await first.fetchall("SELECT number FROM schema_migrations")
    assert len(rows) == len({r["number"] for r in rows}) > 0
    await first.close()
    await second.close()


async def test_a_corrupt_file_is_refused_in_french(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"ceci n'est pas une base SQLite\n" * 200)
    with pytest.raises(DatabaseUnusable, match="n’est pas une base de données SQLite"):
        await Database.open(path)
    assert path.read_bytes().startswith(b"ceci n'est pas")  # untouched


async def test_a_sqlite_file_of_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseUnusable, match=r"n’appartient pas à Relais.*users"):
        await Database.open(path)
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert names == {"users"}  # nothing written into it


async def test_a_database_path_that_cannot_be_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dossier.db").mkdir()
    with pytest.raises(DatabaseUnusable, match="ce n’est pas un fichier"):
        await Database.open(tmp_path / "dossier.db")
    (tmp_path / "fichier").write_text("x")
    with pytest.raises(DatabaseUnusable, match="ne peut pas être créé"):
        await Database.open(tmp_path / "fichier" / "sous" / "relais.db")


async def test_a_database_deleted_or_replaced_is_noticed_and_no_longer_written(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gone.db"
    db = await Database.open(path)
    db.check_identity()  # the file is there: nothing to say
    path.unlink()
    with pytest.raises(DatabaseLost, match="supprimée ou remplacée"):
        db.check_identity()
    with pytest.raises(DatabaseLost):
        await db.execute("INSERT INTO kv(key, value) VALUES ('x', 'y')")
    await db.close()

    db = await Database.open(path)
    replacement = tmp_path / "other.db"
    replacement.write_bytes(path.read_bytes())
    replacement.replace(path)  # same name, another file
    with pytest.raises(DatabaseLost):
        db.check_identity()
    await db.close()


def test_the_instance_lock_is_exclusive_and_names_its_holder(tmp_path: Path) -> None:
    import os

    database = tmp_path / "relais.db"
    first = InstanceLock(database).acquire()
    assert holder_pid(database) == os.getpid()
    with pytest.raises(AlreadyRunning, match=f"processus n° {os.getpid()}"):
        InstanceLock(database).acquire()
    assert not InstanceLock(database).is_free()
    first.release()
    with InstanceLock(database):
        pass
    assert InstanceLock(database).is_free()
