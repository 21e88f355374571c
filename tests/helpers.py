"""Test helpers: real SQLite files, a recording publisher that can be told to fail."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.models import Post
from bot.relay.publisher import PublishedRef
from bot.settings import Settings, load_settings


def make_settings(tmp_path: Path, **config: object) -> Settings:
    """Default settings with the database and inbox in ``tmp_path``."""
    settings = load_settings(env_file=tmp_path / "absent.env")
    updated = settings.config.model_copy(update=config) if config else settings.config
    return settings.model_copy(
        update={
            "database_path": tmp_path / "relais.db",
            "inbox_path": tmp_path / "inbox",
            "discord_token": None,
            "config": updated,
        }
    )


@dataclass
class RecordingPublisher:
    """Keeps every post; ``fail`` decides per call whether to raise instead."""

    sent: list[tuple[Post, str]] = field(default_factory=list)
    fail: Callable[[Post, int], Exception | None] | None = None
    calls: int = 0

    async def publish(self, post: Post, nonce: str) -> PublishedRef:
        self.calls += 1
        if self.fail is not None:
            error = self.fail(post, self.calls)
            if error is not None:
                raise error
        self.sent.append((post, nonce))
        n = len(self.sent)
        return PublishedRef(
            channel_id=post.channel, message_id=str(n), url=f"https://discord.test/{n}"
        )

    @property
    def posts(self) -> list[Post]:
        return [post for post, _ in self.sent]


async def wait_until(
    predicate: Callable[[], bool | Awaitable[bool]],
    within: float = 30.0,
    *,
    failure: Callable[[], str] | None = None,
) -> None:
    """Poll ``predicate`` (plain or async) until true; after ``within`` seconds, TimeoutError
    with ``failure()`` (what a report needs to tell a slow machine from a bug). The bound only
    ends a broken run: no timing assertion. A predicate may raise to fail at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = predicate()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise TimeoutError(failure() if failure is not None else "condition not met")
        await asyncio.sleep(0.05)
