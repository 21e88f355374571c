"""Run the real Relais against the fake Discord: in-process, or as a separate process.

In-process (most tests)::

    async with FakeDiscord() as fake:
        relais = RelaisHarness.create(fake, tmp_path)
        bot = await relais.start()          # logged in, commands synced, READY, App started
        row_id = await relais.enqueue(Post(channel="msss", content="Bonjour"))
        await relais.wait_sent([row_id])
        await relais.restart()              # a new App and RelaisBot on the same SQLite file
        await relais.stop()

As a process (``python -m bot run``, the way Relais runs in production), to kill it::

    proc = relais.process()
    proc.start(); ...; proc.kill(); proc.start(); ...; await proc.terminate()

The ``fake_discord`` and ``relais`` fixtures of ``tests/e2e/conftest.py`` wrap both.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.app import App
from bot.discord.client import RelaisBot, configure_endpoints
from bot.models import Post
from bot.settings import Settings, load_settings
from bot.store import outbox
from bot.store.db import Database
from bot.timeutil import to_iso, utc_now
from tests.e2e.fake_discord import FakeDiscord
from tests.helpers import wait_until

REPO = Path(__file__).resolve().parents[2]

# Quick retries so that tests of failures do not wait for production back-off.
TEST_CONFIG = """\
[relais]
staff_role = "Permanence"

[outbox]
max_attempts = 4
base_delay_seconds = 0.2
max_delay_seconds = 1
poll_seconds = 0.2
"""


def write_config(config_dir: Path, toml: str = TEST_CONFIG) -> Path:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "relais.toml").write_text(toml, encoding="utf-8")
    return config_dir


@dataclass
class RelaisHarness:
    fake: FakeDiscord
    workdir: Path
    settings: Settings
    with_services: bool = False
    app: App | None = None
    bot: RelaisBot | None = None
    _task: asyncio.Task[None] | None = None
    starts: int = 0
    _processes: list[RelaisProcess] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        fake: FakeDiscord,
        workdir: Path,
        *,
        config_toml: str = TEST_CONFIG,
        with_services: bool = False,
    ) -> RelaisHarness:
        """Settings of a Relais pointed at ``fake``, with its files under ``workdir``."""
        config_dir = write_config(workdir / "config", config_toml)
        base = load_settings(config_dir=config_dir, env_file=workdir / ".env.absent")
        settings = base.model_copy(
            update={
                "discord_token": SecretStr(fake.token or "fake-token"),
                "discord_guild_id": int(fake.guild_id),
                "discord_api_base": fake.api_base,
                "discord_gateway_url": fake.gateway_url,
                "database_path": workdir / "relais.db",
                "inbox_path": workdir / "inbox",
            }
        )
        return cls(fake=fake, workdir=workdir, settings=settings, with_services=with_services)

    # ------------------------------------------------------------------ in-process
    async def start(self, *, within: float = 20.0) -> RelaisBot:
        """Log in, sync, connect, and return once READY (the App is then started)."""
        if self.bot is not None:
            raise RuntimeError("already started")
        configure_endpoints(self.settings)
        app = await App.create(self.settings)
        if not self.with_services:
            app.services.clear()  # only the outbox worker: tests post rows themselves
        bot = RelaisBot(app, guild_ready_timeout=0.05)
        self.app, self.bot = app, bot
        try:
            await bot.login(self.settings.discord_token.get_secret_value())  # type: ignore[union-attr]
            self._task = asyncio.create_task(bot.connect(reconnect=True), name="relais-bot")
            ready = asyncio.create_task(bot.ready_event.wait())
            done, _ = await asyncio.wait(
                {ready, self._task}, timeout=within, return_when=asyncio.FIRST_COMPLETED
            )
            if ready not in done:
                ready.cancel()
                if self._task in done:
                    self._task.result()  # raises the connection error
                raise TimeoutError("the bot did not become ready")
        except BaseException:
            await self.stop()
            raise
        self.starts += 1
        return bot

    async def start_app(self) -> App:
        """``start()``, then the App it runs (what a test drives or reads directly)."""
        await self.start()
        assert self.app is not None
        return self.app

    async def stop(self) -> None:
        bot, task, app = self.bot, self._task, self.app
        self.bot = self._task = self.app = None
        if bot is not None:
            await bot.close()
        if task is not None:
            try:
                await asyncio.wait_for(task, timeout=10)
            except (asyncio.CancelledError, Exception):
                pass
        if app is not None:
            await app.db.close()

    async def restart(self) -> RelaisBot:
        await self.stop()
        return await self.start()

    async def __aenter__(self) -> RelaisHarness:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
        for proc in self._processes:
            await proc.terminate()

    # ------------------------------------------------------------------ the outbox
    async def _db(self) -> tuple[Database, bool]:
        if self.app is not None:
            return self.app.db, False
        return await Database.open(self.settings.database_path), True

    async def enqueue(self, *posts: Post, kind: str = "test") -> list[int]:
        """Write rows as the pipeline does (one transaction) and wake the worker."""
        db, own = await self._db()
        ids: list[int] = []
        try:
            async with db.transaction() as conn:
                for post in posts:
                    row_id = await outbox.enqueue(conn, post, kind=kind)
                    assert row_id is not None
                    ids.append(row_id)
        finally:
            if own:
                await db.close()
        if self.app is not None:
            self.app.outbox_worker.wake()
        return ids

    async def rows(self, ids: Iterable[int] | None = None) -> list[Any]:
        db, own = await self._db()
        try:
            rows = await db.fetchall("SELECT * FROM outbox ORDER BY id")
        finally:
            if own:
                await db.close()
        wanted = set(ids) if ids is not None else None
        return [r for r in rows if wanted is None or r["id"] in wanted]

    async def wait_rows(
        self, ids: Iterable[int], status: str = "sent", within: float = 20.0
    ) -> list[Any]:
        """Wait until every row of ``ids`` has ``status``; returns them."""
        ids = list(ids)
        rows: list[Any] = []

        async def reached() -> bool:
            nonlocal rows
            rows = await self.rows(ids)
            return len(rows) == len(ids) and all(r["status"] == status for r in rows)

        def states() -> str:
            return f"rows not {status}: {({r['id']: (r['status'], r['last_error']) for r in rows})}"

        await wait_until(reached, within, failure=states)
        return rows

    async def wait_sent(self, ids: Iterable[int], within: float = 20.0) -> list[Any]:
        return await self.wait_rows(ids, "sent", within)

    async def settled(self, within: float = 20.0) -> None:
        """Until Relais has nothing left to do now: its clock asleep with nothing due, and no
        outbox row waiting or in flight. What a test asserts did not happen after this did
        not happen because Relais had finished, not because a sleep was long enough."""
        assert self.app is not None
        app = self.app
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            await app.clock.wait_idle(max(deadline - loop.time(), 0.1))
            row = await app.db.fetchone(
                "SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?",
                (to_iso(utc_now()),),
            )
            if row is not None and row["n"] == 0:
                await app.clock.wait_idle(max(deadline - loop.time(), 0.1))
                return
            if loop.time() > deadline:
                raise TimeoutError(f"{row['n'] if row else '?'} outbox rows still due")
            await asyncio.sleep(0.05)

    # ------------------------------------------------------------------ as a process
    def process(self, extra_env: dict[str, str] | None = None) -> RelaisProcess:
        proc = RelaisProcess(self.fake, self.workdir, self.settings, extra_env or {})
        self._processes.append(proc)
        return proc


def _die_with_parent() -> None:
    """In the child: SIGKILL when the test process dies (a pytest killed by a timeout would
    otherwise leave a Relais reconnecting forever to a port a later fake Discord may get)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


