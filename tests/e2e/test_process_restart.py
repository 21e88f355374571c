"""`relais` as a real process: `run` killed with SIGKILL while posts are pending, a wrong
token, console mode without a token, `demo` and `check`."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.models import Post
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.harness import REPO, TEST_CONFIG, RelaisHarness, write_config
from tests.helpers import wait_until

MESSAGES = "POST /channels/{channel_id}/messages"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses SIGKILL")


async def test_killed_process_posts_each_row_exactly_once_after_restart(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    channels = ["general", "msss", "psoc", "annonces"]
    posts = [Post(channel=channels[i % 4], content=f"Communication n° {i}") for i in range(24)]
    row_ids = await relais.enqueue(*posts)  # pending before Relais even starts

    # Discord creates each message, then answers late: a kill in that window leaves a row
    # that Discord accepted but Relais never marked sent (the case the nonce is for).
    fake_discord.set_delay(MESSAGES, 0.4)
    proc = relais.process()
    proc.start()
    await proc.wait_exit_or(
        lambda: len(fake_discord.messages) >= 4 and fake_discord.answers_pending >= 1, within=60
    )
    proc.kill()
    posted_before_kill = len(fake_discord.messages)
    assert posted_before_kill < len(posts), "everything was posted before the kill"
    rows = await relais.rows(row_ids)
    unmarked = [r for r in rows if r["status"] == "pending" and r["nonce"] in _nonces(fake_discord)]
    assert unmarked, "no row was caught between Discord's acceptance and the database"

    fake_discord.set_delay(MESSAGES, 0)
    proc.start()
    try:
        await proc.wait_exit_or(
            lambda: len(fake_discord.messages) >= len(posts) and fake_discord.nonce_hits >= 1,
            within=60,
        )
        rows = await relais.wait_sent(row_ids, within=30)
    finally:
        code = await proc.terminate()
    assert code == 0, proc.output()[-3000:]

    contents = [m.content for m in fake_discord.messages]
    assert sorted(contents) == sorted(p.content for p in posts)  # none lost, none doubled
    by_nonce = {m.nonce: m for m in fake_discord.messages}
    assert len(by_nonce) == len(posts)
    for row in rows:
        assert by_nonce[row["nonce"]].id == row["message_id"]  # the resend found the original
    # per-channel order survived the crash
    for channel in channels:
        numbers = [int(m.content.split()[-1]) for m in fake_discord.messages_in(channel)]
        assert numbers == sorted(numbers)


def _nonces(fake: FakeDiscord) -> set[str | None]:
    return {m.nonce for m in fake.messages}


async def test_a_wrong_token_stops_relais_with_a_french_message(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    fake_discord.token = "le-bon-jeton"
    proc = relais.process()
    proc.start()
    code = await proc.wait_exit(within=30)
    assert code == 2, proc.output()[-2000:]
    assert "Discord refuse le jeton DISCORD_TOKEN" in proc.output()
    assert "Traceback" not in proc.output()


# ---------------------------------------------------------------------- the other commands
def _console_env(tmp_path: Path) -> dict[str, str]:
    """No DISCORD_*: the embedded defaults (shipped config/, demo sources), files in tmp."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RELAIS_"))}
    env.update(
        {
            "RELAIS_DATABASE": str(tmp_path / "relais.db"),
            "RELAIS_INBOX": str(tmp_path / "inbox"),
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _relais(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` in console mode, run to its end in ``tmp_path``."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=_console_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_run_without_a_token_is_console_mode_said_in_one_line(tmp_path: Path) -> None:
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        # cwd is tmp_path: a developer's .env in the repository must not leak in
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=_console_env(tmp_path),
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
    def posted() -> bool:  # the demo sources are relayed and printed as posts
        if "┌─ #" in log.read_text(encoding="utf-8"):
            return True
        assert proc.returncode is None, log.read_text(encoding="utf-8")
        return False

    try:
        await wait_until(posted, 60, failure=lambda: log.read_text(encoding="utf-8"))
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 30)
    output = log.read_text(encoding="utf-8")
    assert code == 0, output[-3000:]
    lines = output.splitlines()
    assert lines[0].startswith("Relais démarre sans jeton Discord")
    assert sum("jeton Discord" in line for line in lines) == 1
    assert str(tmp_path / "relais.db") in lines[0]
    assert (tmp_path / "relais.db").exists()


def test_demo_prints_french_posts_and_exits_zero(tmp_path: Path) -> None:
    result = _relais(tmp_path, "demo")
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert out.startswith("Démonstration de Relais")
    posts = out.count("┌─ #")
    assert posts >= 3 and f"Démonstration terminée : {posts} publication(s)" in out
    assert not (tmp_path / "relais.db").exists()  # a demo keeps nothing


def test_check_reports_in_french_and_names_a_wrong_key(tmp_path: Path) -> None:
    def check(config_dir: Path) -> subprocess.CompletedProcess[str]:
        return _relais(tmp_path, "--config", str(config_dir), "check")

    good = check(write_config(tmp_path / "good"))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Mode : console (aucun jeton Discord)" in good.stdout
    assert "Configuration valide." in good.stdout

    unknown_key = TEST_CONFIG.replace("[relais]\n", "[relais]\nfuseau = 'UTC'\n")
    bad = check(write_config(tmp_path / "bad", unknown_key))
    assert bad.returncode == 2
    assert "relais.toml" in bad.stderr and "fuseau" in bad.stderr, bad.stderr
