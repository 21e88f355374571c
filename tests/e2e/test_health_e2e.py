"""/sante and /metrics on the web listener of a Relais connected to the fake Discord."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.models import Post
from bot.store import outbox
from bot.timeutil import to_iso, utc_now
from bot.web import health
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.harness import RelaisHarness
from tests.helpers import wait_until


async def _get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return response.status, response.headers["Content-Type"], await response.text()


async def _sante(base: str) -> tuple[int, dict[str, Any]]:
    """GET /sante: its status and its JSON document."""
    status, content_type, text = await _get(f"{base}/sante")
    assert content_type.startswith("application/json")
    return status, json.loads(text)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_health_and_metrics_of_a_running_relais(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    await relais.start()
    assert relais.app is not None
    base = relais.app.web.base_url
    assert relais.app.web.port

    status, document = await _sante(base)
    assert status == 200
    assert document["statut"] == "ok" and document["problemes"] == []
    assert document["passerelle_connectee"] is True
    assert document["base_de_donnees_inscriptible"] is True
    assert document["mode"] == "discord"

    ids = await relais.enqueue(Post(channel="msss", content="Bonjour"), kind="communication")
    await relais.wait_sent(ids)
    status, content_type, text = await _get(f"{base}/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    samples = _samples(text)
    assert samples[("relais_posts_sent", (("kind", "communication"),))] == 1
    assert samples[("relais_gateway_connected", ())] == 1
    assert samples[("relais_outbox_pending", ())] == 0
    assert samples[("relais_up", ())] == 1

    # The worker hangs (stopped here): a post due for an hour makes Relais unhealthy.
    await relais.app.outbox_worker.stop()
    async with relais.app.db.transaction() as conn:
        await outbox.enqueue(conn, Post(channel="msss", content="Coincé"), kind="reminder")
        # As if it had been due for an hour.
        await conn.execute(
            "UPDATE outbox SET created_at = ? WHERE status = 'pending'",
            (to_iso(utc_now() - timedelta(hours=1)),),
        )
    status, document = await _sante(base)
    assert status == 503
    assert document["statut"] == "en_panne"
    assert any("boîte d’envoi" in p for p in document["problemes"])
    assert document["boite_envoi"]["en_attente"] >= 1
    assert document["boite_envoi"]["age_plus_ancienne_s"] >= 3600
    samples = _samples((await _get(f"{base}/metrics"))[2])
    assert samples[("relais_outbox_lag_seconds", ())] >= 3600
    assert samples[("relais_up", ())] == 0


async def test_gateway_down_is_unhealthy(relais: RelaisHarness, fake_discord: FakeDiscord) -> None:
    await relais.start()
    assert relais.app is not None and relais.bot is not None
    base = relais.app.web.base_url
    relais.bot.dispatch("disconnect")
    await wait_until(
        lambda: (
            relais.app is not None
            and relais.app.gateway_connected is not None
            and not relais.app.gateway_connected()
        )
    )
    status, document = await _sante(base)
    assert status == 503
    assert document["passerelle_connectee"] is False
    assert any("Discord" in p for p in document["problemes"])
    status, _, text = await _get(f"{base}/metrics")
    assert status == 200
    assert _samples(text)[("relais_gateway_connected", ())] == 0


async def test_database_that_cannot_write_is_unhealthy(
    relais: RelaisHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await relais.start()
    assert relais.app is not None
    monkeypatch.setattr(health, "DB_PROBE_TIMEOUT_SECONDS", 0.2)
    base = relais.app.web.base_url
    # Another writer holds SQLite's only write slot for longer than the probe waits.
    async with relais.app.db.transaction():
        status, document = await _sante(base)
    assert status == 503
    assert document["base_de_donnees_inscriptible"] is False
    assert any("data/" in p for p in document["problemes"])
