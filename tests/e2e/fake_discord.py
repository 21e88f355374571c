"""A small fake Discord on loopback: REST (aiohttp) and the gateway websocket.

The real discord.py client runs against it unchanged: point ``discord.http.Route.BASE`` at
``fake.api_base`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` at ``fake.gateway_url`` (RelaisBot
does both from ``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL``).

What it models, because Relais depends on it:
- log-in (users/@me, applications/@me), READY + GUILD_CREATE, heartbeats, RESUME with replay;
- guild application commands (bulk PUT / GET), interactions, their callbacks and follow-ups;
  the messages of interaction responses and follow-ups are recorded like channel messages
  (``responses_to(interaction_id)``, ``wait_responses``), edits included, one response per
  interaction as Discord enforces; ``submit_modal`` answers a modal the bot opened;
- the bot's permissions are those of @everyone: by default what a real server gives a bot
  (view, send, embed links, attach files, read history, use commands);
  ``revoke_bot_permissions(EMBED_LINKS)`` withdraws one, and tells a connected client;
- a bot token of its own (``fake.token``; the harness uses it): a stray client of another
  test that reconnects to a port this fake reuses is refused;
- channel messages, recorded with their JSON payload (``allowed_mentions`` included), with
  ``nonce`` + ``enforce_nonce`` honoured: the same nonce within the window returns the message
  already created instead of a second one (what makes a resend after a crash invisible);
  the window is ``nonce_window`` seconds (Discord: a few minutes; tests: a few seconds), after
  which a resend creates a second message, as Discord does;
- channel history (``GET /channels/{id}/messages`` with ``after``/``before``/``limit``), newest
  first, without nonces (Discord does not return them there), refused without
  READ_MESSAGE_HISTORY; ``post_as_user`` adds a message by someone else;
- per-channel rate-limit headers on every message POST, enforced (a client that ignores them
  gets a 429);
- guild scheduled events CRUD, roles, members;
- faults: the next N requests of a route answer 429 or 5xx, a delay before answering, a
  response lost after the work was done (``lose_next``: the connection is cut), a dropped
  gateway connection (the client must reconnect and RESUME), and a whole outage
  (``outage()``: nothing listens on the port, then the same fake comes back on it).

It is also runnable as a process: ``python -m tests.e2e.fake_discord --port 0`` prints its
URLs, and ``GET /_fake/state`` / ``GET /_fake/messages`` expose what it recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import mimetypes
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

DISCORD_EPOCH_MS = 1420070400000
EPHEMERAL = 1 << 6
# What a bot gets in a real server through @everyone: view channels, send messages, embed
# links, attach files, read history, use application commands. Tests may revoke any of them
# (``revoke_bot_permissions``) to exercise a refusal.
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
DEFAULT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
)
JSON = "application/json"  # exactly: discord.py compares the header with ==

Handler = Callable[[web.Request, dict[str, str]], Awaitable[web.StreamResponse]]


def _iso(ts: float | None = None) -> str:
    return datetime.fromtimestamp(ts if ts is not None else time.time(), UTC).isoformat()


class SnowflakeFactory:
    """Time-ordered ids, like Discord's, so ``created_at`` of fake objects is sensible."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def __call__(self) -> str:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((ms << 22) | (next(self._counter) & 0x3FFFFF))


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": JSON, **(headers or {})},
    )


@dataclass
class RecordedRequest:
    method: str
    route: str  # e.g. "POST /channels/{channel_id}/messages"
    path: str
    status: int
    body: Any = None
    at: float = field(default_factory=time.monotonic)


@dataclass
class RecordedMessage:
    """A message that exists in the fake (created once, whatever the retries)."""

    id: str
    channel_id: str
    payload: dict[str, Any]  # the JSON the client sent (content, embeds, allowed_mentions, ...)
    data: dict[str, Any]  # the message object answered
    files: list[tuple[str, int]] = field(default_factory=list)  # (filename, size)
    nonce: str | None = None
    created_at: float = field(default_factory=time.monotonic)
    # Set for the message of an interaction response (callback type 4/5) or a follow-up.
    interaction_id: str | None = None
    edits: int = 0

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.data.get("components") or [])

    def buttons(self) -> list[dict[str, Any]]:
        """Every button of the message (inside action rows), in order."""
        found: list[dict[str, Any]] = []
        for row in self.components:
            for item in row.get("components", [row]):
                if item.get("type") == 2:
                    found.append(item)
        return found

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        return self.payload.get("allowed_mentions")

    def pings(self) -> set[str]:
        """Who Discord would notify: "everyone", "role:<id>", "user:<id>".

        Discord's rule: only mentions written in ``content`` count (never embeds), and when
        ``allowed_mentions`` is present only the types in its ``parse`` list and the ids in
        its ``roles`` / ``users`` lists ping.
        """
        content = self.content
        allowed = self.allowed_mentions
        parse = (
            set(allowed.get("parse", [])) if allowed is not None else {"everyone", "roles", "users"}
        )
        roles = {str(r) for r in allowed.get("roles", [])} if allowed is not None else set()
        users = {str(u) for u in allowed.get("users", [])} if allowed is not None else set()
        found: set[str] = set()
        if "everyone" in parse and re.search(r"@(everyone|here)", content):
            found.add("everyone")
        for role_id in re.findall(r"<@&(\d+)>", content):
            if "roles" in parse or role_id in roles:
                found.add(f"role:{role_id}")
        for user_id in re.findall(r"<@!?(\d+)>", content):
            if "users" in parse or user_id in users:
                found.add(f"user:{user_id}")
        return found


@dataclass
class Fault:
    status: int
    remaining: int
    retry_after: float = 0.05
    is_global: bool = False
    path_contains: str | None = None
    code: int = 0  # Discord's JSON error code, e.g. 50013 Missing Permissions
    via: bool = True  # without a Via header, discord.py takes a 429 for a Cloudflare ban


@dataclass
class Session:
    id: str
    seq: int = 0
    ws: web.WebSocketResponse | None = None
    # Every dispatch sent on this session, so a RESUME replays what the client missed.
    sent: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Channel:
    id: str
    name: str
    type: int = 0  # 0 text, 2 voice, 4 category, 5 announcement, 11 thread, 15 forum
    position: int = 0
    parent_id: str | None = None
    # Discord-shaped overwrites {"id", "type" (0 role, 1 member), "allow", "deny"}: see
    # FakeDiscord.set_overwrite.
    permission_overwrites: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return self.type in (10, 11, 12)

    def to_dict(self, guild_id: str) -> dict[str, Any]:
        if self.is_thread:
            return {
                "id": self.id,
                "type": self.type,
                "guild_id": guild_id,
                "name": self.name,
                "parent_id": self.parent_id,
                "owner_id": "1",
                "message_count": 0,
                "member_count": 1,
                "rate_limit_per_user": 0,
                "last_message_id": None,
                "flags": 0,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": _iso(),
                    "locked": False,
                },
            }
        return {
            "id": self.id,
            "type": self.type,
            "guild_id": guild_id,
            "name": self.name,
            "position": self.position,
            "parent_id": self.parent_id,
            "permission_overwrites": [dict(o) for o in self.permission_overwrites],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }


@dataclass
class Role:
    id: str
    name: str
    position: int = 1
    permissions: str = "0"
    mentionable: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": self.permissions,
            "managed": False,
            "mentionable": self.mentionable,
            "flags": 0,
        }


@dataclass
class RateLimit:
    """Discord-shaped per-channel limit on message creation (real Discord: 5 per 5 s)."""

    limit: int = 5
    per: float = 1.0


