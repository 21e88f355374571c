"""`relais calendrier-url [--delegation NOM] [--renouveler]`: the subscription links, for an
operator (the same ones `/calendrier abonnement` gives members)."""

from __future__ import annotations

import sys

from bot.calendar import subscriptions
from bot.calendar.delegations import list_delegations, require_delegation
from bot.calendar.model import CalendarError
from bot.messages import t
from bot.settings import Settings
from bot.store.db import Database
from bot.timeutil import utc_now
from bot.web.server import WebServer


def base_url(settings: Settings) -> str:
    web = settings.config.web
    return WebServer(web.listen, public_url=web.public_url).base_url


async def calendar_url_command(
    settings: Settings, delegation: str | None, *, renew: bool = False
) -> int:
    base = base_url(settings)
    if not base:
        print(t("calendar.feed.off"), file=sys.stderr)
        return 2
    db = await Database.open(settings.database_path)
    try:
        now = utc_now()
        if delegation is not None:
            try:
                found = [await require_delegation(db, delegation)]
            except CalendarError as exc:
                print(exc.message, file=sys.stderr)
                return 2
        else:
            found = await list_delegations(db)
        scopes: list[tuple[str, int | None]] = [(t("calendar.feed.public"), None)]
        scopes += [(d.name, d.id) for d in found]
        if delegation is not None:
            scopes = scopes[1:]
        for name, scope in scopes:
            token = (
                await subscriptions.issue_token(db, scope, now=now)
                if renew
                else await subscriptions.ensure_token(db, scope, now=now)
            )
            print(f"{name} : {subscriptions.feed_url(base, token.token)}")
    finally:
        await db.close()
    return 0
