"""`relais check --discord` and `relais invite`: what Relais needs from Discord, and whether
the configured server gives it.

Everything goes through Discord's REST API with the bot token (no gateway session, so a
running Relais is not disturbed): the token, the server, the staff role, every configured
channel and role, and the bot's effective permissions in each channel (roles, then the
channel's overwrites, as Discord computes them). Each problem comes in French with its fix.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

import aiohttp
import discord

from bot.messages import t
from bot.settings import Settings

log = logging.getLogger(__name__)

P = discord.Permissions
ADMINISTRATOR = P(administrator=True).value
VIEW = P(view_channel=True).value
SEND = P(send_messages=True).value
# What every post needs where it goes: embeds for communications, files for documents,
# the history to check after an outage whether a post already went out.
POSTING = P(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
).value
MENTION_EVERYONE = P(mention_everyone=True).value
MANAGE_EVENTS = P(manage_events=True).value
# Lost with SEND_MESSAGES in a channel (Discord's implicit rule).
_NEEDS_SEND = P(
    embed_links=True, attach_files=True, mention_everyone=True, send_tts_messages=True
).value

PERMISSION_NAMES = {
    VIEW: "Voir le salon",
    SEND: "Envoyer des messages",
    P(embed_links=True).value: "Intégrer des liens",
    P(attach_files=True).value: "Joindre des fichiers",
    P(read_message_history=True).value: "Voir les anciens messages",
    MENTION_EVERYONE: "Mentionner @everyone, @here et tous les rôles",
    MANAGE_EVENTS: "Gérer les événements",
}
SCOPES = "bot applications.commands"
TEXT_TYPES = {0, 2, 5}  # text, voice (its text chat), announcement


def permission_names(bits: int) -> str:
    return ", ".join(f"« {name} »" for value, name in PERMISSION_NAMES.items() if bits & value)


@dataclass
class ChannelNeed:
    """One Discord channel (name or id) that Relais posts to, and why."""

    target: str
    keys: set[str] = field(default_factory=set)  # logical keys / features using it
    ping_roles: set[str] = field(default_factory=set)
    everyone_optional: bool = False  # announcements may ask for @everyone


@dataclass
class Needs:
    channels: dict[str, ChannelNeed] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)  # role spec -> what for (French)
    guild_permissions: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # configuration files that could not be read

    def channel(self, settings: Settings, key: str, used_by: str) -> ChannelNeed:
        target = settings.config.channels.get(key, key).strip().lstrip("#")
        need = self.channels.setdefault(target.casefold(), ChannelNeed(target))
        need.keys.add(used_by)
        return need

    def permissions(self) -> int:
        """The permission integer of the invite URL."""
        bits = POSTING if self.channels else VIEW | SEND
        for value in self.guild_permissions:
            bits |= value
        if any(need.ping_roles or need.everyone_optional for need in self.channels.values()):
            bits |= MENTION_EVERYONE
        return bits


def compute_needs(settings: Settings) -> Needs:
    """What the enabled features need: channels, roles to ping, server-level permissions."""
    config = settings.config
    needs = Needs()
    for key in config.channels:
        needs.channel(settings, key, key)
    needs.channel(settings, config.routing.default_channel, "routing.default_channel")
    for rule in config.routing.rules:
        needs.channel(settings, rule.channel, "routing.rules")
    for inbox_rule in config.inbox.rules:
        needs.channel(settings, inbox_rule.channel, f"inbox « {inbox_rule.folder} »")
    if config.digest.enabled:
        needs.channel(settings, config.digest.channel, "digest")
    if "annonces" in config.channels:
        needs.channel(settings, "annonces", "annonces").everyone_optional = True
    needs.roles[config.relais.staff_role] = t("preflight.role.staff")
    try:
        from bot.sources.feeds.config import load_feeds

        for feed in load_feeds(settings):
            targets = feed.channels or (config.routing.default_channel,)
            for key in targets:
                need = needs.channel(settings, key, f"flux « {feed.name} »")
                if feed.role:
                    need.ping_roles.add(feed.role)
            if feed.role:
                needs.roles.setdefault(feed.role, t("preflight.role.feed", feed=feed.name))
    except Exception as exc:  # the offline part of `relais check` reports the file itself
        needs.notes.append(str(exc))
    for delegation in _calendar_delegations(settings, needs):
        role = str(delegation.get("role") or "").strip()
        name = str(delegation.get("name") or "?")
        channel = str(delegation.get("channel") or "").strip()
        if channel:
            need = needs.channel(settings, channel, f"délégation « {name} »")
            if role:
                need.ping_roles.add(role)
        if role:
            needs.roles.setdefault(role, t("preflight.role.delegation", name=name))
    if config.calendar.mirror_scheduled_events:
        needs.guild_permissions[MANAGE_EVENTS] = t("preflight.guild.events")
    return needs


def _calendar_delegations(settings: Settings, needs: Needs) -> list[dict[str, Any]]:
    try:
        from bot.calendar.demo import configured_file, read_calendar_file

        path = configured_file(settings)
        if path is None:
            return []
        delegations = read_calendar_file(path).get("delegations", [])
        return [d for d in delegations if isinstance(d, dict)]
    except Exception as exc:
        needs.notes.append(str(getattr(exc, "message", exc)))
        return []


# ---------------------------------------------------------------------------- invite


class TokenFormatError(ValueError):
    pass


def application_id_from_token(token: str) -> int:
    """A bot token's first segment is the application (bot user) id in base64."""
    first = token.strip().split(".", 1)[0]
    try:
        text = base64.b64decode(first + "=" * (-len(first) % 4), validate=False).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise TokenFormatError(token) from None
    if not text.isdigit():
        raise TokenFormatError(token)
    return int(text)


