"""The kernel's word that a writer is done with a file (Linux inotify).

``IN_CLOSE_WRITE`` (the writer closed the file) and ``IN_MOVED_TO`` (a file renamed into the
folder, complete by construction) say a file is complete; ``IN_CREATE``/``IN_MODIFY`` say a
writer is still at it, however long it pauses. watchfiles does not expose those events, so
the inbox uses inotify directly where it can (``inotify_simple``, a ctypes wrapper read from
the event loop without a thread), and falls back to watchfiles plus a quiet time elsewhere.

Folders are watched one by one, never through a link (``IN_DONT_FOLLOW``); reserved and
hidden folders are not watched.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from bot.sources.documents.files import classify

log = logging.getLogger(__name__)

Event = Literal["writing", "closed", "folder", "rescan"]
Sink = Callable[[Event, Path], None]

try:  # pragma: no cover - depends on the platform
    import inotify_simple as _inotify
except (ImportError, OSError):  # not Linux, or no libc inotify
    _inotify = None


def available() -> bool:
    return _inotify is not None


class InotifyWatcher:
    def __init__(self, root: Path, sink: Sink, *, skip: Callable[[Path], bool]) -> None:
        if _inotify is None:
            raise OSError("inotify is not available here")
        self.root = root
        self.sink = sink
        self.skip = skip  # folders not to watch (reserved, hidden)
        self._notify: Any = _inotify.INotify(nonblocking=True)
        self._folders: dict[int, Path] = {}
        flags = _inotify.flags
        self._file_mask = (
            flags.CLOSE_WRITE | flags.MOVED_TO | flags.CREATE | flags.MODIFY | flags.MOVED_FROM
        )
        self._mask = self._file_mask | flags.DELETE_SELF | flags.DONT_FOLLOW | flags.ONLYDIR

    def watch_tree(self, top: Path) -> None:
        """Watch ``top`` and every real folder below it (links are never followed)."""
        stack = [top]
        while stack:
            folder = stack.pop()
            kind, _ = classify(self.root, folder)
            if kind != "dir" or (folder != self.root and self.skip(folder)):
                continue
            try:
                wd = self._notify.add_watch(str(folder), self._mask)
            except OSError as exc:
                # Out of watches (fs.inotify.max_user_watches): rescans still find the files.
                log.warning("inbox: cannot watch %s (%s); periodic rescans cover it", folder, exc)
                continue
            self._folders[wd] = folder
            try:
                with os.scandir(folder) as listing:
                    for entry in listing:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(folder / entry.name)
            except OSError:
                continue

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        fd = self._notify.fileno()
        self.watch_tree(self.root)
        loop.add_reader(fd, self._read)
        try:
            await stop.wait()
        finally:
            loop.remove_reader(fd)
            self._notify.close()

    def _read(self) -> None:
        flags = _inotify.flags if _inotify is not None else None
        assert flags is not None
        try:
            events = self._notify.read(timeout=0)
        except OSError:
            return
        for event in events:
            if event.mask & flags.Q_OVERFLOW:
                log.warning("inbox: inotify queue overflow; rescanning")
                self.sink("rescan", self.root)
                continue
            if event.mask & flags.IGNORED:
                self._folders.pop(event.wd, None)
                continue
            folder = self._folders.get(event.wd)
            if folder is None or not event.name:
                continue
            path = folder / event.name
            if event.mask & flags.ISDIR:
                if event.mask & (flags.CREATE | flags.MOVED_TO):
                    self.watch_tree(path)
                    self.sink("folder", path)  # a folder moved in whole brings no file events
                continue
            if event.mask & (flags.CLOSE_WRITE | flags.MOVED_TO):
                self.sink("closed", path)
            elif event.mask & (flags.CREATE | flags.MODIFY):
                self.sink("writing", path)
