"""The optional LLM summary, against a real aiohttp server on 127.0.0.1 posing as the endpoint."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web

from bot.text import summarize
from bot.text.llm import LLMConfig, LLMError, analyse_with_llm, llm_summary, make_analyser

TEXT = (
    "Québec, le 2 avril 2024\n\nMadame,\n\nNous vous demandons de reporter la consultation "
    "au 30 avril 2024 afin de consulter nos membres.\nUne rencontre du comité se tiendra le "
    "9 avril et nous y présenterons notre position.\n\nSalutations distinguées."
)

Handler = Callable[[web.Request], Any]


class FakeEndpoint:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.reply: Handler = self.ok

    async def ok(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "choices": [
                    {
                        "message": {
                            "role": "assistant",
                            "content": (
                                "- Les organismes demandent le report de la consultation au 30 avril 2024.\n"
                                "- Le comité se réunit le 9 avril."
                            ),
                        }
                    }
                ]
            }
        )

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(
            {"path": request.path, "auth": request.headers.get("Authorization"), "body": body}
        )
        return await self.reply(request)


@pytest.fixture
async def endpoint() -> AsyncIterator[tuple[FakeEndpoint, str]]:
    fake = FakeEndpoint()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield fake, f"http://127.0.0.1:{port}/v1"
    await runner.shutdown()
    await runner.cleanup()


async def test_summary_from_the_endpoint(endpoint: tuple[FakeEndpoint, str]) -> None:
    fake, url = endpoint
    config = LLMConfig(base_url=url, model="petit-modele", api_key="secret", timeout_seconds=5)
    summary = await llm_summary(TEXT, config=config, title="Report", max_sentences=3)
    assert summary == [
        "Les organismes demandent le report de la consultation au 30 avril 2024.",
        "Le comité se réunit le 9 avril.",
    ]
    (req,) = fake.requests
    assert req["path"] == "/v1/chat/completions"
    assert req["auth"] == "Bearer secret"
    assert req["body"]["model"] == "petit-modele"
    assert "Titre : Report" in req["body"]["messages"][1]["content"]
    assert "reporter la consultation" in req["body"]["messages"][1]["content"]


async def test_no_key_no_authorization_header(endpoint: tuple[FakeEndpoint, str]) -> None:
    fake, url = endpoint
    await llm_summary(TEXT, config=LLMConfig(base_url=url + "/", model="m"))
    assert fake.requests[0]["auth"] is None


async def _status_500(request: web.Request) -> web.Response:
    return web.Response(status=500, text="boom")


async def _not_json(request: web.Request) -> web.Response:
    return web.Response(text="<html>proxy error</html>", content_type="text/html")


async def _no_choices(request: web.Request) -> web.Response:
    return web.json_response({"error": {"message": "model not found"}})


async def _empty(request: web.Request) -> web.Response:
    return web.json_response({"choices": [{"message": {"content": "  \n- \n"}}]})


async def _slow(request: web.Request) -> web.Response:
    await asyncio.sleep(1.5)  # longer than the client's 0.5 s timeout
    return web.json_response({})


@pytest.mark.parametrize("reply", [_status_500, _not_json, _no_choices, _empty, _slow])
async def test_any_failure_falls_back_to_the_extractive_summary(
    endpoint: tuple[FakeEndpoint, str], reply: Handler
) -> None:
    fake, url = endpoint
    fake.reply = reply
    config = LLMConfig(base_url=url, model="m", timeout_seconds=0.5)
    with pytest.raises(LLMError):
        await llm_summary(TEXT, config=config)
    analysis = await analyse_with_llm(TEXT, reference=date(2024, 4, 2), config=config)
    assert analysis.summary == summarize(TEXT)
    assert [d.date for d in analysis.dates] == ["2024-04-30", "2024-04-09"]


async def test_unreachable_endpoint_falls_back() -> None:
    # A port nobody listens on: bind one, then close it.
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    config = LLMConfig(base_url=f"http://127.0.0.1:{port}/v1", model="m", timeout_seconds=2)
    analysis = await analyse_with_llm(TEXT, reference=date(2024, 4, 2), config=config)
    assert analysis.summary == summarize(TEXT)


async def test_llm_summary_replaces_the_extractive_one(endpoint: tuple[FakeEndpoint, str]) -> None:
    _, url = endpoint
    analysis = await analyse_with_llm(
        TEXT, reference=date(2024, 4, 2), config=LLMConfig(base_url=url, model="m")
    )
    assert analysis.summary[0].startswith("Les organismes demandent")
    assert analysis.dates  # dates always come from the French grammar


def _settings(base_url: str, model: str, key: str | None = None) -> Any:
    summary = SimpleNamespace(
        llm_base_url=base_url, llm_model=model, llm_timeout_seconds=3.0, sentences=2
    )
    secret = SimpleNamespace(get_secret_value=lambda: key) if key else None
    return SimpleNamespace(config=SimpleNamespace(summary=summary), llm_api_key=secret)


def test_config_from_settings() -> None:
    assert LLMConfig.from_settings(_settings("", "")) is None
    assert LLMConfig.from_settings(_settings("http://x/v1", "")) is None
    assert make_analyser(_settings("", "m")) is None
    config = LLMConfig.from_settings(_settings("http://x/v1", "m", "k"))
    assert config == LLMConfig(base_url="http://x/v1", model="m", api_key="k", timeout_seconds=3.0)


async def test_make_analyser_for_the_pipeline(endpoint: tuple[FakeEndpoint, str]) -> None:
    from bot.models import Document

    fake, url = endpoint
    analyser = make_analyser(_settings(url, "m"))
    assert analyser is not None
    doc = Document(
        source_kind="inbox",
        source_name="x",
        kind="txt",
        title="Lettre",
        text=TEXT,
        external_id="abc",
    )
    analysis = await analyser(doc, date(2024, 4, 2))
    assert analysis.summary[1] == "Le comité se réunit le 9 avril."
    assert json.dumps(fake.requests[0]["body"]).count("Lettre") == 1


async def test_the_pipeline_asks_the_llm_on_top_of_its_analysis_worker(
    endpoint: tuple[FakeEndpoint, str], tmp_path: Path
) -> None:
    """With an endpoint set, the dates and the fallback still come from the pipeline's worker
    (its processes and time budget): a text past the budget keeps the French explanation and
    the endpoint is not asked; otherwise the endpoint's summary replaces the extractive one."""
    from bot.messages import t
    from bot.models import Document
    from bot.relay.analysis import AnalysisWorker
    from bot.relay.pipeline import Pipeline
    from bot.store.db import Database
    from bot.text import analyse
    from tests.helpers import make_settings

    class Worker(AnalysisWorker):
        def __init__(self) -> None:
            super().__init__()
            self.calls = 0
            self.past_budget = False

        async def analyse(self, text: str, **options: Any) -> Any:
            self.calls += 1
            return None if self.past_budget else analyse(text, **options)

    fake, url = endpoint
    base = make_settings(tmp_path)
    summary = base.config.summary.model_copy(update={"llm_base_url": url, "llm_model": "m"})
    db = await Database.open(tmp_path / "p.db")
    worker = Worker()
    pipeline = Pipeline(db, make_settings(tmp_path, summary=summary), worker=worker)
    doc = Document(
        source_kind="inbox", source_name="x", kind="txt", title="Lettre", text=TEXT,
        external_id="abc",
    )  # fmt: skip

    analysis = await pipeline.analyser(doc, date(2024, 4, 2))
    assert worker.calls == 1 and len(fake.requests) == 1
    assert analysis.summary[0].startswith("Les organismes demandent")
    assert [d.date for d in analysis.dates] == ["2024-04-30", "2024-04-09"]

    worker.past_budget = True
    late = dataclasses.replace(doc, external_id="def", meta={})
    analysis = await pipeline.analyser(late, date(2024, 4, 2))
    assert worker.calls == 2 and len(fake.requests) == 1
    assert analysis.summary == [t("render.analysis_timeout")]
    pipeline.close()
    await db.close()
