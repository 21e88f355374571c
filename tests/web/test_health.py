"""/sante and /metrics of a console-mode Relais with its services running."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App
from tests.helpers import make_settings, wait_until


async def test_console_relais_reports_its_sources(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    (tmp_path / "inbox").mkdir()
    app = await App.create(settings)
    try:
        await app.start()
        await wait_until(lambda: app.inbox.last_scan_at is not None)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{app.web.base_url}/sante") as response:
                assert response.status == 200
                document = await response.json()
            async with session.get(f"{app.web.base_url}/metrics") as response:
                text = await response.text()
    finally:
        await app.close()
    assert document["mode"] == "console"
    assert document["passerelle_connectee"] is None  # no gateway in console mode: not a fault
    assert document["depot"]["dernier_balayage"] is not None
    assert document["boite_envoi"]["retard_s"] == 0
    names = {family.name for family in text_string_to_metric_families(text)}
    assert {
        "relais_outbox_pending",
        "relais_outbox_lag_seconds",
        "relais_posts_sent",
        "relais_posts_failed",
        "relais_feed_errors",
        "relais_inbox_refused",
        "relais_reminders_late",
    } <= names
    assert "relais_gateway_connected" in names
