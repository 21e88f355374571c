"""Buttons on posts: built from ``Post.buttons``, answered by prefix whatever the restarts.

A button's ``custom_id`` is "prefix:rest". Nothing is kept in memory per message: a click is
routed by its prefix to the handler a cog registered, so buttons of posts sent days ago (or
before a restart) keep working, which discord.py's persistent views would need re-adding for.
A route may be longer than one segment ("cal:prop" for staff, "cal" for everyone): the
longest registered prefix wins. A route registered with ``staff=True`` refuses other members
with the buttons' refusal, before its handler runs; errors go to the one handler.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.discord.checks import require_staff
from bot.discord.errors import report, send_ephemeral
from bot.messages import t
from bot.models import Button

log = logging.getLogger(__name__)

ButtonHandler = Callable[[discord.Interaction, str], Awaitable[None]]

_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}
MAX_BUTTONS = 25  # 5 rows of 5


def build_view(buttons: list[Button]) -> discord.ui.View | None:
    """A View only used to serialise the components; clicks go through ``ButtonRouter``."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons[:MAX_BUTTONS]:
        view.add_item(
            discord.ui.Button(
                custom_id=button.custom_id[:100],
                label=button.label[:80],
                style=_STYLES.get(button.style, discord.ButtonStyle.secondary),
                row=button.row if button.row is not None and 0 <= button.row <= 4 else None,
            )
        )
    # A finished view is not stored by discord.py: no per-message memory, no default callback.
    view.stop()
    return view


class ButtonRouter:
    def __init__(self) -> None:
        self._handlers: dict[str, tuple[ButtonHandler, bool]] = {}

    def register(self, prefix: str, handler: ButtonHandler, *, staff: bool = False) -> None:
        if not prefix or any(not part for part in prefix.split(":")):
            raise ValueError(f"invalid button prefix {prefix!r}")
        if prefix in self._handlers:
            raise ValueError(f"button prefix {prefix!r} is already registered")
        self._handlers[prefix] = (handler, staff)

    def route_for(self, custom_id: str) -> tuple[ButtonHandler, bool] | None:
        """The handler of the longest registered prefix of ``custom_id``, and its staff flag."""
        parts = custom_id.split(":")
        for length in range(len(parts) - 1, 0, -1):
            found = self._handlers.get(":".join(parts[:length]))
            if found is not None:
                return found
        return None

    def handler_for(self, custom_id: str) -> ButtonHandler | None:
        route = self.route_for(custom_id)
        return route[0] if route else None

    async def dispatch(self, interaction: discord.Interaction) -> bool:
        """Route a component interaction; True when it was ours (custom_id "prefix:...")."""
        data: dict[str, Any] = dict(interaction.data or {})
        custom_id = str(data.get("custom_id", ""))
        if ":" not in custom_id:
            return False  # an ephemeral discord.ui.View of some command handles it
        route = self.route_for(custom_id)
        if route is None:
            log.warning("click on a button nobody handles: %r", custom_id)
            await send_ephemeral(interaction, t("discord.button.unknown"))
            return True
        handler, staff = route
        try:
            if staff:
                require_staff(interaction, "button")
            await handler(interaction, custom_id)
        except Exception as exc:
            await report(interaction, exc, f"button {custom_id!r}")
        return True
