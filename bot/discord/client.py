"""RelaisBot: the discord.py client around an ``App``.

It loads every cog of ``cogs/``, syncs the app commands to the configured guild only when
their JSON changed (hash kept in the ``kv`` table), answers command errors in French through
one handler, and starts the App (services + outbox worker with the Discord publisher) once
the gateway is READY.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import importlib
import json
import logging
import pkgutil
import random
import signal
import sys
import time
from typing import Any

import aiohttp
import discord
import yarl
from discord.ext import commands
from discord.gateway import DiscordWebSocket

from bot.app import App
from bot.discord.errors import on_app_command_error
from bot.discord.i18n import RelaisTranslator
from bot.discord.publisher import DiscordPublisher
from bot.discord.views import ButtonHandler, ButtonRouter
from bot.messages import t
from bot.settings import Settings
from bot.timeutil import utc_now

log = logging.getLogger(__name__)

# Relais never joins voice: the start-up warnings about voice libraries are noise.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

COGS_PACKAGE = "cogs"
COMMANDS_HASH_KEY = "discord.commands_hash"
# The gateway is tried again at most this long after a failed attempt (jittered below it),
# so that commands and buttons work again within that time of Discord coming back.
RECONNECT_CAP_SECONDS = 25.0


class CappedBackoff:
    """discord.py's reconnect back-off, capped: 1, 2, 4, 8, 16, then at most
    ``RECONNECT_CAP_SECONDS`` between attempts, each delay drawn in [60 %, 100 %] of its step
    so that many clients do not reconnect in step.

    ``Client.connect`` builds ``ExponentialBackoff()`` by name from ``discord.client`` at each
    call; that name is pointed here (below). Uncapped, it reached 231 s after a 2-minute outage.
    """

    def __init__(self, base: int = 1, *, integral: bool = False) -> None:
        self._base = base
        self._exp = 0
        self._last = time.monotonic()
        self._random = random.Random()

    def delay(self) -> float:
        now = time.monotonic()
        if now - self._last > RECONNECT_CAP_SECONDS * 4:
            self._exp = 0  # a new outage starts small again
        self._last = now
        step = min(self._base * 2.0**self._exp, RECONNECT_CAP_SECONDS)
        self._exp = min(self._exp + 1, 10)
        return self._random.uniform(step * 0.6, step)


discord.client.ExponentialBackoff = CappedBackoff  # type: ignore[assignment,misc]


class GatewayOutageLog(logging.Filter):
    """Hides discord.py's "Attempting a reconnect" traceback, logged at every attempt, and
    tells the App's outage log instead (one WARNING when Discord goes, one INFO when back)."""

    def __init__(self, bot: RelaisBot) -> None:
        super().__init__()
        self.bot = bot
        self.attempts = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("Attempting a reconnect"):
            return True
        self.attempts += 1
        error = record.exc_info[1] if record.exc_info else None
        detail = f"{type(error).__name__}: {error}" if error else "?"
        self.bot.app.outbox_worker.outage.lost("gateway", detail)
        log.debug("gateway reconnect attempt %d failed: %s", self.attempts, detail)
        return False

    def back(self) -> None:
        if self.attempts:
            log.debug("gateway back after %d reconnect attempts", self.attempts)
        self.attempts = 0
        self.bot.app.outbox_worker.outage.back("gateway")


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at the Discord of the settings (a fake one in end-to-end tests).

    Both are class attributes read when a request or a connection is made, so this must run
    before login.
    """
    discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def bot_intents() -> discord.Intents:
    """Guilds only: channels and roles to post and ping; no members, no message content."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class RelaisBot(commands.Bot):
    def __init__(
        self,
        app: App,
        *,
        cogs_package: str = COGS_PACKAGE,
        guild_ready_timeout: float = 2.0,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            help_command=None,
            # Relais never reads messages: no message cache to grow.
            max_messages=None,
            # Nothing Relais sends pings by default; the publisher opts in per post.
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=guild_ready_timeout,
            **options,
        )
        self.app = app
        self.cogs_package = cogs_package
        self.started_at = utc_now()
        self.buttons = ButtonRouter()
        self.failed_cogs: dict[str, str] = {}
        self.commands_synced: bool | None = None  # None: not checked yet; False: unchanged
        self.ready_event = asyncio.Event()
        self._app_started = False
        self.tree.on_error = on_app_command_error  # type: ignore[method-assign]
        self.add_listener(self._on_component, "on_interaction")
        self.add_listener(self._on_resumed, "on_resumed")
        # Attached at login (setup_hook), not here: the logger is global, and a bot built but
        # never started (tests, `relais check`) would keep a filter that eats the records of
        # the bot that does run.
        self.outage_log = GatewayOutageLog(self)
        # /sante reports the gateway: up from READY/RESUMED until the connection drops.
        self._gateway_up = False
        app.gateway_connected = lambda: self._gateway_up and not self.is_closed()
        self.add_listener(self._on_gateway_up, "on_ready")
        self.add_listener(self._on_gateway_up, "on_resumed")
        self.add_listener(self._on_gateway_down, "on_disconnect")

    @property
    def settings(self) -> Settings:
        return self.app.settings

    @property
    def guild_object(self) -> discord.Object | None:
        guild_id = self.settings.discord_guild_id
        return discord.Object(guild_id) if guild_id is not None else None

    def register_button_handler(
        self, prefix: str, handler: ButtonHandler, *, staff: bool = False
    ) -> None:
        """``handler(interaction, custom_id)`` answers clicks on buttons "prefix:...",
        including those of posts sent before a restart; ``staff``: members are refused."""
        self.buttons.register(prefix, handler, staff=staff)

    # ------------------------------------------------------------------ start-up
    async def setup_hook(self) -> None:
        logging.getLogger("discord.client").addFilter(self.outage_log)
        await self.tree.set_translator(RelaisTranslator())
        await self.load_cogs()
        await self.sync_commands()

    async def load_cogs(self) -> list[str]:
        """Load every module of the cogs package that has ``async def setup(bot)``.

        A broken cog is logged and listed by ``/relais etat``; the others still load.
        """
        package = importlib.import_module(self.cogs_package)
        loaded = []
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            name = f"{self.cogs_package}.{info.name}"
            try:
                module = importlib.import_module(name)
                if not callable(getattr(module, "setup", None)):
                    continue
                await self.load_extension(name)
            except Exception as exc:
                log.exception("cog %s failed to load", name)
                self.failed_cogs[name] = f"{type(exc).__name__}: {exc}"
                continue
            loaded.append(name)
        log.info("cogs loaded: %s", ", ".join(loaded) or "none")
        return loaded

    async def command_payload(self, guild: discord.abc.Snowflake) -> list[dict[str, Any]]:
        """The JSON ``tree.sync(guild=...)`` would send (translations included)."""
        commands_ = self.tree.get_commands(guild=guild)
        translator = self.tree.translator
        if translator is not None:
            return [await c.get_translated_payload(self.tree, translator) for c in commands_]
        return [c.to_dict(self.tree) for c in commands_]

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the app commands to the configured guild if their JSON changed; True if synced.

        Commands are defined globally by cogs and copied to the guild: guild commands appear
        at once, and no global command is ever registered.
        """
        guild = self.guild_object
        if guild is None:
            log.warning("DISCORD_GUILD_ID is not set: app commands are not synced")
            self.commands_synced = False
            return False
        self.tree.copy_global_to(guild=guild)
        payload = await self.command_payload(guild)
        digest = hashlib.sha256(
            json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        key = f"{COMMANDS_HASH_KEY}:{self.application_id}:{guild.id}"
        row = await self.app.db.fetchone("SELECT value FROM kv WHERE key = ?", (key,))
        if not force and row is not None and row["value"] == digest:
            log.info("app commands unchanged; no sync")
            self.commands_synced = False
            return False
        try:
            await self.tree.sync(guild=guild)
        except discord.HTTPException as exc:
            # Posting must not depend on commands: run without them, try again next start.
            log.error("app commands could not be synced to guild %s: %s", guild.id, exc)
            self.commands_synced = False
            return False
        await self.app.db.execute(
            "INSERT INTO kv(key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, digest),
        )
        log.info("app commands synced to guild %s (%d commands)", guild.id, len(payload))
        self.commands_synced = True
        return True

    async def on_ready(self) -> None:
        # READY comes again after a session could not be resumed: start things once.
        if not self._app_started:
            self._app_started = True
            if (
                self.settings.discord_guild_id is not None
                and self.get_guild(self.settings.discord_guild_id) is None
            ):
                log.warning(
                    "Relais is not a member of guild %s: posts wait until it is invited",
                    self.settings.discord_guild_id,
                )
                from bot.discord.preflight import settings_invite_url

                print(
                    t(
                        "cli.unknown_guild_running",
                        guild=self.settings.discord_guild_id,
                        invite=settings_invite_url(self.settings) or "relais invite",
                    ),
                    file=sys.stderr,
                    flush=True,
                )
            self.app.set_publisher(DiscordPublisher(self, self.settings))
            await self.app.start()
            log.info("Relais is ready as %s", self.user)
        else:
            await self._gateway_back()
        self.ready_event.set()

    async def _on_resumed(self) -> None:
        await self._gateway_back()

    async def _gateway_back(self) -> None:
        self.outage_log.back()
        if self._app_started:
            # Posts that waited for Discord go now rather than at their next try.
            try:
                await self.app.outbox_worker.discord_back()
            except Exception:
                log.exception("could not wake the outbox after a reconnect")
    async def _on_gateway_up(self) -> None:
        self._gateway_up = True

    async def _on_gateway_down(self) -> None:
        self._gateway_up = False

    async def _on_component(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            await self.buttons.dispatch(interaction)

    async def close(self) -> None:
        """Stop the App first, so a post being sent finishes before the connection closes."""
        logging.getLogger("discord.client").removeFilter(self.outage_log)
        if self._app_started:
            self._app_started = False
            try:
                await self.app.stop()
            except Exception:
                log.exception("the app did not stop cleanly")
        await super().close()


async def run_bot_until_stopped(settings: Settings, *, max_delay: float = 300.0) -> None:
    """`relais run`: Discord unreachable at start (network down, Discord in trouble) is an
    environment failure: said in French, tried again with a growing delay, never a traceback.
    A refused token still stops at once (exit 2): waiting will not fix it."""
    delay = 5.0
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    while True:
        try:
            await run_bot(settings)
            return
        except (
            aiohttp.ClientError, OSError, discord.GatewayNotFound, discord.DiscordServerError,
        ) as exc:  # fmt: skip
            detail = f"{type(exc).__name__}: {exc}".strip()
            log.warning("Discord unreachable at start (%s); next try in %.0f s", detail, delay)
            print(t("cli.discord_unreachable_retry", error=detail, seconds=int(delay)),
                  file=sys.stderr, flush=True)  # fmt: skip
        # run_bot's signal handlers point at the bot that failed: SIGTERM now ends the wait.
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return
        except TimeoutError:
            delay = min(delay * 2, max_delay)


async def run_bot(settings: Settings) -> None:
    """`relais run` with a token: the bot until SIGINT/SIGTERM, then a clean stop."""
    if settings.discord_token is None:
        raise ValueError("run_bot needs DISCORD_TOKEN")
    configure_endpoints(settings)
    app = await App.create(settings, exclusive=True)
    bot = RelaisBot(app)
    loop = asyncio.get_running_loop()
    stopping: set[asyncio.Task[None]] = set()

    def request_stop() -> None:
        if not bot.is_closed() and not stopping:
            stopping.add(loop.create_task(bot.close()))

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, request_stop)
    app.on_fatal.append(request_stop)
    try:
        async with bot:
            await bot.start(settings.discord_token.get_secret_value(), reconnect=True)
    except discord.LoginFailure:
        print(t("discord.login_failed"), file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    finally:
        # bot.close() stopped the App (services, worker); what remains is the database.
        await app.db.close()
        app.release_lock()
    if app.fatal is not None:
        raise SystemExit(2)
