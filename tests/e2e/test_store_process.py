"""`relais` as a process against a database in trouble: a second instance, a corrupt or
foreign file, the database deleted while running, backups taken while the bot runs."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import REPO
from tests.helpers import wait_until

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses fcntl, signals")


def _env(tmp_path: Path, db: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RELAIS_"))}
    env.update(
        {
            "RELAIS_DATABASE": str(db or tmp_path / "relais.db"),
            "RELAIS_INBOX": str(tmp_path / "inbox"),
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _relais(tmp_path: Path, *args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=_env(tmp_path, db),
        capture_output=True,
        text=True,
        timeout=60,
    )


class Running:
    """`relais run` in console mode, in the background."""

    def __init__(self, tmp_path: Path, name: str = "run") -> None:
        self.tmp_path = tmp_path
        self.log = tmp_path / f"{name}.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> Running:
        with self.log.open("wb") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=self.tmp_path,
                env=_env(self.tmp_path),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def wait_for(self, text: str, within: float = 60) -> None:
        def written() -> bool:
            if text in self.output():
                return True
            assert self.proc is not None and self.proc.returncode is None, self.output()[-3000:]
            return False

        await wait_until(written, within, failure=lambda: self.output()[-3000:])

    async def wait_exit(self, within: float = 30) -> int:
        assert self.proc is not None
        return await asyncio.wait_for(self.proc.wait(), within)

    async def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return self.proc.returncode


async def test_a_second_run_on_the_same_database_exits_at_once_naming_the_first(
    tmp_path: Path,
) -> None:
    first = await Running(tmp_path, "first").start()
    try:
        await first.wait_for("┌─ #")  # running and posting
        second = await asyncio.to_thread(_relais, tmp_path, "run")
        assert second.returncode == 2, second.stdout + second.stderr
        assert first.proc is not None
        assert f"Relais tourne déjà sur la base {tmp_path / 'relais.db'}" in second.stderr
        assert f"processus n° {first.proc.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        assert await first.stop() == 0, first.output()[-3000:]
    # once the first is stopped, a new run starts normally
    third = await Running(tmp_path, "third").start()
    try:
        await third.wait_for("starting service")  # past start-up: signals handled
    finally:
        assert await third.stop() == 0, third.output()[-3000:]


@pytest.mark.parametrize("kind", ["corrupt", "foreign", "directory", "under-a-file"])
def test_a_database_relais_cannot_use_stops_run_with_a_french_message_and_code_2(
    tmp_path: Path, kind: str
) -> None:
    db = tmp_path / "relais.db"
    expected = {
        "corrupt": "n’est pas une base de données SQLite",
        "foreign": "n’appartient pas à Relais",
        "directory": "ce n’est pas un fichier",
        "under-a-file": "un élément du chemin n’est pas un dossier",
    }[kind]
    if kind == "corrupt":
        db.write_bytes(os.urandom(8192))
    elif kind == "foreign":
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE contacts (id INTEGER)")
        conn.commit()
        conn.close()
    elif kind == "directory":
        db.mkdir()
    else:
        (tmp_path / "a-file").write_text("x")
        db = tmp_path / "a-file" / "data" / "relais.db"
    result = _relais(tmp_path, "run", db=db)  # subprocess timeout: a hang fails the test
    assert result.returncode == 2, result.stdout + result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


async def test_a_database_deleted_while_running_stops_relais_with_a_message(
    tmp_path: Path,
) -> None:
    run = await Running(tmp_path).start()
    try:
        await run.wait_for("┌─ #")
        (tmp_path / "relais.db").unlink()
        code = await run.wait_exit(within=30)
    finally:
        await run.stop()
    assert code == 2, run.output()[-3000:]
    assert "a été supprimée ou remplacée pendant que Relais tournait" in run.output()
    assert "Traceback" not in run.output()
    assert not (tmp_path / "relais.db").exists()  # nothing re-created the ghost


async def test_backup_while_running_then_restore_only_once_stopped(tmp_path: Path) -> None:
    run = await Running(tmp_path).start()
    try:
        await run.wait_for("┌─ #")
        (tmp_path / "sauv").mkdir()  # a folder: a dated file is written in it
        backup = await asyncio.to_thread(_relais, tmp_path, "sauvegarde", str(tmp_path / "sauv"))
        assert backup.returncode == 0, backup.stdout + backup.stderr
        assert "vérification d’intégrité : correcte" in backup.stdout
        copies = list((tmp_path / "sauv").glob("relais-*.db"))
        assert len(copies) == 1
        conn = sqlite3.connect(copies[0])
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        posted = conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        conn.close()
        assert posted >= 1  # the copy holds what the running bot had written

        refused = await asyncio.to_thread(_relais, tmp_path, "restaurer", str(copies[0]))
        assert refused.returncode == 2
        assert run.proc is not None
        assert f"processus n° {run.proc.pid}" in refused.stderr
        assert "arrêtez-le avant de restaurer" in refused.stderr
    finally:
        assert await run.stop() == 0, run.output()[-3000:]

    conn = sqlite3.connect(tmp_path / "relais.db")
    conn.execute("DELETE FROM outbox")
    conn.commit()
    conn.close()
    restored = await asyncio.to_thread(_relais, tmp_path, "restaurer", str(copies[0]))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "restaurée depuis" in restored.stdout
    conn = sqlite3.connect(tmp_path / "relais.db")
    assert conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == posted
    conn.close()
    kept = [p for p in os.listdir(tmp_path) if p.startswith("relais.db.avant-restauration-")]
    assert kept, "the replaced database must be kept"


def test_backup_and_restore_refuse_what_is_not_a_relais_database(tmp_path: Path) -> None:
    missing = _relais(tmp_path, "sauvegarde", str(tmp_path / "copie.db"))
    assert missing.returncode == 2 and "Aucune base de données à sauvegarder" in missing.stderr
    (tmp_path / "relais.db").write_bytes(b"")
    onto_itself = _relais(tmp_path, "sauvegarde", str(tmp_path / "relais.db"))
    assert onto_itself.returncode == 2 and "c’est la base elle-même" in onto_itself.stderr
    (tmp_path / "relais.db").unlink()
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"x" * 4096)
    refused = _relais(tmp_path, "restaurer", str(bogus))
    assert refused.returncode == 2 and "rien n’a été restauré" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "relais.db").exists()
