"""The announcements service: scheduled announcements, announcement files, weekly digest.

Scheduled announcements are rows with a timer of kind ``announcement`` (kept by triggers,
migration 0008): the durable clock (bot/timers.py) runs ``store.send_due_in`` in the
transaction that marks the timer done, so an announcement is posted once, across restarts.
The weekly digest is the one cron expression left on ``app.scheduler`` (APScheduler).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite
from apscheduler.triggers.cron import CronTrigger

from bot.announcements import store
from bot.announcements.config import digest_trigger
from bot.announcements.draft import AnnouncementError, Draft, check, normalise_channels
from bot.announcements.mdfile import parse_file
from bot.calendar.dateinput import parse_datetime
from bot.calendar.model import CalendarError
from bot.digest.weekly import build_digest, gather
from bot.messages import t
from bot.models import staff_notice
from bot.settings import SettingsError
from bot.sources.inbox import layout, notify
from bot.store import outbox
from bot.timers import Firing, Timer
from bot.timeutil import format_local, from_iso, to_local, utc_now

if TYPE_CHECKING:
    from bot.context import Context

log = logging.getLogger(__name__)

NAME = "announcements"
TIMER_KIND = "announcement"
DIGEST_JOB = "announce:digest"
FILE_SUFFIXES = frozenset({".md", ".markdown", ".txt"})
MAX_FILE_BYTES = 200_000
COLOR_ERROR = 0xC0392B
# How late a digest missed while Relais was stopped may still be posted at start.
DIGEST_GRACE = timedelta(hours=6)
# Hidden files, editors' lock files and partial copies are never announcements.
_TEMPORARY = re.compile(r"(?i)^[.~]|\.(tmp|temp|part|partial|crdownload|swp|swx|lock)$|"
                        + re.escape(layout.ERROR_SUFFIX) + "$")

# Returns a French reason when the bot cannot post in that logical channel, else None.
ChannelCheck = Callable[[str], str | None]
# Returns a French reason when a mention staff chose would notify nobody (unknown role, no
# right to mention @everyone), else None. Set by the Discord adapter, like ChannelCheck.
MentionCheck = Callable[[Draft], str | None]


class AnnouncementService:
    name = NAME

    def __init__(self, ctx: Context) -> None:
        self.app = ctx
        self.channel_check: ChannelCheck | None = None
        self.mention_check: MentionCheck | None = None
        self._task: asyncio.Task[None] | None = None
        self._seen: dict[Path, tuple[int, int]] = {}

    # -- life cycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = self.app
        app.clock.register(TIMER_KIND, self.fire)
        digest = app.settings.config.digest
        trigger = None
        if digest.enabled:
            try:
                trigger = digest_trigger(app.settings)
            except SettingsError as exc:
                log.error("weekly digest disabled: %s", exc)  # `relais check` says the same
        if trigger is not None:
            app.scheduler.add_job(
                self.post_digest,
                trigger,
                id=DIGEST_JOB,
                replace_existing=True,
                misfire_grace_time=int(DIGEST_GRACE.total_seconds()),
                coalesce=True,
            )
            await self._catch_up_digest(trigger)
        self._task = asyncio.create_task(self._watch_files(), name="announcements-files")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.app.clock.unregister(TIMER_KIND)
        with contextlib.suppress(Exception):
            self.app.scheduler.remove_job(DIGEST_JOB)

    async def run_once(self) -> None:
        await self.send_all_due()
        await self.process_files(require_stable=False)

    async def describe(self) -> str | None:
        """For `relais demo`: what is scheduled."""
        app = self.app
        items = await store.scheduled(app.db)
        if not items:
            return None
        lines = [t("announcements.describe.header", count=len(items))]
        lines += [
            t("announcements.describe.line", when=format_local(a.due_at, tz=app.settings.timezone),
              title=a.title, channels=", ".join(a.channels))
            for a in items
        ]
        return "\n".join(lines)

    async def _watch_files(self) -> None:
        """The folder ``inbox/annonces/``, event-driven as the inbox is: the inbox's inotify
        watcher says when a writer closed a file (taken at once) or renamed one in. Where
        inotify is not there, or in ``mode = "poll"``, it is looked at every
        ``poll_interval_seconds`` (a file taken when unchanged between two looks)."""
        config = self.app.settings.config.inbox
        interval = max(2.0, config.poll_interval_seconds)
        _, folder = self._folders()
        if config.mode == "watch" and notify.available():
            try:
                # A folder staff see, like the inbox's own (a share not mounted: looked at).
                await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
                await self._watch_events(folder)
                return
            except Exception as exc:
                log.warning("announcements: inotify unavailable (%s); looking every %.0f s",
                            exc, interval)
        while True:
            await self._files_pass()
            await asyncio.sleep(interval)

    async def _files_pass(self, *, require_stable: bool = True) -> None:
        try:
            await self.process_files(require_stable=require_stable)
        except Exception:
            log.exception("announcements: file pass failed")

    async def _watch_events(self, folder: Path) -> None:
        closed: asyncio.Queue[Path | None] = asyncio.Queue()

        def heard(event: notify.Event, path: Path) -> None:
            if event == "closed" and path.parent == folder:
                closed.put_nowait(path)
            elif event == "rescan":
                closed.put_nowait(None)  # events were lost: look at the whole folder

        watcher = notify.InotifyWatcher(folder, heard, skip=lambda _sub: True)
        stop = asyncio.Event()
        watching = asyncio.create_task(watcher.run(stop), name="announcements-inotify")
        try:
            # Files already there (dropped while Relais was stopped) are complete.
            await self._files_pass(require_stable=False)
            while True:
                path = await closed.get()
                if path is None:
                    await self._files_pass()
                elif not _TEMPORARY.search(path.name) and path.is_file():
                    try:
                        await self._handle_file(folder.parent, path)
                    except Exception:
                        log.exception("announcements: file %s failed", path.name)
        finally:
            stop.set()
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching

    # -- scheduling -------------------------------------------------------------------------

    async def fire(
        self, conn: aiosqlite.Connection, timers: Sequence[Timer], firing: Firing
    ) -> list[int]:
        """The clock's handler: queue the announcements of these due timers."""
        ids: list[int] = []
        for timer in timers:
            queued = await store.send_due_in(conn, int(timer.key), firing.now)
            if queued:
                log.info("announcement %s queued (%d post(s))", timer.key, len(queued))
            ids += queued
        return ids

    async def send_all_due(self) -> int:
        """Queue every scheduled announcement already due, without the clock (`relais demo`)."""
        app = self.app
        now = utc_now()
        count = 0
        for announcement in await store.scheduled(app.db):
            if announcement.due_at <= now and await store.send_due(app.db, announcement.id, now):
                count += 1
        return count

    # -- what staff do (the cog and the file pass call these) -----------------------------------

    def known_channels(self) -> dict[str, str]:
        return dict(self.app.settings.config.channels)

    def validate(self, draft: Draft) -> list[str]:
        """Check a draft (French ``AnnouncementError``); returns the body split in messages."""
        parts = check(draft, self.known_channels())
        if self.channel_check is not None:
            for channel in draft.channels:
                reason = self.channel_check(channel)
                if reason:
                    raise AnnouncementError(reason)
        if self.mention_check is not None:
            reason = self.mention_check(draft)
            if reason:
                raise AnnouncementError(reason)
        return parts

    def parse_when(self, text: str, *, now: datetime | None = None) -> datetime:
        """A French date and time typed by staff, in the future; aware UTC."""
        app = self.app
        try:
            return parse_datetime(text, now=now or utc_now(), tz=app.settings.timezone)
        except CalendarError as err:
            raise AnnouncementError(err.message) from None

    async def publish(self, draft: Draft, actor: store.Actor, *, origin: str = "discord") -> int:
        app = self.app
        self.validate(draft)
        announcement_id, _ = await store.publish_now(app.db, draft, actor=actor, origin=origin)
        return announcement_id

    async def schedule(
        self, draft: Draft, due_at: datetime, actor: store.Actor, *, origin: str = "discord"
    ) -> int:
        app = self.app
        self.validate(draft)
        return await store.schedule(app.db, draft, due_at, actor=actor, origin=origin)

    async def modify(
        self,
        announcement_id: int,
        actor: store.Actor,
        *,
        draft: Draft | None = None,
        due_at: datetime | None = None,
    ) -> store.Announcement:
        app = self.app
        if draft is not None:
            self.validate(draft)
        updated = await store.modify(
            app.db, announcement_id, actor=actor, draft=draft, due_at=due_at
        )
        return updated

    async def cancel(self, announcement_id: int, actor: store.Actor) -> store.Announcement:
        app = self.app
        return await store.cancel(app.db, announcement_id, actor=actor)

    # -- weekly digest ------------------------------------------------------------------------

    async def _catch_up_digest(self, trigger: CronTrigger) -> None:
        """The scheduler keeps its jobs in memory: a digest due while Relais was stopped (a
        restart on Monday morning) is posted at start when it was due less than
        ``DIGEST_GRACE`` ago. ``post_digest`` never posts twice the same day."""
        now = utc_now()
        missed = trigger.get_next_fire_time(None, now - DIGEST_GRACE)
        if missed is None or missed > now:
            return
        # Only a Relais that existed then missed it: a store created since (a new install, a
        # test) has no digest to make up for.
        born = await self.app.db.fetchone(
            "SELECT MIN(applied_at) AS at FROM schema_migrations"
        )
        if born is None or born["at"] is None or from_iso(born["at"]) > missed:
            return
        try:
            ids = await self.post_digest(now)
        except Exception:
            log.exception("digest: catching up the run of %s failed", missed)
            return
        if ids:
            log.info("digest: run of %s missed while stopped, posted now", missed)

    async def post_digest(self, now: datetime | None = None) -> list[int]:
        """Queue this week's digest (nothing in an empty week); once per local day."""
        app = self.app
        now = now or utc_now()
        cfg = app.settings.config.digest
        data = await gather(app.db, now, untaken_after_days=cfg.untaken_after_days)
        posts = build_digest(data, channel=cfg.channel)
        if not posts:
            log.info("digest: empty week, nothing posted")
            return []
        day = to_local(now, app.settings.timezone).date().isoformat()
        ids: list[int] = []
        async with app.db.transaction() as conn:
            # Once per local day as a whole: a second run that day (restart, manual call)
            # must not add the parts a longer digest would have beyond the first run's.
            async with conn.execute(
                "SELECT 1 FROM outbox WHERE kind = 'digest' AND dedupe_key LIKE ? LIMIT 1",
                (f"digest:{day}:%",),
            ) as cursor:
                if await cursor.fetchone() is not None:
                    log.info("digest: already posted on %s", day)
                    return []
            ids = await outbox.enqueue_all(
                conn, ((post, f"digest:{day}:{i}") for i, post in enumerate(posts)), kind="digest"
            )
        return ids

    # -- announcement files -------------------------------------------------------------------

    def _folders(self) -> tuple[Path, Path]:
        root = Path(self.app.settings.inbox_path)
        return root, root / layout.ANNOUNCEMENTS

    async def process_files(self, *, require_stable: bool = True) -> int:
        """One pass over ``inbox/annonces/``: a file is taken once its size and time are the
        same as at the previous pass (a copy in progress is left for the next one)."""
        root, folder = self._folders()
        if not folder.is_dir():
            return 0
        handled = 0
        current: dict[Path, tuple[int, int]] = {}
        for path in sorted(folder.iterdir()):
            if _TEMPORARY.search(path.name) or not path.is_file():
                continue
            try:
                info = path.stat()
            except OSError:
                continue
            signature = (info.st_size, info.st_mtime_ns)
            if require_stable and self._seen.get(path) != signature:
                current[path] = signature  # changed since the last pass: wait one more
                continue
            await self._handle_file(root, path)
            handled += 1
        self._seen = current
        return handled

    async def _handle_file(self, root: Path, path: Path) -> None:
        app = self.app
        try:
            raw = await asyncio.to_thread(path.read_bytes)
            if path.suffix.lower() not in FILE_SUFFIXES:
                raise AnnouncementError(t("announcements.file.bad_suffix", suffix=path.suffix))
            if len(raw) > MAX_FILE_BYTES:
                raise AnnouncementError(
                    t("announcements.file.too_big", size=len(raw), limit=MAX_FILE_BYTES)
                )
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252", errors="replace")
            origin = "file:" + hashlib.sha256(raw).hexdigest()[:32]
            if await app.db.fetchone("SELECT 1 FROM announcements WHERE origin = ?", (origin,)):
                log.info("announcement file %s was already taken; filed", path.name)
            else:
                await self._announce_file(path, text, origin)
        except AnnouncementError as err:
            await self._fail(root, path, str(err))
            return
        except OSError as err:
            log.warning("announcement file %s unreadable: %s", path, err)
            return
        await asyncio.to_thread(layout.move, path, layout.month_folder(root, utc_now()))

    async def _announce_file(self, path: Path, text: str, origin: str) -> None:
        parsed = parse_file(text, fallback_title=path.stem)
        draft = Draft(
            title=parsed.title,
            body=parsed.body,
            channels=normalise_channels(parsed.channels, self.known_channels()),
            ping_roles=parsed.roles,
            ping_everyone=parsed.everyone,
        )
        actor = store.Actor(None, t("announcements.file.actor", name=path.name))
        if parsed.when is None:
            await self.publish(draft, actor, origin=origin)
        else:
            await self.schedule(draft, self.parse_when(parsed.when), actor, origin=origin)

    async def _fail(self, root: Path, path: Path, reason: str) -> None:
        app = self.app
        target = await asyncio.to_thread(layout.move, path, root / layout.FAILED)
        note = Path(str(target) + layout.ERROR_SUFFIX)
        body = t("announcements.file.error_note", name=path.name, when=format_local(utc_now()),
                 reason=reason)
        await asyncio.to_thread(note.write_text, body + "\n", encoding="utf-8")
        log.warning("announcement file %s refused: %s", path.name, reason)
        post = staff_notice(
            t("announcements.file.staff_title", name=path.name),
            t(
                "announcements.file.staff_body",
                name=path.name,
                reason=reason,
                where=f"{layout.FAILED}/{target.name}",
            ),
            color=COLOR_ERROR,
        )
        async with app.db.transaction() as conn:
            await outbox.enqueue(
                conn, post, kind="notice", dedupe_key=f"announce:file-error:{target.name}:"
                f"{utc_now().isoformat()}"
            )


def parse_since(text: str, *, tz: Any, now: datetime | None = None) -> datetime:
    """A French date typed for « depuis » (past allowed, midnight when no time)."""
    now = now or utc_now()
    try:
        value = parse_datetime(text, now=now, tz=tz, default_time=time(0, 0), allow_past=True)
    except CalendarError as err:
        raise AnnouncementError(err.message) from None
    if value > now:
        # Without a year the parser means the next such day; « depuis » means the last one.
        local = value.astimezone(tz)
        with contextlib.suppress(ValueError):
            value = local.replace(year=local.year - 1).astimezone(value.tzinfo)
    return value

