from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from bot.calendar.demo import configured_file
from bot.settings import Settings
from tests.helpers import make_settings


def _with(settings: Settings, **calendar: object) -> Settings:
    section = settings.config.calendar.model_copy(update=calendar)
    return settings.model_copy(
        update={"config": settings.config.model_copy(update={"calendar": section})}
    )


def test_demo_calendar_only_on_embedded_defaults_unless_asked(tmp_path: Path) -> None:
    console = make_settings(tmp_path)
    assert console.config.calendar.load_demo == "auto"
    demo = console.config_dir / "demo" / "calendar.toml"
    # The shipped config/calendar.toml is a commented template: nothing of the coalition's yet.
    assert configured_file(console) == demo

    deployed = console.model_copy(update={"discord_token": SecretStr("jeton")})
    assert configured_file(deployed) is None  # no invented meetings in a real server
    assert configured_file(_with(deployed, load_demo=True)) == demo


def test_calendar_toml_with_real_entries_is_loaded_in_every_mode(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    own = config / "calendar.toml"
    own.write_text("# rien encore\n", encoding="utf-8")
    console = make_settings(tmp_path).model_copy(update={"config_dir": config})
    deployed = console.model_copy(update={"discord_token": SecretStr("jeton")})
    assert configured_file(deployed) is None
    own.write_text(
        '[[meetings]]\nkey = "ag-2027"\ntitle = "Assemblée générale"\ndate = "12 juin"\n',
        encoding="utf-8",
    )
    assert configured_file(deployed) == own
    assert configured_file(console) == own  # the coalition's entries, not the demo
    assert configured_file(_with(deployed, load_demo=False)) == own
