"""``GET /sante`` (JSON, 200 or 503) and ``GET /metrics`` (Prometheus text format).

Both read what the database and the running services already know, at request time: no
feature has to report to them, so a feature that hangs shows up as stale figures here rather
than as silence.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import CollectorRegistry, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.context import Context
from bot.messages import t
from bot.timeutil import from_iso, to_iso, utc_now


class Inbox(Protocol):
    """What the health routes read of the inbox service (``bot.sources.inbox.InboxService``)."""

    @property
    def stats(self) -> Mapping[str, int]: ...

    @property
    def last_scan_at(self) -> datetime | None: ...


class App(Context, Protocol):
    """What the health routes read of the application (``bot.app.App``): a protocol, so
    that this module, which the composition root imports, never imports it back."""

    @property
    def inbox(self) -> Inbox: ...

    @property
    def started_at(self) -> datetime: ...

    @property
    def gateway_connected(self) -> Callable[[], bool] | None: ...


log = logging.getLogger(__name__)

# Beyond this age, the oldest post due and not sent means Relais is stuck (Discord refuses,
# the worker hangs): /sante answers 503 so a supervisor or a HEALTHCHECK notices.
OUTBOX_LAG_LIMIT_SECONDS = 30 * 60
DB_PROBE_TIMEOUT_SECONDS = 5.0
PROBE_KEY = "health.probe"


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return from_iso(value)
    except ValueError:
        return None


def _age(now: datetime, at: datetime | None) -> float | None:
    return round((now - at).total_seconds(), 3) if at is not None else None


@dataclass
class Snapshot:
    """What /sante and /metrics report, read once per request."""

    now: datetime
    mode: str
    gateway_connected: bool | None
    database_writable: bool
    database_error: str | None = None
    outbox_pending: int = 0
    outbox_due: int = 0
    outbox_waiting: int = 0
    oldest_pending_at: datetime | None = None
    oldest_due_at: datetime | None = None
    posts: dict[tuple[str, str], int] = field(default_factory=dict)
    feeds: list[dict[str, Any]] = field(default_factory=list)
    last_feed_poll: datetime | None = None
    inbox_outcomes: dict[str, int] = field(default_factory=dict)
    last_inbox_scan: datetime | None = None
    reminders_late: int = 0
    reminders_overdue: int = 0

    @property
    def outbox_lag(self) -> float:
        """Age in seconds of the oldest post due now and not sent (0 when none)."""
        return max(_age(self.now, self.oldest_due_at) or 0.0, 0.0)

    def problems(self) -> list[str]:
        found = []
        if not self.database_writable:
            found.append(t("health.problem.database", error=self.database_error or "?"))
        if self.gateway_connected is False:
            found.append(t("health.problem.gateway"))
        if self.outbox_lag > OUTBOX_LAG_LIMIT_SECONDS:
            found.append(t("health.problem.outbox", minutes=int(self.outbox_lag // 60)))
        return found


async def _rows(app: App, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
    """A read that may find a table another feature has not created (yet): empty then."""
    try:
        return await app.db.fetchall(sql, params)
    except sqlite3.OperationalError as exc:
        log.debug("health query skipped (%s): %s", exc, sql)
        return []


async def _probe_write(app: App) -> str | None:
    """None when a write transaction commits within the timeout, else why not."""
    try:
        await asyncio.wait_for(
            app.db.execute(
                "INSERT INTO kv(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (PROBE_KEY, utc_now().isoformat()),
            ),
            DB_PROBE_TIMEOUT_SECONDS,
        )
    except TimeoutError:
        return f"no write within {DB_PROBE_TIMEOUT_SECONDS:.0f} s"
    except (sqlite3.Error, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


async def snapshot(app: App) -> Snapshot:
    now = utc_now()
    error = await _probe_write(app)
    gateway = app.gateway_connected() if app.gateway_connected is not None else None
    snap = Snapshot(
        now=now,
        mode="console" if app.settings.console_mode else "discord",
        gateway_connected=gateway,
        database_writable=error is None,
        database_error=error,
    )
    now_iso = to_iso(now)
    for row in await _rows(
        app,
        "SELECT COUNT(*) AS pending, SUM(next_attempt_at <= ?) AS due,"
        " SUM(waiting_reason IS NOT NULL) AS waiting, MIN(created_at) AS oldest,"
        " MIN(CASE WHEN next_attempt_at <= ? AND waiting_reason IS NULL THEN created_at END)"
        " AS oldest_due FROM outbox WHERE status = 'pending'",
        (now_iso, now_iso),
    ):
        snap.outbox_pending = int(row["pending"] or 0)
        snap.outbox_due = int(row["due"] or 0)
        snap.outbox_waiting = int(row["waiting"] or 0)
        snap.oldest_pending_at = _parse(row["oldest"])
        snap.oldest_due_at = _parse(row["oldest_due"])
    for row in await _rows(app, "SELECT kind, status, COUNT(*) AS n FROM outbox GROUP BY 1, 2"):
        snap.posts[(row["kind"], row["status"])] = int(row["n"])
    for row in await _rows(
        app,
        "SELECT f.name, s.failures, s.paused, s.last_success, s.last_error_at"
        " FROM feeds f LEFT JOIN feed_state s ON s.feed_id = f.id ORDER BY f.name",
    ):
        last_success, last_error = _parse(row["last_success"]), _parse(row["last_error_at"])
        polled = [d for d in (last_success, last_error) if d is not None]
        if polled and (snap.last_feed_poll is None or max(polled) > snap.last_feed_poll):
            snap.last_feed_poll = max(polled)
        snap.feeds.append(
            {
                "name": row["name"],
                "failures": int(row["failures"] or 0),
                "paused": bool(row["paused"]),
                "last_success": last_success,
            }
        )
    for row in await _rows(
        app,
        "SELECT SUM(late) AS late, SUM(status = 'pending' AND due_at < ?) AS overdue"
        " FROM cal_reminders",
        (to_iso(now),),
    ):
        snap.reminders_late = int(row["late"] or 0)
        snap.reminders_overdue = int(row["overdue"] or 0)
    snap.inbox_outcomes = {str(k): int(v) for k, v in app.inbox.stats.items()}
    snap.last_inbox_scan = app.inbox.last_scan_at
    return snap


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def health_document(snap: Snapshot) -> dict[str, Any]:
    problems = snap.problems()
    return {
        "statut": "ok" if not problems else "en_panne",
        "problemes": problems,
        "mode": snap.mode,
        "heure": _iso(snap.now),
        "passerelle_connectee": snap.gateway_connected,
        "base_de_donnees_inscriptible": snap.database_writable,
        "boite_envoi": {
            "en_attente": snap.outbox_pending,
            "dues": snap.outbox_due,
            "en_attente_de_salon": snap.outbox_waiting,
            "plus_ancienne": _iso(snap.oldest_pending_at),
            "age_plus_ancienne_s": _age(snap.now, snap.oldest_pending_at),
            "retard_s": round(snap.outbox_lag, 3),
        },
        "flux": {
            "dernier_passage": _iso(snap.last_feed_poll),
            "en_erreur": sum(1 for f in snap.feeds if f["failures"]),
            "en_pause": sum(1 for f in snap.feeds if f["paused"]),
        },
        "depot": {
            "dernier_balayage": _iso(snap.last_inbox_scan),
            "refuses": snap.inbox_outcomes.get("failed", 0),
        },
        "rappels_en_retard": snap.reminders_overdue,
    }


class _SnapshotCollector(Collector):
    def __init__(self, snap: Snapshot, started_at: datetime) -> None:
        self.snap = snap
        self.started_at = started_at

    def collect(self) -> Iterator[Metric]:
        snap = self.snap
        up = GaugeMetricFamily("relais_up", "1 when /sante would answer 200.")
        up.add_metric([], 0 if snap.problems() else 1)
        yield up
        started = GaugeMetricFamily("relais_start_time_seconds", "Unix time Relais started.")
        started.add_metric([], self.started_at.timestamp())
        yield started
        gateway = GaugeMetricFamily(
            "relais_gateway_connected",
            "1 connected to the Discord gateway, 0 not (none in console mode).",
        )
        if snap.gateway_connected is not None:
            gateway.add_metric([], 1 if snap.gateway_connected else 0)
        yield gateway
        db = GaugeMetricFamily("relais_database_writable", "1 when a write transaction commits.")
        db.add_metric([], 1 if snap.database_writable else 0)
        yield db
        posts = GaugeMetricFamily(
            "relais_outbox_posts",
            "Posts in the outbox by kind and status (sent, pending, set_aside = failed for good).",
            labels=["kind", "status"],
        )
        for (kind, status), count in sorted(snap.posts.items()):
            posts.add_metric([kind, status], count)
        yield posts
        for name, doc, status in (
            ("relais_posts_sent", "Posts Discord accepted, by kind.", "sent"),
            (
                "relais_posts_failed",
                "Posts set aside after their last try, by kind.",
                "set_aside",
            ),
        ):
            family = GaugeMetricFamily(name, doc, labels=["kind"])
            for (kind, row_status), count in sorted(snap.posts.items()):
                if row_status == status:
                    family.add_metric([kind], count)
            yield family
        pending = GaugeMetricFamily("relais_outbox_pending", "Posts not sent yet.")
        pending.add_metric([], snap.outbox_pending)
        yield pending
        lag = GaugeMetricFamily(
            "relais_outbox_lag_seconds", "Age of the oldest post due now and not sent."
        )
        lag.add_metric([], snap.outbox_lag)
        yield lag
        failures = GaugeMetricFamily(
            "relais_feed_consecutive_failures", "Failed polls in a row, per feed.", labels=["feed"]
        )
        paused = GaugeMetricFamily("relais_feed_paused", "1 when paused.", labels=["feed"])
        for feed in snap.feeds:
            failures.add_metric([feed["name"]], feed["failures"])
            paused.add_metric([feed["name"]], 1 if feed["paused"] else 0)
        yield failures
        yield paused
        errors = GaugeMetricFamily("relais_feed_errors", "Feeds whose last poll failed.")
        errors.add_metric([], sum(1 for f in snap.feeds if f["failures"]))
        yield errors
        last_poll = GaugeMetricFamily(
            "relais_feed_last_poll_timestamp_seconds", "Unix time of the last feed poll."
        )
        if snap.last_feed_poll is not None:
            last_poll.add_metric([], snap.last_feed_poll.timestamp())
        yield last_poll
        inbox = GaugeMetricFamily(
            "relais_inbox_files", "Files handled since start, by outcome.", labels=["outcome"]
        )
        for outcome, count in sorted(snap.inbox_outcomes.items()):
            inbox.add_metric([outcome], count)
        yield inbox
        refused = GaugeMetricFamily("relais_inbox_refused", "Files refused since start.")
        refused.add_metric([], snap.inbox_outcomes.get("failed", 0))
        yield refused
        late = GaugeMetricFamily("relais_reminders_late", "Reminders that went out late.")
        late.add_metric([], snap.reminders_late)
        yield late
        overdue = GaugeMetricFamily("relais_reminders_overdue", "Reminders due and not sent yet.")
        overdue.add_metric([], snap.reminders_overdue)
        yield overdue


def metrics_text(snap: Snapshot, started_at: datetime) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SnapshotCollector(snap, started_at))
    return generate_latest(registry)


def routes(app: App) -> list[web.AbstractRouteDef]:
    async def sante(request: web.Request) -> web.Response:
        snap = await snapshot(app)
        document = health_document(snap)
        return web.json_response(document, status=200 if not document["problemes"] else 503)

    async def metrics(request: web.Request) -> web.Response:
        body = metrics_text(await snapshot(app), app.started_at)
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    return [web.get("/sante", sante), web.get("/metrics", metrics)]