def invite_url(application_id: int, permissions: int, guild_id: int | None = None) -> str:
    query: dict[str, str | int] = {
        "client_id": application_id,
        "permissions": permissions,
        "scope": SCOPES,
    }
    if guild_id is not None:
        query["guild_id"] = guild_id
        query["disable_guild_select"] = "true"
    return "https://discord.com/oauth2/authorize?" + urlencode(query)


def settings_invite_url(settings: Settings) -> str | None:
    if settings.discord_token is None:
        return None
    try:
        app_id = application_id_from_token(settings.discord_token.get_secret_value())
    except TokenFormatError:
        return None
    return invite_url(app_id, compute_needs(settings).permissions(), settings.discord_guild_id)


# ---------------------------------------------------------------------------- check


@dataclass
class Finding:
    level: Literal["error", "warning", "ok"]
    text: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def error(self, text: str) -> None:
        self.findings.append(Finding("error", text))

    def warning(self, text: str) -> None:
        self.findings.append(Finding("warning", text))

    def ok(self, text: str) -> None:
        self.findings.append(Finding("ok", text))

    @property
    def blocking(self) -> bool:
        return any(f.level == "error" for f in self.findings)

    def lines(self) -> list[str]:
        marks = {"error": "✗", "warning": "⚠", "ok": "✓"}
        return [f"{marks[f.level]} {f.text}" for f in self.findings]


class DiscordUnreachable(Exception):
    pass


class _Api:
    def __init__(self, session: aiohttp.ClientSession, base: str, token: str) -> None:
        self.session = session
        self.base = base.rstrip("/")
        self.headers = {"Authorization": f"Bot {token}", "User-Agent": "Relais (check)"}

    async def get(self, path: str) -> tuple[int, Any]:
        for _ in range(3):
            try:
                async with self.session.get(self.base + path, headers=self.headers) as response:
                    body = (
                        await response.json(content_type=None)
                        if response.content_length != 0
                        else None
                    )
                    if response.status == 429 and isinstance(body, dict):
                        await asyncio.sleep(min(float(body.get("retry_after", 1)), 5.0))
                        continue
                    return response.status, body
            except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as exc:
                raise DiscordUnreachable(f"{type(exc).__name__}: {exc}") from None
        return 429, None


def _find_channel(channels: list[dict[str, Any]], target: str) -> dict[str, Any] | None:
    candidates = [c for c in channels if c.get("type") in TEXT_TYPES]
    if target.isdigit():
        return next((c for c in channels if c.get("id") == target), None)
    return next((c for c in candidates if c.get("name") == target), None) or next(
        (c for c in candidates if str(c.get("name", "")).casefold() == target.casefold()), None
    )


def _find_role(roles: list[dict[str, Any]], spec: str) -> dict[str, Any] | None:
    wanted = spec.strip().lstrip("@")
    if wanted.isdigit():
        return next((r for r in roles if r.get("id") == wanted), None)
    return next((r for r in roles if r.get("name") == wanted), None) or next(
        (r for r in roles if str(r.get("name", "")).casefold() == wanted.casefold()), None
    )


def base_permissions(
    guild: dict[str, Any], roles: list[dict[str, Any]], member_roles: Iterable[str]
) -> int:
    by_id = {r["id"]: r for r in roles}
    value = int(by_id.get(guild["id"], {}).get("permissions", 0))
    for role_id in member_roles:
        value |= int(by_id.get(role_id, {}).get("permissions", 0))
    return value


