from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store.db import Database, _split_sql, migration_files


async def test_migrations_applied_once_and_recorded(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "a.db")
    rows = await db.fetchall("SELECT number, name FROM schema_migrations ORDER BY number")
    assert [r["number"] for r in rows] == [n for n, _, _ in migration_files()]
    assert rows[0]["name"] == "0001_core.sql"
    await db.close()
    db = await Database.open(tmp_path / "a.db")
    assert await db.migrate() == []  # nothing applied twice
    mode = await db.fetchone("PRAGMA journal_mode")
    assert mode is not None and mode[0] == "wal"
    await db.close()


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "b.db")
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO kv(key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
    assert await db.fetchone("SELECT * FROM kv WHERE key = 'a'") is None
    await db.execute("INSERT INTO kv(key, value) VALUES ('a', '2')")
    row = await db.fetchone("SELECT value FROM kv WHERE key = 'a'")
    assert row is not None and row["value"] == "2"
    await db.close()


def test_split_sql_keeps_triggers_whole() -> None:
    script = """
    -- comment
    CREATE TABLE t (a INTEGER);
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET a = a + 1;
        SELECT 1;
    END;
    CREATE INDEX i ON t(a);
    """
    statements = _split_sql(script)
    assert len(statements) == 3
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    conn = sqlite3.connect(":memory:")
    for statement in statements:
        conn.execute(statement)


async def test_failed_migration_does_not_hang_or_half_apply(tmp_path: Path, monkeypatch) -> None:
    import bot.store.db as dbmod

    good = migration_files()
    bad = (9999, "9999_broken.sql", "CREATE TABLE ok_table (a INTEGER);\nCREATE TABLE (;")
    monkeypatch.setattr(dbmod, "migration_files", lambda: [*good, bad])
    with pytest.raises(sqlite3.OperationalError):
        await Database.open(tmp_path / "c.db")
    monkeypatch.setattr(dbmod, "migration_files", lambda: good)
    db = await Database.open(tmp_path / "c.db")
    assert await db.fetchone("SELECT name FROM sqlite_master WHERE name = 'ok_table'") is None
    await db.close()
