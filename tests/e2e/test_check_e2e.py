"""`relais check --discord` against the fake Discord: each misconfiguration named, with its fix."""

from __future__ import annotations

import asyncio
import base64
import os
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.discord.preflight import (
    MANAGE_EVENTS,
    MENTION_EVERYONE,
    POSTING,
    application_id_from_token,
    check_discord,
    compute_needs,
    invite_url,
)
from bot.settings import Settings, load_settings
from tests.e2e.fake_discord import (
    ATTACH_FILES,
    EMBED_LINKS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeDiscord,
)

REPO = Path(__file__).resolve().parents[2]

RELAIS_TOML = """\
[relais]
staff_role = "Permanence"

[channels]
staff = "permanence"
general = "general"
msss = "msss"
psoc = "psoc"
annonces = "annonces"
digest = "general"

[calendar]
load_demo = false
"""

FEEDS_TOML = """\
[[feed]]
name = "MSSS"
url = "demo/msss.xml"
channels = ["msss"]
role = "Veille MSSS"
"""

CALENDAR_TOML = """\
[[delegations]]
name = "Groupe de travail PSOC"
role = "Comité PSOC"
channel = "psoc"
"""


def _settings(fake: FakeDiscord, tmp_path: Path, *, guild: bool = True) -> Settings:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    (config / "relais.toml").write_text(RELAIS_TOML, encoding="utf-8")
    (config / "feeds.toml").write_text(FEEDS_TOML, encoding="utf-8")
    (config / "calendar.toml").write_text(CALENDAR_TOML, encoding="utf-8")
    base = load_settings(config_dir=config, env_file=tmp_path / "absent.env")
    return base.model_copy(
        update={
            "discord_token": SecretStr(fake.token or "fake"),
            "discord_guild_id": int(fake.guild_id) if guild else None,
            "discord_api_base": fake.api_base,
            "database_path": tmp_path / "data" / "relais.db",
            "inbox_path": tmp_path / "inbox",
        }
    )


def _ready(fake: FakeDiscord) -> None:
    """A server set up as the README says: roles exist, the bot may post and manage events."""
    fake.add_role("Veille MSSS")
    fake.give_bot_role("Relais", permissions=MANAGE_EVENTS | MENTION_EVERYONE)


def _errors(report: object) -> list[str]:
    return [f.text for f in report.findings if f.level == "error"]  # type: ignore[attr-defined]