@dataclass
class RelaisProcess:
    """`python -m bot run` in a child process, configured by environment like production."""

    fake: FakeDiscord
    workdir: Path
    settings: Settings
    extra_env: dict[str, str]
    popen: subprocess.Popen[bytes] | None = None
    runs: int = 0

    @property
    def log_path(self) -> Path:
        return self.workdir / f"relais-process-{self.runs}.log"

    @property
    def token(self) -> str:
        token = self.settings.discord_token
        return token.get_secret_value() if token is not None else "fake-token"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RELAIS_"))}
        env.update(
            {
                "DISCORD_TOKEN": self.token,
                "DISCORD_GUILD_ID": self.fake.guild_id,
                "DISCORD_API_BASE": self.fake.api_base,
                "DISCORD_GATEWAY_URL": self.fake.gateway_url,
                "RELAIS_DATABASE": str(self.settings.database_path),
                "RELAIS_CONFIG_DIR": str(self.settings.config_dir),
                "RELAIS_INBOX": str(self.settings.inbox_path),
                "RELAIS_WEB_LISTEN": "127.0.0.1:0",
                "PYTHONPATH": str(REPO),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        if self.running:
            raise RuntimeError("already running")
        self.runs += 1
        # cwd is the work folder: a developer's .env in the repository must not leak in.
        with self.log_path.open("wb") as log:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.workdir,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, as a power cut or an OOM kill."""
        if self.popen is not None and self.running:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)

    async def terminate(self, within: float = 15.0) -> int | None:
        """SIGTERM and wait (the clean stop of `relais run`); SIGKILL if it hangs."""
        if self.popen is None:
            return None
        if self.running:
            self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(TimeoutError):
                await wait_until(lambda: not self.running, within)
            if self.running:
                self.kill()
        return self.popen.returncode

    async def wait_exit(self, within: float = 20.0) -> int:
        """The exit code, once the process ended on its own."""
        await wait_until(
            lambda: not self.running,
            within,
            failure=lambda: f"relais still running; log:\n{self.output()[-3000:]}",
        )
        assert self.popen is not None
        return int(self.popen.returncode)

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def peak_rss_kib(self) -> int | None:
        """VmHWM of the running process (Linux), in KiB."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return None

    async def wait_exit_or(self, predicate: Any, within: float = 20.0) -> None:
        """Wait until ``predicate()``; fail early, with the log, if the process died."""

        def met() -> bool:
            if predicate():
                return True
            if not self.running:
                raise RuntimeError(f"relais exited early:\n{self._diagnosis()}")
            return False

        await wait_until(
            met, within, failure=lambda: f"condition not met in {within:g} s:\n{self._diagnosis()}"
        )

    def _diagnosis(self) -> str:
        """What a failure report needs to tell a slow machine from a bug."""
        messages = [(m.channel_id, m.content[:60], m.nonce) for m in self.fake.messages[-5:]]
        return (
            f"fake Discord: {self.fake.state()}, last messages {messages}\n"
            f"relais log (run {self.runs}):\n{self.output()[-3000:]}"
        )
