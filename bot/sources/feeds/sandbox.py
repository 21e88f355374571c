"""A child process, limited in memory and time, for the parsing that may blow up.

feedparser's loose (SGML) parser handles ill-formed feeds, but some hostile bodies make it
super-linear: 5 MB of unclosed tags costs minutes of CPU and gigabytes of memory. Run here,
such a body costs at most ``TIMEOUT_SECONDS`` and ``MEMORY_BYTES`` of address space in a
child process, then a French error; the bot and the other feeds do not notice.

Only the rare feeds the expat fast path cannot read come here, one at a time per event loop.
The child is a fresh interpreter (``python -m bot.sources.feeds.sandbox``), not a fork: the
bot runs threads (aiosqlite, the parse thread), and multiprocessing's spawn would re-import
the bot's own ``__main__``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import resource
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 20.0
MEMORY_BYTES = 1024 * 1024 * 1024

_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


class SandboxError(Exception):
    """The sandboxed parse failed; ``key``/``values`` name the French message."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key} {values}")
        self.key = key
        self.values = values


async def parse_in_sandbox(
    parse: Callable[..., Any],
    data: bytes,
    *,
    url: str | None,
    content_type: str | None,
    timeout: float | None = None,
) -> Any:
    """``parse(data, url=…, content_type=…)`` in a child process; its result or SandboxError.

    ``parse`` is a module-level function, sent by name (pickle): this module never imports
    the parser it runs, so the parser may import this module."""
    loop = asyncio.get_running_loop()
    lock = _locks.setdefault(loop, asyncio.Lock())
    limit = timeout or TIMEOUT_SECONDS
    request = pickle.dumps((parse, data, url, content_type, MEMORY_BYTES))
    async with lock:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.sources.feeds.sandbox",
            env=_child_env(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(request), limit)
        except TimeoutError:
            log.warning("feed parsing took over %.0f s: child killed", limit)
            raise SandboxError("feeds.error.too_complex") from None
        finally:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
    try:
        outcome = pickle.loads(output)
    except Exception:
        log.warning("feed parsing child died (exit %s)", process.returncode)
        raise SandboxError("feeds.error.too_complex") from None
    if outcome[0] == "ok":
        return outcome[1]
    raise SandboxError(outcome[1], **outcome[2])


def _child_env() -> dict[str, str]:
    """Our environment, with the repository importable whatever the working directory."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _child() -> None:
    """The child: read the request, limit ourselves, parse, write the outcome."""
    parse, data, url, content_type, memory = pickle.load(sys.stdin.buffer)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    outcome: tuple[Any, ...]
    try:
        outcome = ("ok", parse(data, url=url, content_type=content_type))
    except MemoryError:
        outcome = ("error", "feeds.error.too_complex", {})
    except Exception as exc:
        key = getattr(exc, "key", None)
        if isinstance(key, str):
            outcome = ("error", key, dict(getattr(exc, "values", {})))
        else:
            # The parsers sent here key their own failures in French; anything else is
            # told generically (no English exception name reaches staff).
            from bot.messages import t

            outcome = ("error", "feeds.error.unreadable", {"detail": t("feeds.detail.other")})
    sys.stdout.buffer.write(pickle.dumps(outcome))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child()