class FakeDiscord:
    """One guild, one bot user, one application, served on 127.0.0.1."""

    ADMINISTRATOR = str(1 << 3)
    # guild + everything a staff member can do; used for the invoking member of interactions
    ALL_PERMISSIONS = str((1 << 50) - 1)

    def __init__(
        self,
        *,
        guild_name: str = "CTROC",
        channels: list[str] | None = None,
        roles: list[str] | None = None,
        rate_limit: RateLimit | None = None,
        nonce_window: float = 300.0,
        heartbeat_interval_ms: int = 41250,
        record_requests: bool = True,
        token: str | None = None,
        any_token: bool = False,
    ) -> None:
        self.snowflake = SnowflakeFactory()
        self.guild_id = self.snowflake()
        self.guild_name = guild_name
        self.app_id = self.snowflake()
        self.bot_user = {
            "id": self.app_id,
            "username": "Relais",
            "global_name": "Relais",
            "discriminator": "0",
            "avatar": None,
            "bot": True,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "public_flags": 0,
            "email": None,
        }
        self.owner = self._user("Propriétaire")
        self.channels: dict[str, Channel] = {}
        # Direct messages: user id -> DM channel id, and the users whose DMs are closed.
        self.dm_channels: dict[str, str] = {}
        self.closed_dms: set[str] = set()
        for position, name in enumerate(
            channels or ["general", "permanence", "msss", "psoc", "annonces"]
        ):
            self.add_channel(name, position=position)
        # The bot has no role of its own here: its permissions are those of @everyone.
        everyone = Role(
            id=self.guild_id,
            name="@everyone",
            position=0,
            permissions=str(DEFAULT_PERMISSIONS),
        )
        self.roles: dict[str, Role] = {everyone.id: everyone}
        for position, name in enumerate(roles or ["Permanence", "Comité PSOC"], start=1):
            self.add_role(name, position=position)
        self.members: dict[str, dict[str, Any]] = {}
        self.rate_limit = rate_limit or RateLimit()
        self.nonce_window = nonce_window
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.record_requests = record_requests
        # Only this bot token is accepted (None: any). Unique per fake by default, so that a
        # stray client of another test, reconnecting to a port this fake now holds, is refused
        # instead of taking over the gateway session or posting its own rows here.
        self.token: str | None = None if any_token else token or "fake-" + secrets.token_hex(8)

        # what the client did
        self.requests: list[RecordedRequest] = []
        self.messages: list[RecordedMessage] = []
        self.messages_by_id: dict[str, RecordedMessage] = {}
        self.others: list[RecordedMessage] = []  # messages of members (post_as_user)
        self.nonce_hits = 0  # resends answered with the message already created
        self.commands: dict[str | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self.command_puts: dict[str | None, int] = {}
        self.interaction_callbacks: dict[str, list[dict[str, Any]]] = {}
        self.followups: dict[str, list[dict[str, Any]]] = {}  # by interaction token
        # Messages created by interaction responses (type 4, or 5 then edited) and follow-ups,
        # in creation order; read them with ``responses_to(interaction_id)``.
        self.responses: list[RecordedMessage] = []
        self.scheduled_events: dict[str, dict[str, Any]] = {}
        self.attachments: dict[str, bytes] = {}  # path -> bytes of uploaded attachments
        self.uploads: list[tuple[str, bytes]] = []  # (filename, bytes) the bot sent
        self.identify_count = 0
        self.resume_count = 0
        self.resume_paths: list[str] = []
        self.heartbeats = 0
        self.answers_pending = 0  # requests whose work is done but whose answer is delayed

        self._faults: dict[str, list[Fault]] = {}
        self._delays: dict[str, float] = {}
        self._lost: dict[str, int] = {}  # route -> responses still to lose after the work
        self.responses_lost = 0
        self._nonces: dict[str, tuple[float, RecordedMessage]] = {}
        self._buckets: dict[str, tuple[int, float]] = {}  # channel -> (used, window reset time)
        self._sessions: dict[str, Session] = {}
        self._current: Session | None = None
        self._interaction_tokens: dict[str, str] = {}  # token -> interaction id
        self._interaction_channels: dict[str, str] = {}  # interaction id -> channel id
        self._interaction_members: dict[str, dict[str, Any]] = {}  # interaction id -> member
        self._interaction_sources: dict[str, str] = {}  # component interaction -> message id
        self._originals: dict[str, RecordedMessage] = {}  # interaction id -> response message
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.port = 0
        self._routes = self._build_routes()

    # ------------------------------------------------------------------ lifecycle
    async def start(self, port: int = 0) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("GET", "/resume", self._gateway)
        app.router.add_route("GET", "/attachments/{tail:.*}", self._attachment)
        app.router.add_route("GET", "/_fake/state", self._state_endpoint)
        app.router.add_route("GET", "/_fake/messages", self._messages_endpoint)
        app.router.add_route("*", "/api/v{version}/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, "127.0.0.1", port)
        await self._site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        # Stop listening first: a client whose socket is closed reconnects at once, and
        # under load it would find the port still open and log a second outage.
        if self._site is not None:
            await self._site.stop()
            self._site = None
        for session in self._sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/resume"

    # ------------------------------------------------------------------ world
    def _user(self, name: str, user_id: str | None = None) -> dict[str, Any]:
        return {
            "id": user_id or self.snowflake(),
            "username": name,
            "global_name": name,
            "discriminator": "0",
            "avatar": None,
            "bot": False,
            "public_flags": 0,
        }

    def add_channel(self, name: str, *, type: int = 0, position: int | None = None) -> Channel:
        channel = Channel(
            id=self.snowflake(),
            name=name,
            type=type,
            position=len(self.channels) if position is None else position,
        )
        self.channels[channel.id] = channel
        return channel

    def add_thread(self, name: str, parent: Channel, *, type: int = 11) -> Channel:
        """A thread (public by default) under a text or forum channel, known at start."""
        channel = self.add_channel(name, type=type)
        channel.parent_id = parent.id
        return channel

    def threads_of(self, parent: Channel) -> list[Channel]:
        return [c for c in self.channels.values() if c.is_thread and c.parent_id == parent.id]

    async def create_channel(self, name: str, *, type: int = 0) -> Channel:
        """A channel created while the bot runs: added, and announced by CHANNEL_CREATE
        (buffered for replay when the bot is disconnected)."""
        channel = self.add_channel(name, type=type)
        if self._current is not None:
            await self.dispatch("CHANNEL_CREATE", channel.to_dict(self.guild_id))
        await self._notify()
        return channel

    def add_role(self, name: str, *, position: int | None = None, permissions: int = 0) -> Role:
        role = Role(
            id=self.snowflake(),
            name=name,
            position=position or len(self.roles),
            permissions=str(permissions),
        )
        self.roles[role.id] = role
        return role

    def channel_named(self, name: str) -> Channel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise KeyError(name)

    def role_named(self, name: str) -> Role:
        for role in self.roles.values():
            if role.name == name:
                return role
        raise KeyError(name)

    def add_member(self, name: str, *, roles: list[str] | None = None) -> dict[str, Any]:
        """A guild member; ``roles`` are role names."""
        user = self._user(name)
        member = {
            "user": user,
            "nick": None,
            "avatar": None,
            "roles": [self.role_named(r).id for r in roles or []],
            "joined_at": _iso(),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        self.members[user["id"]] = member
        return member

    def member_permissions(self, member: dict[str, Any]) -> str:
        """Guild-level permissions of a member, from @everyone and its roles."""
        value = int(self.roles[self.guild_id].permissions)
        for role_id in member["roles"]:
            value |= int(self.roles[role_id].permissions)
        return self.ALL_PERMISSIONS if value & (1 << 3) else str(value)

    def bot_permissions(self) -> int:
        """Guild-level permissions of the bot (it has only @everyone here)."""
        value = int(self.roles[self.guild_id].permissions)
        return (1 << 50) - 1 if value & (1 << 3) else value

    async def grant_bot_permissions(self, bits: int) -> None:
        """Give the bot ``bits`` (e.g. ``EMBED_LINKS``); a connected client is told at once."""
        await self._set_everyone(int(self.roles[self.guild_id].permissions) | bits)

    async def revoke_bot_permissions(self, bits: int) -> None:
        """Withdraw ``bits`` from the bot, as an admin editing its role would."""
        await self._set_everyone(int(self.roles[self.guild_id].permissions) & ~bits)

    async def _set_everyone(self, value: int) -> None:
        everyone = self.roles[self.guild_id]
        everyone.permissions = str(value)
        if self._current is not None:
            await self.dispatch(
                "GUILD_ROLE_UPDATE", {"guild_id": self.guild_id, "role": everyone.to_dict()}
            )
        await self._notify()

    def guild_payload(self) -> dict[str, Any]:
        return {
            "id": self.guild_id,
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": self.owner["id"],
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [r.to_dict() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "fr",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "approximate_member_count": len(self.members) + 1,
        }

    def guild_create_payload(self) -> dict[str, Any]:
        data = self.guild_payload()
        data.update(
            {
                "unavailable": False,
                "large": False,
                "member_count": len(self.members) + 1,
                "joined_at": _iso(),
                "channels": [
                    c.to_dict(self.guild_id) for c in self.channels.values() if not c.is_thread
                ],
                "threads": [
                    c.to_dict(self.guild_id) for c in self.channels.values() if c.is_thread
                ],
                "members": [self._bot_member()],
                "voice_states": [],
                "presences": [],
                "stage_instances": [],
                "guild_scheduled_events": list(self.scheduled_events.values()),
                "soundboard_sounds": [],
            }
        )
        return data

    def _bot_member(self) -> dict[str, Any]:
        return {
            "user": self.bot_user,
            "nick": None,
            "avatar": None,
            "roles": list(getattr(self, "bot_role_ids", [])),
            "joined_at": _iso(),
            "deaf": False,
            "mute": False,
            "flags": 0,
        }

    # ------------------------------------------------------------------ permissions (relais check)
    def set_overwrite(
        self, channel: str, target: str, *, allow: int = 0, deny: int = 0
    ) -> None:
        """A permission overwrite on channel ``channel`` (a name) for ``target``: "@everyone",
        "bot" (the bot member) or a role name; replaces an earlier one for the same target."""
        chan = self.channel_named(channel)
        if target == "bot":
            target_id, kind = self.app_id, 1
        elif target == "@everyone":
            target_id, kind = self.guild_id, 0
        else:
            target_id, kind = self.role_named(target).id, 0
        chan.permission_overwrites = [
            o for o in chan.permission_overwrites if o["id"] != target_id
        ] + [{"id": target_id, "type": kind, "allow": str(allow), "deny": str(deny)}]

    def give_bot_role(self, name: str, *, permissions: int = 0) -> Role:
        """A role held by the bot (as an invite with permissions creates one)."""
        role = self.add_role(name, permissions=permissions)
        self.bot_role_ids = [*getattr(self, "bot_role_ids", []), role.id]
        return role

    def remove_channel(self, name: str) -> None:
        del self.channels[self.channel_named(name).id]

    def remove_role(self, name: str) -> None:
        del self.roles[self.role_named(name).id]

    # ------------------------------------------------------------------ fault injection
    def fail_next(
        self,
        route: str,
        status: int,
        count: int = 1,
        *,
        retry_after: float = 0.05,
        is_global: bool = False,
        path_contains: str | None = None,
        code: int = 0,
        via: bool = True,
    ) -> None:
        """The next ``count`` requests of ``route`` ("POST /channels/{channel_id}/messages")
        answer ``status`` (429 with Discord's headers and body, or any error with ``code``)."""
        if route not in self._route_keys():
            raise KeyError(f"unknown route {route!r}")
        self._faults.setdefault(route, []).append(
            Fault(status, count, retry_after, is_global, path_contains, code, via)
        )

    def set_delay(self, route: str, seconds: float) -> None:
        """Answer ``route`` only after ``seconds`` (the work is done first: a message is
        created, then the answer waits; a client killed meanwhile never learns it succeeded)."""
        if route not in self._route_keys():
            raise KeyError(f"unknown route {route!r}")
        if seconds <= 0:
            self._delays.pop(route, None)
        else:
            self._delays[route] = seconds

    def expire_nonces(self) -> None:
        """Every nonce seen so far is past its window now (as on Discord minutes later): a
        resend with one of them creates a second message."""
        self._nonces.clear()

    def lose_next(self, route: str, count: int = 1) -> None:
        """The next ``count`` successful requests of ``route`` do their work (a message is
        created) and then the connection is cut: the client never gets the answer."""
        if route not in self._route_keys():
            raise KeyError(f"unknown route {route!r}")
        self._lost[route] = self._lost.get(route, 0) + count

    def post_as_user(self, channel: str, content: str) -> RecordedMessage:
        """A message by a member (not the bot) in ``channel`` (a name or an id)."""
        target = self.channels.get(channel) or self.channel_named(channel)
        author = self._user("Membre")
        data = self._message_object(target.id, {"content": content}, [], author=author)
        message = RecordedMessage(
            id=data["id"], channel_id=target.id, payload={"content": content}, data=data
        )
        self.others.append(message)
        self.messages_by_id[message.id] = message
        return message

    async def outage(self, seconds: float) -> None:
        """Discord unreachable for ``seconds``: the gateway is cut and nothing listens on the
        port (connections refused), then the same fake listens again on the same port."""
        port = self.port
        await self.stop()
        await asyncio.sleep(seconds)
        await self.start(port)

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the client's gateway connection (as a Discord edge restart does)."""
        session = self._current
        if session is not None and session.ws is not None and not session.ws.closed:
            ws = session.ws
            session.ws = None
            await ws.close(code=code)

    def forget_sessions(self) -> None:
        """Discord lost the sessions: the next RESUME gets op 9 and the client identifies."""
        self._sessions.clear()

    @property
    def session_id(self) -> str | None:
        return self._current.id if self._current is not None else None

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and resumes."""
        session = self._current
        if session is not None and session.ws is not None:
            await session.ws.send_str(json.dumps({"op": 7, "d": None}))

    # ------------------------------------------------------------------ waiting
    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until ``predicate()`` holds (checked on each change the fake records)."""

        async def _wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(_wait(), within)

    def messages_in(self, channel: str) -> list[RecordedMessage]:
        """Messages of a channel given by name or id."""
        channel_id = channel if channel in self.channels else self.channel_named(channel).id
        return [m for m in self.messages if m.channel_id == channel_id]

    def requests_to(self, route: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.route == route]

    @property
    def connected(self) -> bool:
        return self._current is not None and self._current.ws is not None

    # ------------------------------------------------------------------ interactions
    def _interaction_base(
        self, type_: int, member: dict[str, Any] | None, channel: str | None
    ) -> dict[str, Any]:
        if member is None:
            member = self.add_member("Membre test")
        channel_obj = (
            self.channel_named(channel)
            if channel and channel not in self.channels
            else self.channels[channel]
            if channel
            else next(iter(self.channels.values()))
        )
        interaction_id = self.snowflake()
        token = "tok_" + secrets.token_hex(16)
        self._interaction_tokens[token] = interaction_id
        self._interaction_channels[interaction_id] = channel_obj.id
        self._interaction_members[interaction_id] = member
        return {
            "id": interaction_id,
            "application_id": self.app_id,
            "type": type_,
            "token": token,
            "version": 1,
            "guild_id": self.guild_id,
            "guild": {"id": self.guild_id, "locale": "fr", "features": []},
            "channel_id": channel_obj.id,
            "channel": channel_obj.to_dict(self.guild_id),
            "member": {**member, "permissions": self.member_permissions(member)},
            "app_permissions": str(self.bot_permissions()),
            "locale": "fr",
            "guild_locale": "fr",
            "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild_id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    def find_command(self, name: str) -> dict[str, Any]:
        for command in self.commands.get(self.guild_id, []) + self.commands.get(None, []):
            if command["name"] == name:
                return command
        raise KeyError(f"command {name!r} was not synced")

    async def invoke_command(
        self,
        path: str,
        options: dict[str, Any] | None = None,
        *,
        member: dict[str, Any] | None = None,
        channel: str | None = None,
        locale: str = "fr",
        focused: str | None = None,
    ) -> str:
        """Send an INTERACTION_CREATE for the slash command ``path`` ("relais etat") with
        ``options`` {name: value}; returns the interaction id.

        Option types come from the synced command. Values: str/int/float/bool as they are;
        a channel option takes a channel name (or ``Channel``), a role option a role name (or
        ``Role``), a user option a member dict from ``add_member``, an attachment option a
        ``(filename, bytes)`` pair (served by the fake, so ``Attachment.read()`` works).
        With ``focused`` set to an option name, this is an autocomplete request (type 4);
        read the choices with ``wait_response``.
        """
        words = path.split()
        command = self.find_command(words[0])
        schema = command.get("options", [])
        for word in words[1:]:
            schema = next(o for o in schema if o["name"] == word).get("options", [])
        types = {o["name"]: int(o["type"]) for o in schema}
        resolved: dict[str, dict[str, Any]] = {}
        leaf_options: list[dict[str, Any]] = []
        for name, value in (options or {}).items():
            if name not in types:
                raise KeyError(f"/{path} has no option {name!r} (has {sorted(types)})")
            option = {
                "name": name,
                "type": types[name],
                "value": self._option_value(types[name], value, resolved),
            }
            if name == focused:
                option["focused"] = True
            leaf_options.append(option)
        nested: list[dict[str, Any]] = leaf_options
        # wrap in sub-command (type 1) and group (type 2) options, innermost first
        for depth, word in reversed(list(enumerate(words[1:], start=1))):
            is_leaf = depth == len(words) - 1
            nested = [{"name": word, "type": 1 if is_leaf else 2, "options": nested}]
        data = self._interaction_base(4 if focused else 2, member, channel)
        data["locale"] = locale
        data["data"] = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "guild_id": self.guild_id,
            "options": nested,
        }
        if resolved:
            data["data"]["resolved"] = resolved
        await self.dispatch("INTERACTION_CREATE", data)
        return str(data["id"])

    def _option_value(self, type_: int, value: Any, resolved: dict[str, dict[str, Any]]) -> Any:
        if type_ == 7:  # channel
            channel = value if isinstance(value, Channel) else self.channel_named(str(value))
            data = channel.to_dict(self.guild_id)
            data["permissions"] = self.ALL_PERMISSIONS
            resolved.setdefault("channels", {})[channel.id] = data
            return channel.id
        if type_ == 8:  # role
            role = value if isinstance(value, Role) else self.role_named(str(value))
            resolved.setdefault("roles", {})[role.id] = role.to_dict()
            return role.id
        if type_ == 6:  # user
            member = value if isinstance(value, dict) else self.members[str(value)]
            user = member["user"]
            resolved.setdefault("users", {})[user["id"]] = user
            resolved.setdefault("members", {})[user["id"]] = {
                k: v for k, v in member.items() if k != "user"
            } | {"permissions": self.member_permissions(member)}
            return user["id"]
        if type_ == 11:  # attachment
            filename, blob = value
            attachment_id = self.snowflake()
            url = f"{self.base_url}/attachments/{attachment_id}/{filename}"
            self.attachments[f"/attachments/{attachment_id}/{filename}"] = bytes(blob)
            resolved.setdefault("attachments", {})[attachment_id] = {
                "id": attachment_id,
                "filename": filename,
                "size": len(blob),
                "url": url,
                "proxy_url": url,
                "content_type": _content_type(filename),
            }
            return attachment_id
        return value

    async def click_button(
        self,
        custom_id: str,
        *,
        message: RecordedMessage | None = None,
        member: dict[str, Any] | None = None,
    ) -> str:
        """Send an INTERACTION_CREATE for a button click; returns the interaction id."""
        channel = message.channel_id if message is not None else None
        data = self._interaction_base(3, member, channel)
        data["data"] = {"custom_id": custom_id, "component_type": 2}
        if message is not None:
            data["message"] = message.data
            self._interaction_sources[str(data["id"])] = message.id
        await self.dispatch("INTERACTION_CREATE", data)
        return str(data["id"])

    async def wait_response(self, interaction_id: str, within: float = 10.0) -> dict[str, Any]:
        """The first callback the bot gave to an interaction (its JSON body)."""
        await self.wait_until(lambda: bool(self.interaction_callbacks.get(interaction_id)), within)
        return self.interaction_callbacks[interaction_id][0]

    def followups_of(self, interaction_id: str) -> list[dict[str, Any]]:
        for token, iid in self._interaction_tokens.items():
            if iid == interaction_id:
                return self.followups.get(token, [])
        return []

    def responses_to(self, interaction_id: str) -> list[RecordedMessage]:
        """The messages an interaction produced: its response (type 4, or the deferred one of
        type 5 once edited), then its follow-ups; read like channel messages (``content``,
        ``embeds``, ``buttons()``, ``ephemeral``), and clickable with ``click_button``."""
        return [m for m in self.responses if m.interaction_id == interaction_id]

    async def wait_responses(
        self, interaction_id: str, count: int = 1, within: float = 10.0
    ) -> list[RecordedMessage]:
        """Wait until the interaction produced ``count`` messages (with content or embeds)."""

        def ready() -> bool:
            shown = [m for m in self.responses_to(interaction_id) if m.content or m.embeds]
            return len(shown) >= count

        await self.wait_until(ready, within)
        return self.responses_to(interaction_id)

    async def submit_modal(
        self,
        interaction_id: str,
        values: dict[str, str],
        *,
        member: dict[str, Any] | None = None,
        within: float = 10.0,
    ) -> str:
        """Fill and submit the modal the bot opened (callback type 9) in answer to
        ``interaction_id``: an INTERACTION_CREATE of type 5 (MODAL_SUBMIT); returns its id.

        ``values`` are keyed by a text input's ``custom_id`` or by the start of its label;
        inputs not named are sent empty. The submitter is the member who opened the modal
        (discord.py only routes a submission from that user), unless ``member`` is given.
        """
        await self.wait_until(lambda: bool(self.interaction_callbacks.get(interaction_id)), within)
        modal = next(
            (p for p in self.interaction_callbacks[interaction_id] if p.get("type") == 9), None
        )
        if modal is None:
            raise ValueError(f"interaction {interaction_id} was not answered by a modal")
        used: set[str] = set()

        def value_of(item: dict[str, Any], label: str) -> str:
            for key, value in values.items():
                if key == item.get("custom_id") or (label and label.startswith(key)):
                    used.add(key)
                    return value
            return ""

        def answer(component: dict[str, Any], label: str = "") -> dict[str, Any] | None:
            kind = component.get("type")
            if kind == 1:  # action row (the classic layout)
                inner = [a for c in component.get("components", []) if (a := answer(c))]
                return {"type": 1, "components": inner}
            if kind == 18:  # label wrapping one component (discord.py 2.6+)
                inner_answer = answer(component["component"], component.get("label", ""))
                return {"type": 18, "component": inner_answer} if inner_answer else None
            if kind == 4:  # text input
                return {
                    "type": 4,
                    "custom_id": component["custom_id"],
                    "value": value_of(component, label or component.get("label", "")),
                }
            return None  # text displays and the like carry no value

        rows = [a for c in modal["data"].get("components", []) if (a := answer(c))]
        unknown = set(values) - used
        if unknown:
            raise KeyError(f"the modal has no input {sorted(unknown)}")
        opener = self._interaction_members.get(interaction_id)
        channel = self._interaction_channels.get(interaction_id)
        data = self._interaction_base(5, member or opener, channel)
        data["data"] = {"custom_id": modal["data"]["custom_id"], "components": rows}
        source = self._interaction_sources.get(interaction_id)
        if source is not None and source in self.messages_by_id:
            data["message"] = self.messages_by_id[source].data
        await self.dispatch("INTERACTION_CREATE", data)
        return str(data["id"])

    # ------------------------------------------------------------------ gateway
    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH to the client (buffered for replay if it is disconnected)."""
        session = self._current
        if session is None:
            raise RuntimeError("no gateway session: the client has not identified")
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.sent.append(frame)
        if session.ws is not None and not session.ws.closed:
            await session.ws.send_str(json.dumps(frame))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op = frame.get("op")
                if op == 1:
                    self.heartbeats += 1
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    session = await self._identify(ws, frame["d"])
                elif op == 6:
                    session = await self._resume(ws, frame["d"], request.path)
                # op 3 presence, op 8 request members: nothing to model
        finally:
            if session is not None and session.ws is ws:
                session.ws = None
            await self._notify()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        token = data.get("token")
        if not token or (self.token is not None and token != self.token):
            await ws.close(code=4004)  # Authentication failed
            return None
        self.identify_count += 1
        session = Session(id=secrets.token_hex(16), ws=ws)
        self._sessions[session.id] = session
        self._current = session
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": self.bot_user,
                "guilds": [{"id": self.guild_id, "unavailable": True}],
                "session_id": session.id,
                "resume_gateway_url": self.resume_gateway_url,
                "application": {"id": self.app_id, "flags": 0},
                "private_channels": [],
                "relationships": [],
                "user_settings": {},
                "shard": [0, 1],
            },
        )
        await self.dispatch("GUILD_CREATE", self.guild_create_payload())
        await self._notify()
        return session

    async def _resume(
        self, ws: web.WebSocketResponse, data: dict[str, Any], path: str
    ) -> Session | None:
        session = self._sessions.get(data.get("session_id") or "")
        if session is None:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return None
        self.resume_count += 1
        self.resume_paths.append(path)
        session.ws = ws
        self._current = session
        seen = int(data.get("seq") or 0)
        for frame in session.sent:
            if frame["s"] > seen:
                await ws.send_str(json.dumps(frame))
        await self.dispatch("RESUMED", {})
        await self._notify()
        return session

    # ------------------------------------------------------------------ REST plumbing
    def _build_routes(self) -> list[tuple[str, str, re.Pattern[str], Handler]]:
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/gateway", self._get_gateway),
            ("GET", "/gateway/bot", self._get_gateway_bot),
            ("GET", "/users/@me", self._get_me),
            ("POST", "/users/@me/channels", self._create_dm),
            ("GET", "/users/{user_id}", self._get_user),
            ("GET", "/applications/@me", self._get_application),
            ("GET", "/oauth2/applications/@me", self._get_application),
            ("GET", "/applications/{app_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/commands", self._put_commands),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands),
            ("GET", "/channels/{channel_id}", self._get_channel),
            ("POST", "/channels/{channel_id}/messages", self._post_message),
            ("GET", "/channels/{channel_id}/messages", self._get_messages),
            ("POST", "/channels/{channel_id}/threads", self._post_thread),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._patch_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app_id}/{token}", self._post_followup),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._get_original),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", self._patch_original),
            ("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", self._delete_original),
            ("GET", "/guilds/{guild_id}", self._get_guild),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self._get_roles),
            ("GET", "/guilds/{guild_id}/members", self._get_members),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member),
            ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._add_member_role),
            (
                "DELETE",
                "/guilds/{guild_id}/members/{user_id}/roles/{role_id}",
                self._remove_member_role,
            ),
            ("GET", "/guilds/{guild_id}/scheduled-events", self._list_events),
            ("POST", "/guilds/{guild_id}/scheduled-events", self._create_event),
            ("GET", "/guilds/{guild_id}/scheduled-events/{event_id}", self._get_event),
            ("PATCH", "/guilds/{guild_id}/scheduled-events/{event_id}", self._patch_event),
            ("DELETE", "/guilds/{guild_id}/scheduled-events/{event_id}", self._delete_event),
        ]
        compiled = []
        for method, template, handler in table:
            pattern = re.compile(
                "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            )
            compiled.append((method, f"{method} {template}", pattern, handler))
        return compiled

    def _route_keys(self) -> set[str]:
        return {key for _, key, _, _ in self._routes}

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        for method, key, pattern, handler in self._routes:
            if method != request.method:
                continue
            match = pattern.match(path)
            if match is None:
                continue
            authorization = request.headers.get("Authorization", "")
            refused = not authorization.startswith("Bot ") or (
                self.token is not None and authorization != f"Bot {self.token}"
            )
            if refused and not (
                key.startswith(("POST /interactions", "POST /webhooks", "GET /webhooks"))
                or key.startswith(("PATCH /webhooks", "DELETE /webhooks"))
            ):
                return json_response({"message": "401: Unauthorized", "code": 0}, 401)
            fault = self._take_fault(key, path)
            if fault is not None:
                refusal = self._fault_response(fault)
                return await self._answered(refusal, request.method, key, path)
            response = await handler(request, match.groupdict())
            if self._lost.get(key, 0) > 0 and response.status < 300:
                # The work is done (a message exists), the answer never arrives.
                self._lost[key] -= 1
                self.responses_lost += 1
                await self._notify()
                if request.transport is not None:
                    request.transport.abort()
                return response
            delay = self._delays.get(key)
            if delay:
                self.answers_pending += 1
                await self._notify()
                try:
                    await asyncio.sleep(delay)
                finally:
                    self.answers_pending -= 1
            return response
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    def _take_fault(self, key: str, path: str) -> Fault | None:
        faults = self._faults.get(key)
        if not faults:
            return None
        for fault in faults:
            if fault.path_contains and fault.path_contains not in path:
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.remove(fault)
            return fault
        return None

    def _fault_response(self, fault: Fault) -> web.Response:
        if fault.status == 429:
            headers = {
                "Retry-After": str(max(1, round(fault.retry_after))),
                "X-RateLimit-Limit": str(self.rate_limit.limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                "X-RateLimit-Bucket": "fake-messages-bucket",
                "X-RateLimit-Scope": "global" if fault.is_global else "user",
            }
            if fault.via:
                headers["Via"] = "1.1 google"  # discord.py retries a 429 only with this
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
            body = {
                "message": "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": fault.is_global,
            }
            return json_response(body, 429, headers)
        return json_response(
            {"message": f"{fault.status}: Injected failure", "code": fault.code}, fault.status
        )

    def _record(self, method: str, key: str, path: str, status: int, body: Any = None) -> None:
        if self.record_requests:
            self.requests.append(RecordedRequest(method, key, path, status, body))

    async def _answered(
        self, response: web.Response, method: str, key: str, path: str, body: Any = None
    ) -> web.Response:
        """Record the request with ``response``'s status, wake whoever waits on the fake,
        then answer."""
        self._record(method, key, path, response.status, body)
        await self._notify()
        return response

    async def _read_payload(
        self, request: web.Request
    ) -> tuple[dict[str, Any], list[tuple[str, int]]]:
        """JSON body, or multipart with ``payload_json`` and ``files[n]``."""
        if request.content_type.startswith("multipart/"):
            payload: dict[str, Any] = {}
            files: list[tuple[str, int]] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, BodyPartReader):
                    continue  # no nested multipart in Discord's requests
                if part.name == "payload_json":
                    payload = json.loads(await part.text())
                else:
                    blob = await part.read()
                    files.append((part.filename or part.name or "file", len(blob)))
                    self.uploads.append((part.filename or part.name or "file", bytes(blob)))
            return payload, files
        if request.can_read_body:
            return await request.json(), []
        return {}, []

    def _message_object(
        self,
        channel_id: str,
        payload: dict[str, Any],
        files: list[tuple[str, int]],
        *,
        author: dict[str, Any] | None = None,
        flags: int = 0,
        message_id: str | None = None,
    ) -> dict[str, Any]:
        message_id = message_id or self.snowflake()
        attachments = [
            {
                "id": self.snowflake(),
                "filename": name,
                "size": size,
                "url": f"{self.base_url}/attachments/{channel_id}/{message_id}/{name}",
                "proxy_url": f"{self.base_url}/attachments/{channel_id}/{message_id}/{name}",
            }
            for name, size in files
        ]
        return {
            "id": message_id,
            "type": 0,
            "channel_id": channel_id,
            "guild_id": self.guild_id,
            "author": author or self.bot_user,
            "content": payload.get("content") or "",
            "timestamp": _iso(),
            "edited_timestamp": None,
            "tts": bool(payload.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "pinned": False,
            "flags": flags | int(payload.get("flags") or 0),
            "nonce": payload.get("nonce"),
        }

    def _bucket_headers(self, channel_id: str) -> tuple[dict[str, str], bool]:
        """Rate-limit headers of the per-channel message bucket; True when it is exceeded."""
        now = time.monotonic()
        used, reset_at = self._buckets.get(channel_id, (0, now + self.rate_limit.per))
        if now >= reset_at:
            used, reset_at = 0, now + self.rate_limit.per
        used += 1
        self._buckets[channel_id] = (used, reset_at)
        exceeded = used > self.rate_limit.limit
        reset_after = max(reset_at - now, 0.001)
        headers = {
            "X-RateLimit-Limit": str(self.rate_limit.limit),
            "X-RateLimit-Remaining": str(max(self.rate_limit.limit - used, 0)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": "fake-messages-bucket",
        }
        return headers, exceeded

    # ------------------------------------------------------------------ REST handlers
    async def _get_gateway(self, request: web.Request, _: dict[str, str]) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request, _: dict[str, str]) -> web.Response:
        return json_response(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    def _user_object(self, user_id: str) -> dict[str, Any] | None:
        for member in self.members.values():
            user = member.get("user", {})
            if user.get("id") == user_id:
                return dict(user)
        return None

    async def _create_dm(self, request: web.Request, _: dict[str, str]) -> web.Response:
        payload = await request.json()
        user_id = str(payload.get("recipient_id"))
        user = self._user_object(user_id)
        if user is None:
            return json_response({"message": "Unknown User", "code": 10013}, 404)
        channel_id = self.dm_channels.setdefault(user_id, self.snowflake())
        self._record("POST", "POST /users/@me/channels", request.path, 200, payload)
        return json_response(
            {"id": channel_id, "type": 1, "recipients": [user], "last_message_id": None}
        )

    async def _get_user(self, request: web.Request, params: dict[str, str]) -> web.Response:
        user = self._user_object(params["user_id"])
        if user is None:
            return json_response({"message": "Unknown User", "code": 10013}, 404)
        return json_response(user)

    def dms_to(self, user_id: str) -> list[RecordedMessage]:
        """Direct messages Relais sent to ``user_id``."""
        channel_id = self.dm_channels.get(user_id)
        return [m for m in self.messages if channel_id and m.channel_id == channel_id]

    async def _get_me(self, request: web.Request, _: dict[str, str]) -> web.Response:
        return json_response(self.bot_user)

    async def _get_application(self, request: web.Request, _: dict[str, str]) -> web.Response:
        return json_response(
            {
                "id": self.app_id,
                "name": "Relais",
                "icon": None,
                "description": "Relais (fake)",
                "rpc_origins": [],
                "bot_public": False,
                "bot_require_code_grant": False,
                "bot": self.bot_user,
                "owner": self.owner,
                "summary": "",
                "verify_key": "0" * 64,
                "team": None,
                "flags": 0,
                "interactions_endpoint_url": None,
                "approximate_guild_count": 1,
                "redirect_uris": [],
                "tags": [],
            }
        )

    async def _get_commands(self, request: web.Request, params: dict[str, str]) -> web.Response:
        self._record(request.method, "GET commands", request.path, 200)
        return json_response(self.commands.get(params.get("guild_id"), []))

    async def _put_commands(self, request: web.Request, params: dict[str, str]) -> web.Response:
        guild_id = params.get("guild_id")
        if guild_id is not None and guild_id != self.guild_id:
            return json_response({"message": "Unknown Guild", "code": 10004}, 404)
        body = await request.json()
        previous = {c["name"]: c for c in self.commands.get(guild_id, [])}
        stored = []
        for command in body:
            old = previous.get(command["name"])
            item = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                **command,
                "id": old["id"] if old else self.snowflake(),
                "application_id": self.app_id,
                "version": self.snowflake(),
            }
            if guild_id is not None:
                item["guild_id"] = guild_id
            stored.append(item)
        self.commands[guild_id] = stored
        self.command_puts[guild_id] = self.command_puts.get(guild_id, 0) + 1
        key = "PUT /applications/{app_id}/" + (
            "guilds/{guild_id}/commands" if guild_id else "commands"
        )
        return await self._answered(json_response(stored), "PUT", key, request.path, body)

    async def _get_channel(self, request: web.Request, params: dict[str, str]) -> web.Response:
        channel = self.channels.get(params["channel_id"])
        if channel is None:
            return json_response({"message": "Unknown Channel", "code": 10003}, 404)
        return json_response(channel.to_dict(self.guild_id))

    async def _post_message(self, request: web.Request, params: dict[str, str]) -> web.Response:
        key = "POST /channels/{channel_id}/messages"
        channel_id = params["channel_id"]
        dm_user = next((u for u, c in self.dm_channels.items() if c == channel_id), None)
        if dm_user is not None and dm_user in self.closed_dms:
            self._record("POST", key, request.path, 403)
            return json_response(
                {"message": "Cannot send messages to this user", "code": 50007}, 403
            )
        if channel_id not in self.channels and dm_user is None:
            self._record("POST", key, request.path, 404)
            return json_response({"message": "Unknown Channel", "code": 10003}, 404)
        headers, exceeded = self._bucket_headers(channel_id)
        if exceeded:
            retry_after = float(headers["X-RateLimit-Reset-After"])
            self._record("POST", key, request.path, 429)
            body = {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": False,
            }
            return json_response(
                body, 429, {**headers, "Via": "1.1 google", "X-RateLimit-Scope": "user"}
            )
        payload, files = await self._read_payload(request)
        nonce = payload.get("nonce")
        nonce_key = str(nonce) if nonce is not None and payload.get("enforce_nonce") else None
        if nonce_key is not None:
            hit = self._nonces.get(nonce_key)
            if hit is not None and time.monotonic() - hit[0] <= self.nonce_window:
                self.nonce_hits += 1
                answer = json_response(hit[1].data, headers=headers)
                return await self._answered(answer, "POST", key, request.path, payload)
        data = self._message_object(channel_id, payload, files)
        message = RecordedMessage(
            id=data["id"],
            channel_id=channel_id,
            payload=payload,
            data=data,
            files=files,
            nonce=str(nonce) if nonce is not None else None,
        )
        self.messages.append(message)
        self.messages_by_id[message.id] = message
        if nonce_key is not None:
            self._nonces[nonce_key] = (time.monotonic(), message)
        answer = json_response(data, headers=headers)
        return await self._answered(answer, "POST", key, request.path, payload)

    async def _get_messages(self, request: web.Request, params: dict[str, str]) -> web.Response:
        """Channel history as Discord serves it: newest first, ``limit`` (≤ 100) messages
        just after ``after``, or just before ``before``, or the latest."""
        channel_id = params["channel_id"]
        key = "GET /channels/{channel_id}/messages"
        if channel_id not in self.channels:
            self._record("GET", key, request.path, 404)
            return json_response({"message": "Unknown Channel", "code": 10003}, 404)
        if not self.bot_permissions() & READ_MESSAGE_HISTORY:
            self._record("GET", key, request.path, 403)
            return json_response({"message": "Missing Access", "code": 50001}, 403)
        query = request.query
        try:
            limit = min(max(int(query.get("limit", "50")), 1), 100)
        except ValueError:
            return json_response({"message": "Invalid Form Body", "code": 50035}, 400)
        found = sorted(
            (
                m
                for m in (*self.messages, *self.responses, *self.others)
                if m.channel_id == channel_id and not m.ephemeral
            ),
            key=lambda m: int(m.id),
        )
        if "after" in query:
            after = int(query["after"])
            found = [m for m in found if int(m.id) > after][:limit]
        elif "before" in query:
            before = int(query["before"])
            found = [m for m in found if int(m.id) < before][-limit:]
        else:
            found = found[-limit:]
        self._record("GET", key, request.path, 200)
        return json_response(
            [{k: v for k, v in m.data.items() if k != "nonce"} for m in reversed(found)]
        )

    async def _post_thread(self, request: web.Request, params: dict[str, str]) -> web.Response:
        """A forum post: a new thread under a forum channel (type 15), with its first message."""
        key = "POST /channels/{channel_id}/threads"
        forum = self.channels.get(params["channel_id"])
        if forum is None or forum.type != 15:
            self._record("POST", key, request.path, 404)
            return json_response({"message": "Unknown Channel", "code": 10003}, 404)
        payload, files = await self._read_payload(request)
        thread = self.add_thread(str(payload.get("name", ""))[:100], forum)
        first = dict(payload.get("message") or {})
        data = self._message_object(thread.id, first, files)
        message = RecordedMessage(
            id=data["id"], channel_id=thread.id, payload=first, data=data, files=files
        )
        self.messages.append(message)
        self.messages_by_id[message.id] = message
        answer = json_response({**thread.to_dict(self.guild_id), "message": data}, 201)
        return await self._answered(answer, "POST", key, request.path, payload)

    async def _get_message(self, request: web.Request, params: dict[str, str]) -> web.Response:
        message = self.messages_by_id.get(params["message_id"])
        if message is None or message.channel_id != params["channel_id"]:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        return json_response(message.data)

    async def _patch_message(self, request: web.Request, params: dict[str, str]) -> web.Response:
        message = self.messages_by_id.get(params["message_id"])
        if message is None:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        payload, _ = await self._read_payload(request)
        message.payload.update(payload)
        for name in ("content", "embeds", "components"):
            if name in payload:
                message.data[name] = payload[name]
        message.data["edited_timestamp"] = _iso()
        answer = json_response(message.data)
        route = "PATCH /channels/{channel_id}/messages/{message_id}"
        return await self._answered(answer, "PATCH", route, request.path, payload)

    async def _delete_message(self, request: web.Request, params: dict[str, str]) -> web.Response:
        message = self.messages_by_id.get(params["message_id"])
        if message is None:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        self._forget(message)
        await self._notify()
        return web.Response(status=204)

    async def _callback(self, request: web.Request, params: dict[str, str]) -> web.Response:
        interaction_id = params["interaction_id"]
        if self._interaction_tokens.get(params["token"]) != interaction_id:
            return json_response({"message": "Unknown interaction", "code": 10062}, 404)
        if self.interaction_callbacks.get(interaction_id):
            # Discord accepts one response per interaction; the rest are follow-ups.
            return json_response(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        payload, files = await self._read_payload(request)
        if files:
            payload["_files"] = files
        self.interaction_callbacks.setdefault(interaction_id, []).append(payload)
        self._record(
            "POST",
            "POST /interactions/{interaction_id}/{token}/callback",
            request.path,
            200,
            payload,
        )
        inner = payload.get("data") or {}
        kind = payload.get("type")
        flags = int(inner.get("flags") or 0)
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & EPHEMERAL),
            }
        }
        message: RecordedMessage | None = None
        if kind in (4, 5):
            # 4: the response message; 5: "Relais réfléchit…", filled by a later edit
            message = self._record_response(interaction_id, inner, files, flags=flags)
            self._originals[interaction_id] = message
        elif kind in (6, 7):
            # updates of the message holding the clicked component
            message = self.messages_by_id.get(self._interaction_sources.get(interaction_id, ""))
            if message is not None and kind == 7:
                self._edit(message, inner)
        if message is not None:
            result["interaction"]["response_message_id"] = message.id
            result["resource"] = {"type": kind, "message": message.data}
        elif kind == 7:  # a message the fake does not know (built by the test itself)
            data = self._message_object(
                self._interaction_channels.get(interaction_id) or next(iter(self.channels)),
                inner,
                files,
                flags=flags,
            )
            result["interaction"]["response_message_id"] = data["id"]
            result["resource"] = {"type": kind, "message": data}
        elif kind is not None:
            result["resource"] = {"type": kind}
        await self._notify()
        return json_response(result)

    def _record_response(
        self,
        interaction_id: str,
        payload: dict[str, Any],
        files: list[tuple[str, int]],
        *,
        flags: int,
    ) -> RecordedMessage:
        channel_id = self._interaction_channels.get(interaction_id) or next(iter(self.channels))
        data = self._message_object(channel_id, payload, files, flags=flags)
        member = self._interaction_members.get(interaction_id)
        if member is not None:
            data["interaction_metadata"] = {
                "id": interaction_id,
                "type": 2,
                "user": member["user"],
                "authorizing_integration_owners": {"0": self.guild_id},
            }
        data["webhook_id"] = self.app_id
        message = RecordedMessage(
            id=data["id"],
            channel_id=channel_id,
            payload=dict(payload),
            data=data,
            files=files,
            interaction_id=interaction_id,
        )
        self.responses.append(message)
        self.messages_by_id[message.id] = message
        return message

    @staticmethod
    def _edit(message: RecordedMessage, payload: dict[str, Any]) -> None:
        message.payload.update({k: v for k, v in payload.items() if not k.startswith("_")})
        for name in ("content", "embeds", "components"):
            if name in payload:
                message.data[name] = (
                    payload[name]
                    if payload[name] is not None
                    else ("" if name == "content" else [])
                )
        message.data["edited_timestamp"] = _iso()
        message.edits += 1

    async def _post_followup(self, request: web.Request, params: dict[str, str]) -> web.Response:
        token = params["token"]
        interaction_id = self._interaction_tokens.get(token)
        if interaction_id is None:
            return json_response({"message": "Unknown Webhook", "code": 10015}, 404)
        payload, files = await self._read_payload(request)
        if files:
            payload["_files"] = files
        self.followups.setdefault(token, []).append(payload)
        self._record("POST", "POST /webhooks/{app_id}/{token}", request.path, 200, payload)
        message = self._record_response(
            interaction_id, payload, files, flags=int(payload.get("flags") or 0)
        )
        await self._notify()
        return json_response(message.data)

    def _webhook_message(self, params: dict[str, str]) -> RecordedMessage | None:
        """The interaction message a /webhooks/{app_id}/{token}/messages/{id} path names."""
        iid = self._interaction_tokens.get(params["token"])
        if iid is None:
            return None
        if params["message_id"] == "@original":
            return self._originals.get(iid)
        message = self.messages_by_id.get(params["message_id"])
        return message if message is not None and message.interaction_id == iid else None

    async def _get_original(self, request: web.Request, params: dict[str, str]) -> web.Response:
        message = self._webhook_message(params)
        if message is None:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        return json_response(message.data)

    async def _patch_original(self, request: web.Request, params: dict[str, str]) -> web.Response:
        iid = self._interaction_tokens.get(params["token"])
        if iid is None:
            return json_response({"message": "Unknown Webhook", "code": 10015}, 404)
        message = self._webhook_message(params)
        if message is None:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        payload, files = await self._read_payload(request)
        self._edit(message, payload)
        if files:
            message.files = files
        if params["message_id"] == "@original":
            # kept for tests that read the edits of a response as callbacks
            self.interaction_callbacks.setdefault(iid, []).append({**payload, "_edit": True})
        answer = json_response(message.data)
        route = "PATCH /webhooks/{app_id}/{token}/messages/{message_id}"
        return await self._answered(answer, "PATCH", route, request.path, payload)

    async def _delete_original(self, request: web.Request, params: dict[str, str]) -> web.Response:
        message = self._webhook_message(params)
        if message is None:
            return json_response({"message": "Unknown Message", "code": 10008}, 404)
        self._forget(message)
        await self._notify()
        return web.Response(status=204)

    def _forget(self, message: RecordedMessage) -> None:
        self.messages_by_id.pop(message.id, None)
        for collection in (self.messages, self.responses, self.others):
            if message in collection:
                collection.remove(message)

    async def _get_guild(self, request: web.Request, params: dict[str, str]) -> web.Response:
        if params["guild_id"] != self.guild_id:
            return json_response({"message": "Unknown Guild", "code": 10004}, 404)
        return json_response(self.guild_payload())

    async def _get_guild_channels(
        self, request: web.Request, params: dict[str, str]
    ) -> web.Response:
        return json_response([c.to_dict(self.guild_id) for c in self.channels.values()])

    async def _get_roles(self, request: web.Request, params: dict[str, str]) -> web.Response:
        return json_response([r.to_dict() for r in self.roles.values()])

    async def _get_members(self, request: web.Request, params: dict[str, str]) -> web.Response:
        return json_response([self._bot_member(), *self.members.values()])

    async def _get_member(self, request: web.Request, params: dict[str, str]) -> web.Response:
        if params["user_id"] == self.app_id:
            return json_response(self._bot_member())
        member = self.members.get(params["user_id"])
        if member is None:
            return json_response({"message": "Unknown Member", "code": 10007}, 404)
        return json_response(member)

    async def _add_member_role(self, request: web.Request, params: dict[str, str]) -> web.Response:
        member = self.members.get(params["user_id"])
        if member is None or params["role_id"] not in self.roles:
            return json_response({"message": "Unknown Member", "code": 10007}, 404)
        if params["role_id"] not in member["roles"]:
            member["roles"].append(params["role_id"])
        await self._notify()
        return web.Response(status=204)

    async def _remove_member_role(
        self, request: web.Request, params: dict[str, str]
    ) -> web.Response:
        member = self.members.get(params["user_id"])
        if member is None:
            return json_response({"message": "Unknown Member", "code": 10007}, 404)
        if params["role_id"] in member["roles"]:
            member["roles"].remove(params["role_id"])
        await self._notify()
        return web.Response(status=204)

    async def _list_events(self, request: web.Request, params: dict[str, str]) -> web.Response:
        return json_response(list(self.scheduled_events.values()))

    async def _create_event(self, request: web.Request, params: dict[str, str]) -> web.Response:
        body = await request.json()
        event = {
            "id": self.snowflake(),
            "guild_id": self.guild_id,
            "channel_id": body.get("channel_id"),
            "creator_id": self.app_id,
            "creator": self.bot_user,
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": body["scheduled_start_time"],
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": body.get("privacy_level", 2),
            "status": body.get("status", 1),
            "entity_type": body.get("entity_type", 3),
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": None,
            "recurrence_rule": body.get("recurrence_rule"),
        }
        self.scheduled_events[event["id"]] = event
        self._record("POST", "POST /guilds/{guild_id}/scheduled-events", request.path, 200, body)
        if self._current is not None:
            await self.dispatch("GUILD_SCHEDULED_EVENT_CREATE", event)
        await self._notify()
        return json_response(event)

    async def _get_event(self, request: web.Request, params: dict[str, str]) -> web.Response:
        event = self.scheduled_events.get(params["event_id"])
        if event is None:
            return json_response({"message": "Unknown Guild Scheduled Event", "code": 10070}, 404)
        return json_response(event)

    async def _patch_event(self, request: web.Request, params: dict[str, str]) -> web.Response:
        event = self.scheduled_events.get(params["event_id"])
        if event is None:
            return json_response({"message": "Unknown Guild Scheduled Event", "code": 10070}, 404)
        body = await request.json()
        event.update({k: v for k, v in body.items() if k != "id"})
        self._record(
            "PATCH", "PATCH /guilds/{guild_id}/scheduled-events/{event_id}", request.path, 200, body
        )
        if self._current is not None:
            await self.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", event)
        await self._notify()
        return json_response(event)

    async def _delete_event(self, request: web.Request, params: dict[str, str]) -> web.Response:
        event = self.scheduled_events.pop(params["event_id"], None)
        if event is None:
            return json_response({"message": "Unknown Guild Scheduled Event", "code": 10070}, 404)
        self._record(
            "DELETE", "DELETE /guilds/{guild_id}/scheduled-events/{event_id}", request.path, 204
        )
        if self._current is not None:
            await self.dispatch("GUILD_SCHEDULED_EVENT_DELETE", event)
        await self._notify()
        return web.Response(status=204)

    # ------------------------------------------------------------------ control endpoints
    def state(self) -> dict[str, Any]:
        return {
            "messages": len(self.messages),
            "nonce_hits": self.nonce_hits,
            "identify_count": self.identify_count,
            "resume_count": self.resume_count,
            "connected": self.connected,
            "command_puts": {str(k): v for k, v in self.command_puts.items()},
            "statuses": _count(r.status for r in self.requests),
        }

    async def _attachment(self, request: web.Request) -> web.Response:
        blob = self.attachments.get(request.path)
        if blob is None:
            return web.Response(status=404)
        return web.Response(body=blob, content_type=_content_type(request.path))

    async def _state_endpoint(self, request: web.Request) -> web.Response:
        return json_response(self.state())

    async def _messages_endpoint(self, request: web.Request) -> web.Response:
        return json_response(
            [
                {"id": m.id, "channel_id": m.channel_id, "nonce": m.nonce, "payload": m.payload}
                for m in self.messages
            ]
        )


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[str(value)] = counts.get(str(value), 0) + 1
    return counts


def _content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


async def _serve(port: int, nonce_window: float) -> None:
    fake = await FakeDiscord(nonce_window=nonce_window).start(port)
    print(
        json.dumps(
            {"api_base": fake.api_base, "gateway_url": fake.gateway_url, "guild_id": fake.guild_id}
        ),
        flush=True,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the fake Discord on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--nonce-window", type=float, default=300.0, help="seconds a nonce is enforced"
    )
    args = parser.parse_args()
    try:
        asyncio.run(_serve(args.port, args.nonce_window))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
