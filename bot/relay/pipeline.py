"""The one path from a Document to the store and the outbox.

dedupe → analyse (summary, dates) → route → render → one transaction writing the
communication, its outbox row(s) and whatever listeners (proposals, search index) add.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

import aiosqlite

from bot.messages import t
from bot.models import Document
from bot.relay.analysis import AnalysisWorker
from bot.relay.render import render_communication
from bot.relay.routing import route
from bot.settings import Settings
from bot.store import communications, outbox
from bot.store.db import Database
from bot.text import Analysis, reference_kind_of
from bot.timeutil import to_local, utc_now

log = logging.getLogger(__name__)

Listener = Callable[[aiosqlite.Connection, int, Document, Analysis], Awaitable[None]]
Analyser = Callable[[Document, date], Awaitable[Analysis]]


@dataclass
class RelayResult:
    communication_id: int | None
    duplicate: bool
    outbox_ids: list[int] = field(default_factory=list)


def scope_of(doc: Document) -> str:
    """Feed items are unique per feed; files are unique by content wherever they come from."""
    return f"feed:{doc.source_name}" if doc.source_kind == "feed" else "file"


def reference_date(doc: Document, settings: Settings) -> date:
    """The communication's own date anchors years that the text leaves out.

    bot.text prefers the document's own date line when it has one; a document with no date
    at all is anchored on the moment it reached Relais, the closest thing to its date.
    """
    moment = doc.published or utc_now()
    return to_local(moment, settings.timezone).date()


def _configured_analyser(settings: Settings, base: Analyser) -> Analyser | None:
    """The LLM summary on top of ``base`` where an endpoint is configured."""
    if not settings.config.summary.llm_base_url:
        return None
    from bot.text.llm import make_analyser

    return make_analyser(settings, base)


class Pipeline:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        analyser: Analyser | None = None,
        *,
        worker: AnalysisWorker | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.worker = worker or AnalysisWorker()
        self.analyser = (
            analyser or _configured_analyser(settings, self._extractive) or self._extractive
        )
        self._listeners: list[Listener] = []
        self._on_enqueued: list[Callable[[], None]] = []

    def add_listener(self, listener: Listener) -> None:
        """Called inside the relay transaction for each new communication."""
        self._listeners.append(listener)

    def on_enqueued(self, callback: Callable[[], None]) -> None:
        """Called after a commit that added outbox rows (the worker's wake-up)."""
        self._on_enqueued.append(callback)

    async def _extractive(self, doc: Document, reference: date) -> Analysis:
        # Long documents are analysed in a worker process within a time budget: the event
        # loop keeps answering, and a document that takes too long is still relayed.
        analysis = await self.worker.analyse(
            doc.text,
            reference=reference,
            title=doc.title,
            max_sentences=self.settings.config.summary.sentences,
            reference_kind=reference_kind_of(
                doc.kind, doc.published is not None, doc.meta.get("published_precision")
            ),
        )
        if analysis is None:
            doc.meta["analysis"] = "timeout"
            return Analysis(summary=[t("render.analysis_timeout")], dates=[])
        return analysis

    def close(self) -> None:
        """Stop the analysis worker processes (if any were started)."""
        self.worker.close()

    async def is_known(self, doc: Document) -> bool:
        return await communications.exists(self.db, scope_of(doc), doc.external_id)

    async def relay(self, doc: Document, *, channels: list[str] | None = None) -> RelayResult:
        scope = scope_of(doc)
        if await communications.exists(self.db, scope, doc.external_id):
            log.info("duplicate %s %s (%s): not posted again", scope, doc.external_id, doc.title)
            return RelayResult(communication_id=None, duplicate=True)
        reference = reference_date(doc, self.settings)
        analysis = await self.analyser(doc, reference)
        targets = channels or route(doc, self.settings.config.routing)
        today = to_local(utc_now(), self.settings.timezone).date()
        async with self.db.transaction() as conn:
            comm_id = await self._insert(conn, doc, scope, analysis, targets[0], parent_id=None)
            if comm_id is None:  # lost a race with another relay of the same document
                return RelayResult(communication_id=None, duplicate=True)
            for attachment in doc.attachments:
                await self._insert(conn, attachment, "file", None, targets[0], parent_id=comm_id)
            ids: list[int] = []
            for channel in targets:
                post = render_communication(
                    doc,
                    analysis,
                    channel=channel,
                    communication_id=comm_id,
                    today=today,
                    ping_role=doc.mention_role,
                )
                row = await outbox.enqueue(
                    conn,
                    post,
                    kind="communication",
                    communication_id=comm_id,
                    dedupe_key=f"communication:{comm_id}:{channel}",
                )
                if row is not None:
                    ids.append(row)
            for listener in self._listeners:
                await listener(conn, comm_id, doc, analysis)
        for callback in self._on_enqueued:
            callback()
        return RelayResult(communication_id=comm_id, duplicate=False, outbox_ids=ids)

    async def _insert(
        self,
        conn: aiosqlite.Connection,
        doc: Document,
        scope: str,
        analysis: Analysis | None,
        channel: str,
        parent_id: int | None,
    ) -> int | None:
        return await communications.insert(
            conn,
            communications.NewCommunication(
                scope=scope,
                external_id=doc.external_id,
                source_kind=doc.source_kind,
                source_name=doc.source_name,
                kind=doc.kind,
                title=doc.title,
                text=doc.text,
                channel=channel,
                link=doc.link,
                sender=doc.sender,
                published=doc.published,
                summary=analysis.summary if analysis else [],
                dates=[d.to_dict() for d in analysis.dates] if analysis else [],
                categories=doc.categories,
                parent_id=parent_id,
            ),
        )
