from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def _config(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "relais.toml").write_text(body, encoding="utf-8")
    return folder


def test_defaults_without_any_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    settings = load_settings(config_dir=tmp_path / "none", env_file=tmp_path / ".env")
    assert settings.console_mode
    assert settings.config.relais.timezone == "America/Montreal"
    assert settings.config.reminders.meetings == ["J-7", "J-1", "H-2"]


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    folder = _config(tmp_path, "[relais]\ntimezon = 'America/Montreal'\n")
    with pytest.raises(SettingsError) as info:
        load_settings(config_dir=folder, env_file=tmp_path / ".env")
    message = str(info.value)
    assert str(folder / "relais.toml") in message
    assert "relais.timezon" in message and "clé inconnue" in message


def test_wrong_value_says_what_is_expected(tmp_path: Path) -> None:
    folder = _config(
        tmp_path, "[relais]\ntimezone = 'Mars/Olympus'\n[reminders]\nmeetings = ['demain']\n"
    )
    with pytest.raises(SettingsError) as info:
        load_settings(config_dir=folder, env_file=tmp_path / ".env")
    message = str(info.value)
    assert "fuseau horaire inconnu" in message and "Mars/Olympus" in message
    assert "reminders.meetings" in message and "J-7" in message


def test_broken_toml_is_reported(tmp_path: Path) -> None:
    folder = _config(tmp_path, "[relais\n")
    with pytest.raises(SettingsError, match="TOML invalide"):
        load_settings(config_dir=folder, env_file=tmp_path / ".env")


def test_environment_and_dotenv_over_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _config(tmp_path, "[relais]\ndatabase = 'data/from-toml.db'\n")
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=secret-from-dotenv\nDISCORD_GUILD_ID=42\n", encoding="utf-8")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("DISCORD_GUILD_ID", "7")
    settings = load_settings(config_dir=folder, env_file=env)
    assert not settings.console_mode
    assert settings.discord_guild_id == 7  # the environment wins over .env
    assert settings.database_path == tmp_path / "data" / "from-toml.db"
    assert "secret-from-dotenv" not in repr(settings)


def test_bad_environment_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_GUILD_ID", "pas-un-nombre")
    with pytest.raises(SettingsError) as info:
        load_settings(config_dir=tmp_path / "none", env_file=tmp_path / ".env")
    assert "DISCORD_GUILD_ID" in str(info.value)


def test_shipped_configuration_is_valid() -> None:
    settings = load_settings()
    assert set(settings.config.channels) >= {"staff", "general", "digest"}


def test_empty_variables_are_absent_and_unknown_ones_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An `.env` copied from .env.example leaves keys empty: console mode, defaults kept."""
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=\nRELAIS_DATABASE=  \nSOMETHING_ELSE=1\n", encoding="utf-8")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("RELAIS_DATABASE", raising=False)
    settings = load_settings(config_dir=tmp_path / "none", env_file=env)
    assert settings.console_mode
    assert settings.database_path == tmp_path / "data" / "relais.db"
