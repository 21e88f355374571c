"""The inbox service: watch the folder, take complete files, relay them, file them away.

Outcomes of one file (each one leaves the file somewhere visible, never lost):
- read and relayed            → ``traites/AAAA-MM/`` (the post attaches it from there)
- same content seen before    → ``traites/AAAA-MM/`` too, noted, not posted again
- unreadable, too big, …      → ``erreurs/`` with ``<nom>.erreur.txt`` and a notice to staff
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from watchfiles import Change, awatch

from bot import safe_text
from bot.context import Context
from bot.messages import t
from bot.models import Document, staff_notice
from bot.sources.documents import DocumentError, Limits, read_document
from bot.sources.documents.eml import save_attachments
from bot.sources.documents.files import classify
from bot.sources.inbox import layout, notify, transient
from bot.sources.inbox.settle import Settler
from bot.store import outbox
from bot.timeutil import format_local, utc_now, wait_event

log = logging.getLogger(__name__)

Outcome = Literal["posted", "duplicate", "failed", "requeued", "gone", "waiting", "retry"]
OutcomeListener = Callable[[Path, Outcome], None]

COLOR_ERROR = 0xC0392B
COLOR_NOTICE = 0x7F8C8D
# In watch mode, a full rescan now and then catches what inotify missed (queue overflow,
# folders moved in whole, network shares mounted late).
RESCAN_SECONDS = 30.0
# After the watcher (re)starts, one rescan this soon catches files dropped before it watched.
CATCH_UP_SECONDS = 1.0
# Links and other odd entries found within this long are named in one staff notice.
ODD_BATCH_SECONDS = 0.5


# What the inbox needs from the application: the features' one interface.
InboxApp = Context


# Cheap metadata calls; named so that the intent (a stat, not I/O on content) is explicit.
def _is_dir(path: Path) -> bool:
    return path.is_dir()


def _exists(path: Path) -> bool:
    return path.exists()


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except OSError:
        return None


def display_name(name: str) -> str:
    """A file name shown in Discord markdown: no formatting, no pings, no controls."""
    # Undecodable bytes of a name on disk (lone surrogates) cannot be sent: replaced.
    return safe_text.inline(name.encode("utf-8", "replace").decode("utf-8"), 200)


class InboxService:
    name = "inbox"

    def __init__(
        self,
        ctx: Context,
        *,
        concurrency: int = 2,
        on_outcome: OutcomeListener | None = None,
    ) -> None:
        settings = ctx.settings
        self.ctx = ctx
        self.settings = settings
        self.config = settings.config.inbox
        self.root = Path(settings.inbox_path)
        self.limits = Limits(max_file_bytes=self.config.max_file_bytes)
        self.stats: Counter[str] = Counter()
        self.last_scan_at: datetime | None = None  # read by /sante
        self.on_outcome = on_outcome
        self._settler = Settler(self.config.stable_seconds)
        self._tick = min(max(self.config.stable_seconds / 4, 0.05), 0.25)
        self._concurrency = concurrency
        self._pending: set[Path] = set()
        self._busy: set[Path] = set()
        self._stuck: dict[Path, tuple[int, int]] = {}
        # inotify's view: files a writer still has open (last event time), files closed.
        self._writing: dict[Path, float] = {}
        self._closed: set[Path] = set()
        # Files whose structure says they are cut short: (size, mtime) when last read, and
        # since when they have been waiting.
        self._waiting: dict[Path, tuple[int, int]] = {}
        self._incomplete_since: dict[Path, float] = {}
        self._odd_seen: set[Path] = set()
        self._odd_batch: list[Path] = []
        self._odd_flush: asyncio.Task[None] | None = None
        self._side_tasks: set[asyncio.Task[None]] = set()
        # Environment failures: per file, attempts and when to try again; the outage staff
        # were told about (None when all is well); notices that could not be queued yet.
        self._retries: dict[Path, int] = {}
        self._retry_at: dict[Path, float] = {}
        self.outage: str | None = None
        self._unsent: list[tuple[str, str, str, int]] = []
        self._resender: asyncio.Task[None] | None = None
        self.watch_backend = "none"
        self._tasks: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._app: InboxApp | None = None
        self._wakeup: asyncio.Event | None = None
        self._stop: asyncio.Event | None = None
        self._slots: asyncio.Semaphore | None = None
        self._catch_up = asyncio.Event()
        self._caught_up = asyncio.Event()

    # ------------------------------------------------------------------ lifecycle

    def prepare(self) -> None:
        """Create the folders staff see: the inbox, its outcomes, one per routing rule."""
        folders = [self.root, self.root / layout.PROCESSED, self.root / layout.FAILED]
        for rule in self.config.rules:
            folder = self.root / rule.folder
            if folder.resolve().is_relative_to(self.root.resolve()):
                folders.append(folder)
        for folder in folders:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                # A share not mounted yet, a read-only folder: the watcher still starts and
                # files that cannot be filed away are reported to staff one by one.
                log.error("inbox: cannot create %s: %s", folder, exc)

    def _bind(self, app: InboxApp) -> None:
        self._app = app
        self._wakeup = asyncio.Event()
        self._stop = asyncio.Event()
        self._slots = asyncio.Semaphore(self._concurrency)
        self._catch_up = asyncio.Event()
        self._caught_up = asyncio.Event()
        self.prepare()

    async def start(self) -> None:
        self._bind(self.ctx)
        # Long documents are analysed in worker processes: have them ready before the first.
        worker = getattr(self.ctx.pipeline, "worker", None)
        if worker is not None:
            worker.warm()
        self.scan()  # files already there are processed first
        self._loops = [
            asyncio.create_task(self._keep_running(self._settle_loop), name="inbox-settle"),
            asyncio.create_task(self._keep_running(self._watch_loop), name="inbox-watch"),
            asyncio.create_task(self._keep_running(self._rescan_loop), name="inbox-rescan"),
        ]
        log.info("inbox watching %s (%s mode)", self.root, self.config.mode)

    async def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if self._wakeup is not None:
            self._wakeup.set()
        for task in self._loops:
            task.cancel()
        for task in self._loops:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loops = []
        if self._tasks:
            # Let files being relayed finish: a half-moved file is worse than a slow stop.
            await asyncio.wait(set(self._tasks), timeout=30)
        if self._side_tasks:
            await asyncio.wait(set(self._side_tasks), timeout=5)

    async def run_once(self) -> None:
        """Process every file present now (``relais demo``), then return."""
        self._bind(self.ctx)
        self.scan()
        await self.drain()

    async def drain(self, limit_seconds: float = 120.0) -> None:
        """Settle and process until nothing is pending (drives the loop itself if needed)."""
        deadline = time.monotonic() + limit_seconds
        while (self._pending or self._tasks) and time.monotonic() < deadline:
            if not self._loops:
                self._settle_pass()
            await asyncio.sleep(self._tick)
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=max(deadline - time.monotonic(), 0.1))

    @property
    def idle(self) -> bool:
        return not self._pending and not self._tasks

    async def settled(self, within: float = 60.0) -> None:
        """Until the inbox has nothing left to do with what is in it now: a rescan has looked
        at every file, none is pending or being relayed, no staff notice is still to be
        queued. What did not happen by then will not happen without a new file or the end of
        a retry back-off (tests wait on this rather than sleep)."""
        self.scan()
        async with asyncio.timeout(within):
            while not self.idle or self._side_tasks:
                await self.drain(within)
                if self._side_tasks:
                    await asyncio.wait(set(self._side_tasks))

    async def watching(self, within: float = 30.0) -> None:
        """Watch mode: until the watcher watches and a rescan has looked at the inbox since it
        started. From then on only the watcher (or the periodic rescan) finds a new file."""
        async with asyncio.timeout(within):
            await self._caught_up.wait()

    # ------------------------------------------------------------------ discovery

    def scan(self, under: Path | None = None) -> int:
        """Note every candidate file (under a sub-folder, or the whole inbox)."""
        count = 0
        self.last_scan_at = utc_now()
        base = under or self.root
        if base != self.root and not layout.is_candidate(self.root, base / "x"):
            return 0
        odd: list[Path] = []
        walk = layout.iter_candidates(self.root, under=None if base == self.root else base, odd=odd)
        for path in walk:
            count += self._hint(path)
        self._note_odd(odd)
        return count

    def _note_odd(self, paths: list[Path]) -> None:
        """Links, FIFOs, sockets, devices: left alone, named to staff once (in one notice
        for what turns up together)."""
        new = [p for p in paths if p not in self._odd_seen]
        if not new or self._app is None:
            return
        self._odd_seen.update(new)
        self._odd_batch.extend(new)
        if self._odd_flush is None or self._odd_flush.done():
            self._odd_flush = asyncio.get_running_loop().create_task(self._flush_odd())
            self._side_tasks.add(self._odd_flush)
            self._odd_flush.add_done_callback(self._side_tasks.discard)

    async def _flush_odd(self) -> None:
        await asyncio.sleep(ODD_BATCH_SECONDS)
        batch = sorted(set(self._odd_batch))
        self._odd_batch.clear()
        if not batch:
            return
        names = []
        for path in batch[:20]:
            try:
                shown = path.relative_to(self.root).as_posix()
            except ValueError:
                shown = path.name
            names.append("- " + display_name(shown))
        if len(batch) > 20:
            names.append(f"- … (+{len(batch) - 20})")
        log.warning("inbox: left alone (link, FIFO, socket or device): %s", batch[:20])
        await self._notify(
            t("inbox.staff.odd.title"),
            t("inbox.staff.odd.body", names="\n".join(names)),
            dedupe_key="inbox:odd:" + "|".join(str(p) for p in batch)[:400],
            color=COLOR_NOTICE,
        )

    def _hint(self, path: Path) -> int:
        if path in self._busy or path in self._pending:
            return 0
        if path in self._retry_at:
            if time.monotonic() < self._retry_at[path]:
                return 0  # an environment failure: tried again after its backoff
            del self._retry_at[path]
        if not layout.is_candidate(self.root, path):
            return 0
        if path in self._stuck:
            info = _stat(path)
            if info is not None and (info.st_size, info.st_mtime_ns) == self._stuck[path]:
                return 0
            del self._stuck[path]  # changed or replaced: worth another try
        if path in self._waiting:
            info = _stat(path)
            since = self._incomplete_since.get(path, 0.0)
            unchanged = info is not None and (info.st_size, info.st_mtime_ns) == self._waiting[path]
            if unchanged and time.monotonic() - since < self.config.incomplete_seconds:
                return 0  # still cut short and not changed: wait (a rescan looks again)
            del self._waiting[path]
        self._pending.add(path)
        if self._wakeup is not None:
            self._wakeup.set()
        return 1

    async def _keep_running(self, loop: Callable[[], Any]) -> None:
        """The watcher keeps running: an unexpected error restarts its loop after a pause."""
        assert self._stop is not None
        while not self._stop.is_set():
            try:
                await loop()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("inbox loop %s failed; restarting", getattr(loop, "__name__", loop))
                await asyncio.sleep(1.0)

    async def _watch_loop(self) -> None:
        assert self._stop is not None
        if self.config.mode == "poll":
            while not self._stop.is_set():
                self.scan()
                await self._sleep(self.config.poll_interval_seconds)
            return
        if notify.available():
            try:
                await self._inotify_loop()
                return
            except Exception as exc:
                log.warning("inbox: inotify unavailable (%s); watching with watchfiles", exc)
        self.watch_backend = "watchfiles"
        failures = 0
        while not self._stop.is_set():
            if not _is_dir(self.root):
                # Unmounted share or folder removed: wait for it rather than fail every second.
                log.warning("inbox folder %s is missing; waiting for it", self.root)
                while not _is_dir(self.root) and not self._stop.is_set():
                    await self._sleep(5.0)
                self.scan()
            try:
                async for changes in awatch(
                    self.root, stop_event=self._stop, step=50, recursive=True
                ):
                    failures = 0
                    self._on_changes(changes)
                return
            except Exception as exc:
                # watchfiles gives up on a whole batch of events when one name is not UTF-8
                # (a file copied from an old system): the other files of that batch were
                # never reported. Watch again, and rescan now and once the watcher is back.
                # A watcher that cannot start at all (inotify limit) backs off to a scan
                # every RESCAN_SECONDS, which is polling.
                failures += 1
                log.warning("inbox watcher failed (%s); watching again and rescanning", exc)
                self.scan()
                self._catch_up.set()
                await self._sleep(min(0.2 * 2 ** (failures - 1), RESCAN_SECONDS))

    async def _inotify_loop(self) -> None:
        assert self._stop is not None
        while not _is_dir(self.root) and not self._stop.is_set():
            log.warning("inbox folder %s is missing; waiting for it", self.root)
            await self._sleep(5.0)
        watcher = notify.InotifyWatcher(
            self.root,
            self._on_event,
            skip=lambda folder: not layout.is_candidate(self.root, folder / "x"),
        )
        self.watch_backend = "inotify"
        self._catch_up.set()
        await watcher.run(self._stop)

    def _on_event(self, event: notify.Event, path: Path) -> None:
        if event == "rescan":
            self.scan()
            return
        if event == "folder":
            self.scan(path)
            return
        if event == "writing":
            self._writing[path] = time.monotonic()
            self._closed.discard(path)
        else:
            self._writing.pop(path, None)
            self._closed.add(path)
        kind, _ = classify(self.root, path)
        if kind == "odd":
            self._note_odd([path])
        elif kind == "file":
            self._hint(path)

    def _on_changes(self, changes: set[tuple[Change, str]]) -> None:
        for change, raw in changes:
            if change == Change.deleted:
                continue
            path = Path(raw)
            kind, _ = classify(self.root, path)  # never through a link
            if kind == "dir":
                self.scan(path)  # a folder moved in whole brings no event per file
            elif kind == "file":
                self._hint(path)
            elif kind == "odd":
                self._note_odd([path])

    async def _rescan_loop(self) -> None:
        assert self._stop is not None
        if self.config.mode == "poll":
            await self._stop.wait()
            return
        # The watcher starts watching a moment after start(): a first rescan soon after
        # catches files dropped in that gap (the same after the watcher restarts).
        self._catch_up.set()
        while not self._stop.is_set():
            await wait_event(self._catch_up, RESCAN_SECONDS)
            if self._catch_up.is_set():
                self._catch_up.clear()
                self._caught_up.clear()
                await self._sleep(CATCH_UP_SECONDS)
            if not self._stop.is_set():
                self.scan()
                # Caught up, unless the watcher (re)started meanwhile: another catch-up comes.
                if not self._catch_up.is_set() and self.watch_backend != "none":
                    self._caught_up.set()

    async def _sleep(self, seconds: float) -> None:
        assert self._stop is not None
        await wait_event(self._stop, seconds)

    async def _settle_loop(self) -> None:
        assert self._wakeup is not None and self._stop is not None
        while not self._stop.is_set():
            if not self._pending:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            self._settle_pass()
            await asyncio.sleep(self._tick)

    def _settle_pass(self) -> None:
        now = time.monotonic()
        for path in sorted(self._pending):
            # Symbolic links are not followed, at any depth: a link dropped in a shared
            # folder must not make Relais publish (or delete) a file from elsewhere.
            kind, info = classify(self.root, path)
            if kind != "file" or info is None:
                self._pending.discard(path)
                self._settler.forget(path)
                if kind == "odd":
                    self._note_odd([path])
                continue
            last_write = self._writing.get(path)
            if last_write is not None and now - last_write < self.config.incomplete_seconds:
                continue  # the writer still has it open (inotify): however long it pauses
            # Closed by its writer (inotify): complete now. Otherwise a quiet time.
            closed = path in self._closed and last_write is None
            if closed or self._settler.observe(path, info.st_size, info.st_mtime_ns):
                self._closed.discard(path)
                self._writing.pop(path, None)
                self._settler.forget(path)
                self._pending.discard(path)
                self._busy.add(path)
                task = asyncio.create_task(self._guarded(path, (info.st_size, info.st_mtime_ns)))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ processing

    async def _guarded(self, path: Path, seen: tuple[int, int]) -> None:
        assert self._slots is not None
        outcome: Outcome = "failed"
        try:
            async with self._slots:
                outcome = await self.process_file(path, seen)
        except Exception as exc:
            if transient.is_transient(exc):
                outcome = self._transient(path, exc)
            else:
                log.exception("inbox: unexpected failure on %s", path)
                with contextlib.suppress(Exception):
                    await self._fail(path, t("inbox.error.internal", detail=type(exc).__name__))
        finally:
            self._busy.discard(path)
        self.stats[outcome] += 1
        if outcome in ("posted", "duplicate", "failed"):
            self._retries.pop(path, None)
            if outcome != "failed":
                self._outage_over()
        if outcome == "requeued":
            self._hint(path)
        elif outcome not in ("gone", "waiting", "retry"):
            # Normally the file has been moved away. If it could not be (read-only share),
            # remember it so that rescans do not process it, and notify staff, again and again.
            info = _stat(path)
            if info is not None:
                log.error("inbox: %s could not be moved out of the inbox; ignoring it", path)
                self._stuck[path] = (info.st_size, info.st_mtime_ns)
        if self.on_outcome is not None:
            self.on_outcome(path, outcome)

    async def process_file(self, path: Path, seen: tuple[int, int] | None = None) -> Outcome:
        """Read, relay and file away one complete file."""
        app = self._require_app()
        kind, _ = classify(self.root, path)
        if kind != "file":
            return "gone"
        where = layout.placement(
            self.root,
            path,
            [(r.folder, r.channel) for r in self.config.rules],
            self.settings.config.channels.keys(),
        )
        try:
            doc = await asyncio.to_thread(
                read_document,
                path,
                source_kind="inbox",
                source_name=where.source_name,
                limits=self.limits,
                root=self.root,
            )
        except DocumentError as exc:
            if exc.code == "io" and not _exists(path):
                return "gone"
            if transient.is_transient(exc):
                raise  # the machine's failure, not the document's: tried again later
            if exc.incomplete:
                return await self._incomplete(path, exc)
            await self._fail(path, exc.reason)
            return "failed"
        self._incomplete_since.pop(path, None)
        if path in self._writing or (seen is not None and self._changed(path, seen)):
            # Still being written after all: read it again once it settles.
            log.info("inbox: %s changed while being read; waiting for it to settle", path.name)
            return "requeued"
        if where.channel:
            doc.channels = [where.channel]
        folder = layout.month_folder(self.root, utc_now())
        if await app.pipeline.is_known(doc):
            target = await self._file_away(path, folder)
            if target is None:
                return "gone"
            log.info(
                "inbox: %s already relayed (same SHA-256); filed as %s", path.name, target.name
            )
            await self._notify(
                t("inbox.staff.duplicate.title", name=display_name(path.name)),
                t(
                    "inbox.staff.duplicate.body",
                    name=display_name(path.name),
                    title=safe_text.inline(doc.title, 200),
                ),
                dedupe_key=f"inbox:duplicate:{doc.external_id}",
                color=COLOR_NOTICE,
            )
            return "duplicate"
        # The post attaches the original from traites/, so it must be there before the relay;
        # the inbox copy is removed only once the post is queued (see layout.file_copy).
        try:
            target = await asyncio.to_thread(layout.file_copy, path, folder)
        except FileNotFoundError:
            log.info("inbox: %s vanished before it could be filed; not posted", path.name)
            return "gone"
        doc.original_path = target
        if doc.kind == "eml" and doc.attachments:
            await asyncio.to_thread(self._save_attachments, doc, target)
        try:
            result = await app.pipeline.relay(doc)
        except Exception as exc:
            await asyncio.to_thread(self._unfile, target)
            if transient.is_transient(exc):
                raise  # database locked, disk full…: the file stays and is tried again
            log.exception("inbox: relay failed for %s", path)
            await self._fail(path, t("inbox.error.internal", detail=type(exc).__name__))
            return "failed"
        try:
            if classify(self.root, path)[0] == "file":
                await asyncio.to_thread(path.unlink, missing_ok=True)
        except OSError:
            log.exception("inbox: %s was posted but could not be removed from the inbox", path)
        if getattr(result, "duplicate", False):
            return "duplicate"
        failed = doc.meta.get("attachment_errors") or []
        nested = doc.meta.get("nested_not_read") or []
        if failed or nested:
            lines = "\n".join(
                [
                    t(
                        "inbox.staff.attachment_failed",
                        name=display_name(f["name"]),
                        reason=f["error"],
                    )
                    for f in failed[:10]
                ]
                + (
                    [
                        t(
                            "inbox.staff.nested_not_read",
                            subjects=display_name(" ; ".join(nested[:10])),
                        )
                    ]
                    if nested
                    else []
                )
            )
            await self._notify(
                t("inbox.staff.attachments.title", name=display_name(path.name)),
                lines,
                dedupe_key=f"inbox:attachments:{doc.external_id}",
                color=COLOR_ERROR,
            )
        return "posted"

    async def _file_away(self, path: Path, folder: Path) -> Path | None:
        """Move a read file to ``folder``; None when it vanished after being read (staff
        took it back): then it is not posted, and there is nothing to report."""
        if classify(self.root, path)[0] != "file":
            return None
        try:
            return await asyncio.to_thread(layout.move, path, folder)
        except FileNotFoundError:
            if _exists(path):
                raise
            log.info("inbox: %s vanished before it could be filed; not posted", path.name)
            return None

    def _changed(self, path: Path, seen: tuple[int, int]) -> bool:
        info = _stat(path)
        if info is None:
            return False
        return (info.st_size, info.st_mtime_ns) != seen

    async def _incomplete(self, path: Path, exc: DocumentError) -> Outcome:
        """A file cut short waits for the rest, up to ``incomplete_seconds``; then erreurs/."""
        now = time.monotonic()
        since = self._incomplete_since.setdefault(path, now)
        limit = self.config.incomplete_seconds
        if now - since >= limit:
            self._incomplete_since.pop(path, None)
            waited = f"{round(limit)} s" if limit < 120 else f"{round(limit / 60)} min"
            await self._fail(path, t("inbox.error.incomplete", reason=exc.reason, waited=waited))
            return "failed"
        info = _stat(path)
        if info is None:
            return "gone"
        log.info("inbox: %s looks incomplete (%s); waiting for the rest", path.name, exc.code)
        self._waiting[path] = (info.st_size, info.st_mtime_ns)
        # Looked at again when it changes (watcher, rescans) and, at the latest, once the
        # wait is over: then it is refused with the reason.
        asyncio.get_running_loop().call_later(limit - (now - since) + 0.05, self._hint, path)
        return "waiting"

    @staticmethod
    def _unfile(target: Path) -> None:
        """Undo ``file_copy`` (and the extracted attachments) after a failed relay."""
        target.unlink(missing_ok=True)
        pieces = target.parent / f"{target.stem}.pieces-jointes"
        if pieces.is_dir():
            shutil.rmtree(pieces, ignore_errors=True)

    @staticmethod
    def _save_attachments(doc: Document, target: Path) -> None:
        folder = target.parent / f"{target.stem}.pieces-jointes"
        try:
            save_attachments(doc, target.read_bytes(), folder)
        except (OSError, DocumentError):
            log.warning("inbox: could not extract the attachments of %s", target, exc_info=True)

    async def _fail(self, path: Path, reason: str) -> None:
        """File the original under ``erreurs/`` with the reason beside it; tell staff."""
        # Shown and written as UTF-8: undecodable bytes of the name on disk are replaced.
        name = path.name.encode("utf-8", "replace").decode("utf-8")
        target: Path | None = None
        body_key = "inbox.staff.failed.body"
        if classify(self.root, path)[0] == "file":
            try:
                target = await asyncio.to_thread(layout.move, path, self.root / layout.FAILED)
                note = Path(str(target) + layout.ERROR_SUFFIX)
                text = t("inbox.error_file", name=name, when=format_local(utc_now()), reason=reason)
                await asyncio.to_thread(note.write_text, text + "\n", encoding="utf-8")
            except OSError:
                log.exception("inbox: could not file %s under %s", path, layout.FAILED)
                body_key = "inbox.staff.failed.stuck" if target is None else body_key
        where = f"{layout.FAILED}/{target.name}" if target else layout.FAILED
        log.warning("inbox: %s refused: %s", name, reason)
        await self._notify(
            t("inbox.staff.failed.title", name=display_name(name)),
            t(body_key, name=display_name(name), reason=reason, where=where),
            dedupe_key=f"inbox:failed:{where}:{utc_now().isoformat()}",
            color=COLOR_ERROR,
        )

    def _transient(self, path: Path, exc: BaseException) -> Outcome:
        """The environment failed (not the document): leave the file, try again later."""
        attempt = self._retries.get(path, 0) + 1
        self._retries[path] = attempt
        delay = transient.backoff(attempt)
        self._retry_at[path] = time.monotonic() + delay
        detail = transient.describe(exc)
        log.warning(
            "inbox: %s not processed (%s); trying again in %.0f s", path.name, detail, delay
        )
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().call_later(delay + 0.01, self._hint, path)
        if self.outage is None:
            self.outage = detail
            self._queue_notice(
                t("inbox.staff.outage.title"),
                t("inbox.staff.outage.body", detail=safe_text.inline(detail, 200)),
                f"inbox:outage:{utc_now().isoformat()}",
                COLOR_ERROR,
            )
        return "retry"

    def _outage_over(self) -> None:
        if self.outage is None:
            return
        log.info("inbox: working again after %s", self.outage)
        self.outage = None
        self._queue_notice(
            t("inbox.staff.outage_over.title"),
            t("inbox.staff.outage_over.body"),
            f"inbox:outage-over:{utc_now().isoformat()}",
            COLOR_NOTICE,
        )

    def _queue_notice(self, title: str, body: str, key: str, color: int) -> None:
        self._unsent.append((title, body, key, color))
        if self._resender is None or self._resender.done():
            self._resender = asyncio.get_running_loop().create_task(self._send_unsent())
            self._side_tasks.add(self._resender)
            self._resender.add_done_callback(self._side_tasks.discard)

    async def _send_unsent(self) -> None:
        """Queue the pending staff notices in order, retrying while the store refuses."""
        attempt = 0
        while self._unsent:
            title, body, key, color = self._unsent[0]
            if await self._notify(title, body, dedupe_key=key, color=color):
                self._unsent.pop(0)
                attempt = 0
                continue
            attempt += 1
            if self._stop is not None and self._stop.is_set() and attempt > 3:
                log.error("inbox: %d staff notice(s) not queued at stop", len(self._unsent))
                return
            await asyncio.sleep(min(transient.backoff(attempt), 30.0))

    async def _notify(self, title: str, body: str, *, dedupe_key: str, color: int) -> bool:
        app = self._require_app()
        post = staff_notice(title, body, color=color)
        try:
            async with app.db.transaction() as conn:
                await outbox.enqueue(conn, post, kind="notice", dedupe_key=dedupe_key)
        except Exception as exc:
            if transient.is_transient(exc) and (title, body, dedupe_key, color) not in self._unsent:
                # Not lost: queued again once the store accepts writes.
                log.warning("inbox: staff notice (%s) not queued yet: %s", title, exc)
                self._queue_notice(title, body, dedupe_key, color)
                return False
            if not transient.is_transient(exc):
                log.exception("inbox: could not queue a staff notice (%s)", title)
            return False
        return True

    def _require_app(self) -> InboxApp:
        if self._app is None:
            raise RuntimeError("InboxService used before start() or run_once()")
        return self._app