def channel_permissions(
    base: int, guild_id: str, channel: dict[str, Any], member_id: str, member_roles: Iterable[str]
) -> int:
    """Discord's algorithm: server roles, then @everyone's, the roles', the member's overwrites."""
    if base & ADMINISTRATOR:
        return (1 << 53) - 1
    value = base
    overwrites = {o["id"]: o for o in channel.get("permission_overwrites") or []}
    everyone = overwrites.get(guild_id)
    if everyone:
        value = (value & ~int(everyone["deny"])) | int(everyone["allow"])
    allow = deny = 0
    for role_id in member_roles:
        overwrite = overwrites.get(role_id)
        if overwrite:
            allow |= int(overwrite["allow"])
            deny |= int(overwrite["deny"])
    value = (value & ~deny) | allow
    own = overwrites.get(member_id)
    if own:
        value = (value & ~int(own["deny"])) | int(own["allow"])
    if not value & VIEW:
        return 0
    if not value & SEND:
        value &= ~_NEEDS_SEND
    return value


async def check_discord(settings: Settings, *, timeout: float = 15.0) -> Report:
    report = Report()
    if settings.discord_token is None or not settings.discord_token.get_secret_value():
        report.error(t("preflight.no_token"))
        return report
    token = settings.discord_token.get_secret_value()
    needs = compute_needs(settings)
    for note in needs.notes:
        report.warning(t("preflight.config_unreadable", detail=note))
    guild_id = settings.discord_guild_id
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            api = _Api(session, settings.discord_api_base, token)
            await _check(api, settings, needs, guild_id, report)
    except DiscordUnreachable as exc:
        report.error(t("preflight.unreachable", base=settings.discord_api_base, error=exc))
    return report


async def _check(
    api: _Api, settings: Settings, needs: Needs, guild_id: int | None, report: Report
) -> None:
    status, me = await api.get("/users/@me")
    if status == 401:
        report.error(t("preflight.bad_token"))
        return
    if status != 200 or not isinstance(me, dict):
        report.error(t("preflight.http", what="/users/@me", status=status))
        return
    report.ok(t("preflight.token_ok", name=me.get("username", "?"), id=me.get("id", "?")))
    invite = invite_url(int(me["id"]), needs.permissions(), guild_id)
    if guild_id is None:
        report.error(t("preflight.no_guild_id", invite=invite))
        return
    status, guild = await api.get(f"/guilds/{guild_id}")
    if status in (403, 404) or not isinstance(guild, dict):
        report.error(t("preflight.unknown_guild", guild=guild_id, invite=invite))
        return
    report.ok(t("preflight.guild_ok", name=guild.get("name", "?"), id=guild_id))
    status, member = await api.get(f"/guilds/{guild_id}/members/{me['id']}")
    member_roles: list[str] = list(member.get("roles", [])) if isinstance(member, dict) else []
    status, channels = await api.get(f"/guilds/{guild_id}/channels")
    if status != 200 or not isinstance(channels, list):
        report.error(t("preflight.http", what="salons du serveur", status=status))
        return
    roles = guild.get("roles") or []
    if not roles:
        _, roles = await api.get(f"/guilds/{guild_id}/roles")
        roles = roles if isinstance(roles, list) else []
    base = base_permissions(guild, roles, member_roles)
    if str(guild.get("owner_id")) == str(me["id"]):
        base |= ADMINISTRATOR

    for spec, purpose in needs.roles.items():
        role = _find_role(roles, spec)
        if role is None or role.get("id") == str(guild_id):
            report.error(t("preflight.missing_role", role=spec, purpose=purpose))
    for value, purpose in needs.guild_permissions.items():
        if not (base & value or base & ADMINISTRATOR):
            report.error(
                t("preflight.guild_permission", permission=permission_names(value), purpose=purpose)
            )

    found = 0
    for need in sorted(needs.channels.values(), key=lambda n: n.target.casefold()):
        used_by = ", ".join(sorted(need.keys))
        channel = _find_channel(channels, need.target)
        if channel is None:
            report.error(t("preflight.missing_channel", target=need.target, used_by=used_by))
            continue
        found += 1
        have = channel_permissions(base, str(guild_id), channel, str(me["id"]), member_roles)
        missing = POSTING & ~have
        if missing:
            report.error(
                t(
                    "preflight.channel_permissions",
                    channel=channel["name"],
                    permissions=permission_names(missing),
                    used_by=used_by,
                )
            )
            continue
        for spec in sorted(need.ping_roles):
            role = _find_role(roles, spec)
            if role is None:
                continue  # already reported
            if not role.get("mentionable") and not have & MENTION_EVERYONE:
                report.error(t("preflight.cannot_ping", role=role["name"], channel=channel["name"]))
        if need.everyone_optional and not have & MENTION_EVERYONE:
            report.warning(t("preflight.no_everyone", channel=channel["name"]))
    if found:
        report.ok(t("preflight.channels_ok", count=found, total=len(needs.channels)))
