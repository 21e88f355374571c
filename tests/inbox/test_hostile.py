"""Attacks on the running inbox service: hostile text, links, partial files, bombs, outages.

Every test drops real files in a real folder watched by the real service, over a real SQLite
store and the real pipeline; what it checks is what staff would see (posts, notices,
``erreurs/``, files left in place).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from bot.app import App
from bot.messages import t
from bot.relay.analysis import AnalysisWorker
from bot.relay.render import escape_markdown
from bot.sources.inbox import InboxService

from .conftest import outbox_rows, wait_processed

SENTENCE = (
    "La rencontre du comité de liaison aura lieu le 3 mars 2027 à Québec, et nous vous "
    "demandons de confirmer la présence de votre organisme. "
)


class LagMeter:
    """A 10 ms ticker: the worst delay between when it should wake and when it does."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, time.perf_counter() - before - 0.01)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[LagMeter]:
        self._task = asyncio.create_task(self._run())
        try:
            yield self
        finally:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def test_long_word_feed_text_does_not_freeze_the_bot(app: App, inbox: InboxService) -> None:
    # The 200,000-letter item that froze the bot for 46 s (the old summary patterns held the
    # GIL from a thread). The bound only catches a frozen loop, it is no speed target.
    (inbox.root / "mot.txt").write_text("Avis\n\n" + "a" * 200_000, encoding="utf-8")
    async with LagMeter().running() as lag:
        await wait_processed(inbox)
    assert inbox.stats == {"posted": 1}
    assert lag.worst < 2.0


async def test_one_line_document_is_posted_with_summary_and_dates(
    app: App, inbox: InboxService
) -> None:
    text = "Avis du comité\n\n" + SENTENCE * 8_000  # 1 MB on one line: a PDF without breaks
    (inbox.root / "une-ligne.txt").write_text(text, encoding="utf-8")
    async with LagMeter().running() as lag:
        await wait_processed(inbox, limit=120)
    assert inbox.stats == {"posted": 1}
    (row,) = await outbox_rows(app, "communication")
    embed = row["post"]["embeds"][0]
    assert "3 mars 2027" in str(embed)
    assert t("render.analysis_timeout") not in embed["description"]
    assert lag.worst < 2.0


async def test_analysis_past_its_budget_is_relayed_with_title_and_explanation(
    app: App, inbox: InboxService
) -> None:
    # A budget no worker process can meet: the document is still relayed, promptly.
    app.pipeline.worker = AnalysisWorker(timeout=0.01, inline_chars=1_000)
    (inbox.root / "long.txt").write_text("Rapport annuel\n\n" + SENTENCE * 100, encoding="utf-8")
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1}
    (row,) = await outbox_rows(app, "communication")
    embed = row["post"]["embeds"][0]
    assert embed["title"] == "Rapport annuel"
    assert embed["description"] == escape_markdown(t("render.analysis_timeout"))
    assert app.pipeline.worker.timeouts == 1
    # The next document gets a fresh worker and its summary.
    app.pipeline.worker.timeout = 60.0
    (inbox.root / "suite.txt").write_text("Suite\n\n" + SENTENCE * 20, encoding="utf-8")
    await wait_processed(inbox)
    rows = await outbox_rows(app, "communication")
    assert "confirmer la présence" in rows[-1]["post"]["embeds"][0]["description"]
