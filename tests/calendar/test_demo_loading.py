from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from bot.calendar.demo import configured_file
from tests.helpers import make_settings


def test_demo_calendar_only_on_embedded_defaults_unless_asked(tmp_path: Path) -> None:
    console = make_settings(tmp_path)
    assert console.config.calendar.load_demo == "auto"
    assert configured_file(console) == console.config_path("calendar.toml")

    deployed = console.model_copy(update={"discord_token": SecretStr("jeton")})
    assert configured_file(deployed) is None  # no invented meetings in a real server

    asked = deployed.model_copy(
        update={
            "config": deployed.config.model_copy(
                update={"calendar": deployed.config.calendar.model_copy(update={"load_demo": True})}
            )
        }
    )
    assert configured_file(asked) == console.config_path("calendar.toml")
