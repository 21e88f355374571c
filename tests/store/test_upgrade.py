"""Upgrades: a database left by every earlier schema version, with data in every table,
opened by this Relais: every migration since applies, and no row or value is lost.

Rows are made from each table's own definition (types, NOT NULL, CHECK (x IN (...)),
foreign keys), so tables that later migrations add are covered without editing this test;
a few columns get realistic French values, and a communication written before full-text
search existed must be found by it after the upgrade.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.store.db import Database, _split_sql, migration_files

MIGRATIONS = migration_files()
VERSIONS = [number for number, _, _ in MIGRATIONS]

REALISTIC = {
    ("communications", "title"): "PSOC 2027-2028 : ouverture de la période de dépôt",
    ("communications", "text"): (
        "Les organismes communautaires pourront déposer leur demande de soutien à la mission "
        "globale du 1er décembre 2026 au 29 janvier 2027 dans le portail."
    ),
    ("communications", "source_name"): "MSSS — Salle de presse",
    ("communications", "channel"): "psoc",
    ("communications", "scope"): "feed:msss",
    ("outbox", "status"): "pending",
    ("outbox", "channel"): "psoc",
    ("outbox", "payload"): '{"channel": "psoc", "content": "Rappel : dépôt PSOC"}',
    ("feeds", "url"): "https://www.msss.gouv.qc.ca/rss/communiques.xml",
    ("feeds", "name"): "MSSS — communiqués",
    ("cal_meetings", "title"): "Comité de liaison MSSS–CTROC",
    ("cal_deadlines", "title"): "Dépôt de l’avis de la CTROC",
    ("cal_delegations", "name"): "Groupe de travail PSOC",
    ("announcements", "title"): "Assemblée des membres",
}


def _apply(path: Path, upto: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for number, name, sql in MIGRATIONS:
        if number > upto:
            break
        conn.execute("BEGIN")
        for statement in _split_sql(sql):
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, '2026-09-01T12:00:00+00:00')",
            (number, name),
        )
        conn.execute("COMMIT")
    conn.close()


def _tables(conn: sqlite3.Connection) -> dict[str, str]:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE TABLE%'"
        " AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'"
    ).fetchall()
    return {name: sql for name, sql in rows}


def _value(table: str, column: str, kind: str, sql: str, n: int) -> Any:
    if (table, column) in REALISTIC:
        return REALISTIC[(table, column)]
    allowed = re.search(rf"CHECK\s*\(\s*{column}\s+IN\s*\(\s*'([^']*)'", sql)
    if allowed:
        return allowed.group(1)
    kind = kind.upper()
    if "INT" in kind:
        return 0 if column in ("paused", "late", "relayed", "initialized") else n
    if "REAL" in kind:
        return 5.0
    if column.endswith("_json"):
        return "[]"
    if column == "payload":
        return "{}"
    if column in ("end_at", "ends_at"):
        return "2027-01-14T17:00:00+00:00"
    if column.endswith(("_at", "_date", "published", "due", "next_poll", "last_success")):
        return "2027-01-14T14:30:00+00:00"
    return f"{table}.{column} n°{n} — é"


def _fill(path: Path) -> dict[str, dict[str, Any]]:
    """One row in every table (parents first); returns table -> {column: value} written."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    tables = _tables(conn)
    written: dict[str, dict[str, Any]] = {}
    ids: dict[str, int] = {}
    pending = list(tables)
    for _ in range(len(pending) + 1):
        for table in list(pending):
            fks = conn.execute(f"PRAGMA foreign_key_list({table})").fetchall()
            parents = {fk[2] for fk in fks if fk[2] != table}
            if not parents <= set(ids):
                continue
            by_column = {fk[3]: fk[2] for fk in fks}
            # The parent's column each key points at (None: its rowid / INTEGER PRIMARY KEY).
            target = {fk[3]: fk[4] for fk in fks}
            row: dict[str, Any] = {}
            for _, column, kind, _notnull, _default, pk in conn.execute(
                f"PRAGMA table_info({table})"
            ).fetchall():
                parent = by_column.get(column)
                if parent == table:
                    continue  # a row pointing at another of its table: none yet
                if parent is not None:
                    to = target.get(column)
                    row[column] = (
                        written[parent][to] if to and to in written[parent] else ids[parent]
                    )
                elif pk and "INT" in kind.upper():
                    continue  # rowid
                else:
                    row[column] = _value(table, column, kind, tables[table], len(written) + 1)
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            cursor = conn.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values())
            )
            ids[table] = cursor.lastrowid or 0
            written[table] = row
            pending.remove(table)
    assert not pending, f"tables whose parents could not be filled: {pending}"
    conn.close()
    return written


@pytest.mark.parametrize("version", VERSIONS[:-1], ids=[f"v{n:04d}" for n in VERSIONS[:-1]])
async def test_upgrade_from_every_earlier_version_keeps_every_row(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / "relais.db"
    _apply(path, version)
    written = _fill(path)
    assert "communications" in written and "outbox" in written

    db = await Database.open(path)
    try:
        applied = {r["number"] for r in await db.fetchall("SELECT number FROM schema_migrations")}
        assert applied == set(VERSIONS)
        for table, row in written.items():
            where = " AND ".join(f"{column} IS ?" for column in row)
            found = await db.fetchall(f"SELECT * FROM {table} WHERE {where}", tuple(row.values()))
            assert len(found) == 1, f"{table}: the row written at v{version} is gone or changed"
        if "communications_fts" in {
            r["name"] for r in await db.fetchall("SELECT name FROM sqlite_master")
        }:
            hits = await db.fetchall(
                "SELECT rowid FROM communications_fts WHERE communications_fts MATCH ?",
                ("depot AND organismes",),
            )
            assert len(hits) == 1  # written before search existed, found by it now
        pending = await db.fetchone("SELECT status, payload FROM outbox")
        assert pending is not None and pending["status"] == "pending"
    finally:
        await db.close()

    # Opening again applies nothing and changes nothing.
    db = await Database.open(path)
    try:
        count = await db.fetchone("SELECT COUNT(*) AS n FROM schema_migrations")
        assert count is not None and count["n"] == len(VERSIONS)
    finally:
        await db.close()