async def test_a_server_set_up_as_documented_passes(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        _ready(fake)
        report = await check_discord(_settings(fake, tmp_path))
    assert not report.blocking, report.lines()
    assert any("Jeton accepté" in line for line in report.lines())
    assert any("CTROC" in line for line in report.lines())


async def test_bad_token_says_how_to_get_a_new_one(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        settings = _settings(fake, tmp_path).model_copy(
            update={"discord_token": SecretStr("pas-le-bon")}
        )
        report = await check_discord(settings)
    assert report.blocking
    (error,) = _errors(report)
    assert "401" in error and "Reset Token" in error


async def test_token_without_guild_id_is_an_error_with_the_invite(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        _ready(fake)
        report = await check_discord(_settings(fake, tmp_path, guild=False))
    assert report.blocking
    (error,) = _errors(report)
    assert "DISCORD_GUILD_ID" in error and f"client_id={fake.app_id}" in error


async def test_unknown_guild_gives_the_invite_link(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        _ready(fake)
        settings = _settings(fake, tmp_path).model_copy(update={"discord_guild_id": 4242})
        report = await check_discord(settings)
    (error,) = _errors(report)
    assert "4242" in error and "inconnu" in error and "oauth2/authorize" in error


async def test_missing_channel_and_roles_are_each_named(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        _ready(fake)
        fake.remove_channel("psoc")
        fake.remove_role("Permanence")
        fake.remove_role("Veille MSSS")
        report = await check_discord(_settings(fake, tmp_path))
    errors = _errors(report)
    assert any("Salon « psoc » introuvable" in e and "[channels]" in e for e in errors)
    assert any("Rôle « Permanence » introuvable" in e and "staff_role" in e for e in errors)
    assert any("Rôle « Veille MSSS » introuvable" in e and "feeds.toml" in e for e in errors)
    assert len(errors) == 3


async def test_permissions_removed_in_a_channel_are_listed(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        _ready(fake)
        # @everyone may not embed in #msss; the bot's own overwrite takes files away in #annonces.
        fake.set_overwrite("msss", "@everyone", deny=EMBED_LINKS)
        fake.set_overwrite("annonces", "bot", deny=ATTACH_FILES)
        # #permanence hidden from everyone, but the bot's role is let in: fine.
        fake.set_overwrite("permanence", "@everyone", deny=VIEW_CHANNEL)
        fake.set_overwrite("permanence", "Relais", allow=VIEW_CHANNEL)
        report = await check_discord(_settings(fake, tmp_path))
    errors = _errors(report)
    assert len(errors) == 2, errors
    assert any("#msss" in e and "Intégrer des liens" in e for e in errors)
    assert any("#annonces" in e and "Joindre des fichiers" in e for e in errors)


async def test_no_send_means_nothing_else_and_a_role_that_cannot_be_pinged(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        fake.add_role("Veille MSSS")
        fake.give_bot_role("Relais", permissions=MANAGE_EVENTS)  # no "mention everyone"
        fake.role_named("Comité PSOC").mentionable = False
        fake.set_overwrite("general", "@everyone", deny=SEND_MESSAGES)
        report = await check_discord(_settings(fake, tmp_path))
    errors = _errors(report)
    general = next(e for e in errors if "#general" in e)
    assert "Envoyer des messages" in general and "Intégrer des liens" in general
    assert any("mentionner le rôle « Comité PSOC »" in e and "#psoc" in e for e in errors)
    warnings = [f.text for f in report.findings if f.level == "warning"]
    assert any("#annonces" in w and "@everyone" in w for w in warnings)


async def test_missing_manage_events_when_the_calendar_mirrors(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        fake.add_role("Veille MSSS")
        report = await check_discord(_settings(fake, tmp_path))
    errors = _errors(report)
    assert any("Gérer les événements" in e and "mirror_scheduled_events" in e for e in errors)


def test_invite_permissions_follow_enabled_features(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "relais.toml").write_text(
        "[calendar]\nmirror_scheduled_events = false\nload_demo = false\n"
        '[channels]\ngeneral = "general"\n[digest]\nchannel = "general"\n',
        encoding="utf-8",
    )
    (config / "feeds.toml").write_text("", encoding="utf-8")
    plain = load_settings(config_dir=config, env_file=tmp_path / "absent.env")
    bits = compute_needs(plain).permissions()
    assert bits == POSTING  # no pings, no events, no announcements channel
    (config / "relais.toml").write_text("[calendar]\nload_demo = false\n", encoding="utf-8")
    full = load_settings(config_dir=config, env_file=tmp_path / "absent.env")
    assert compute_needs(full).permissions() == POSTING | MANAGE_EVENTS | MENTION_EVERYONE
    url = invite_url(1234, bits, 99)
    assert "scope=bot+applications.commands" in url and f"permissions={bits}" in url
    assert "guild_id=99" in url


def test_application_id_from_token() -> None:
    first = base64.b64encode(b"1100000000000000000").decode().rstrip("=")
    assert application_id_from_token(f"{first}.GxYz12.abcdefghijkl") == 1100000000000000000


async def _cli(tmp_path: Path, env: dict[str, str], *args: str) -> tuple[int, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RELAIS_"))}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(tmp_path / "config"), *args,
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(REPO), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode()


@pytest.mark.parametrize("problem", ["bad_token", "unknown_guild", "missing_channel", "unwritable"])
async def test_every_command_answers_bad_input_in_french_without_traceback(
    tmp_path: Path, problem: str
) -> None:
    async with FakeDiscord() as fake:
        _ready(fake)
        _settings(fake, tmp_path)  # writes the configuration files
        env = {
            "DISCORD_TOKEN": fake.token or "",
            "DISCORD_GUILD_ID": fake.guild_id,
            "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "RELAIS_DATABASE": str(tmp_path / "data" / "relais.db"),
            "RELAIS_INBOX": str(tmp_path / "inbox"),
            "RELAIS_WEB_LISTEN": "127.0.0.1:0",
        }
        expected = {
            "bad_token": "Reset Token",
            "unknown_guild": "inconnu",
            "missing_channel": "Salon « psoc » introuvable",
            "unwritable": "pas accessible en écriture",
        }[problem]
        if problem == "bad_token":
            env["DISCORD_TOKEN"] = "faux"
        elif problem == "unknown_guild":
            env["DISCORD_GUILD_ID"] = "4242"
        elif problem == "missing_channel":
            fake.remove_channel("psoc")
        else:
            blocker = tmp_path / "fichier"
            blocker.write_text("pas un dossier", encoding="utf-8")
            env["RELAIS_DATABASE"] = str(blocker / "relais.db")
        code, out = await _cli(tmp_path, env, "check")
        assert code == 2, out
        assert expected in out and "Traceback" not in out
        if problem in ("bad_token", "unwritable"):
            # `relais run` stops at once too, in French (a wrong server or a missing channel
            # only holds posts back: run keeps going, and says so; see the README).
            code, out = await _cli(tmp_path, env, "run")
            assert code == 2, out
            # (an unusable database is named by the store: tests/e2e/test_store_process.py)
            assert ("Discord refuse le jeton" if problem == "bad_token" else "base de données") in out
            assert "Traceback" not in out


async def test_check_without_token_stays_offline_and_check_discord_asks_for_one(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "relais.toml").write_text("[calendar]\nload_demo = false\n", encoding="utf-8")
    env = {"RELAIS_DATABASE": str(tmp_path / "relais.db"), "RELAIS_INBOX": str(tmp_path / "in")}
    code, out = await _cli(tmp_path, env, "check")
    assert code == 0 and "Configuration valide." in out and "Discord (" not in out
    code, out = await _cli(tmp_path, env, "check", "--discord")
    assert code == 2 and "DISCORD_TOKEN" in out
    code, out = await _cli(
        tmp_path, {**env, "DISCORD_TOKEN": "abc.def.ghi"}, "check", "--hors-ligne"
    )
    assert code == 2 and "DISCORD_GUILD_ID est vide" in out
