"""Heavy analysis off the event loop, in a worker process, within a time budget.

``re`` holds the GIL for the length of one match, so a thread does not keep the loop free on
long text: a long document (over ``INLINE_CHARS``) is analysed in a small process pool. Past
``timeout`` seconds the worker is killed (a pattern running in C cannot be interrupted any
other way) and the caller gets ``None``: the document is then relayed with its title and an
explanation instead of a summary. Short texts (every feed item, most e-mails) stay in a
thread: a process round trip would cost more than their analysis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from functools import partial

from bot.text import Analysis, analyse

log = logging.getLogger(__name__)

INLINE_CHARS = 50_000
DEFAULT_TIMEOUT = 20.0
WORKERS = 2


class AnalysisWorker:
    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        inline_chars: int = INLINE_CHARS,
        workers: int = WORKERS,
    ) -> None:
        self.timeout = timeout
        self.inline_chars = inline_chars
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self.timeouts = 0

    async def analyse(
        self,
        text: str,
        *,
        reference: date,
        title: str | None,
        max_sentences: int,
        reference_kind: str = "given",
    ) -> Analysis | None:
        """The analysis, or None when it did not finish within ``timeout`` seconds."""
        work = partial(
            analyse,
            text,
            reference=reference,
            title=title,
            max_sentences=max_sentences,
            reference_kind=reference_kind,
        )
        if len(text) <= self.inline_chars:
            return await asyncio.to_thread(work)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        for _attempt in range(3):
            pool = self._get_pool()
            future = loop.run_in_executor(pool, work)
            try:
                return await asyncio.wait_for(future, timeout=max(deadline - loop.time(), 0.01))
            except TimeoutError:
                self.timeouts += 1
                log.warning(
                    "analysis of %r (%d characters) took over %.0f s; relayed without summary",
                    (title or "")[:80],
                    len(text),
                    self.timeout,
                )
                self._kill(pool)
                return None
            except BrokenProcessPool:
                # Another document's analysis timed out and took the pool down with it (or
                # the worker died): try again in a fresh pool, within the same deadline.
                if self._pool is pool:
                    self._pool = None
                if loop.time() >= deadline:
                    return None
        return None

    def warm(self) -> None:
        """Start the worker processes now (a spawn costs ~0.3 s), not on the first long
        document."""
        with contextlib.suppress(Exception):
            self._get_pool().submit(int)

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn: a fork of a process running an event loop and sqlite threads may
            # inherit held locks.
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool

    def _kill(self, pool: ProcessPoolExecutor) -> None:
        processes = list(getattr(pool, "_processes", {}).values())
        for process in processes:
            if process.is_alive():
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        if self._pool is pool:
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
