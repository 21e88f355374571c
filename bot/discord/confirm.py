"""One confirmation for every action that writes: two buttons that say what they do.

« Annuler » alone is ambiguous under « Annuler la rencontre ? » (cancel the meeting, or
cancel this question?): the buttons name the action (« Annuler la rencontre ») and the way
out (« Ne rien faire »). Only the person who asked may answer. When nobody answers within
the time-out, the question is replaced by « Délai dépassé : rien n’a été fait » and its
buttons go away, so nobody clicks a dead button later.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.discord.errors import message_for
from bot.messages import t

log = logging.getLogger(__name__)
NO_PINGS = discord.AllowedMentions.none()
TIMEOUT = 300.0


class ConfirmView(discord.ui.View):
    def __init__(
        self,
        author_id: int,
        action: Callable[[], Awaitable[str]],
        *,
        confirm_label: str,
        abort_label: str | None = None,
        aborted: str | None = None,
        expired: str | None = None,
        danger: bool = False,
        timeout: float = TIMEOUT,
        refusal: type[Exception] | tuple[type[Exception], ...] = (),
    ) -> None:
        super().__init__(timeout=timeout)
        self.author_id = author_id
        self.action = action
        self.aborted = aborted or t("confirm.aborted")
        self.expired = expired or t("confirm.expired")
        self.refusal = refusal
        self.interaction: discord.Interaction | None = None
        self.done = False
        yes: discord.ui.Button[Any] = discord.ui.Button(
            label=confirm_label[:80],
            style=discord.ButtonStyle.danger if danger else discord.ButtonStyle.success,
        )
        no: discord.ui.Button[Any] = discord.ui.Button(
            label=(abort_label or t("confirm.nothing"))[:80],
            style=discord.ButtonStyle.secondary,
        )
        yes.callback = self._yes  # type: ignore[method-assign]
        no.callback = self._no  # type: ignore[method-assign]
        self.add_item(yes)
        self.add_item(no)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.author_id:
            return True
        await interaction.response.send_message(t("confirm.not_yours"), ephemeral=True)
        return False

    async def _yes(self, interaction: discord.Interaction) -> None:
        if self.done:
            return
        self.done = True
        self.stop()
        try:
            text = await self.action()
        except Exception as exc:
            if self.refusal and isinstance(exc, self.refusal):
                text = getattr(exc, "message", None) or str(exc)
            else:
                log.exception("confirmed action failed")
                text = message_for(exc)
        await interaction.response.edit_message(content=text, view=None)

    async def _no(self, interaction: discord.Interaction) -> None:
        self.done = True
        self.stop()
        await interaction.response.edit_message(content=self.aborted, view=None)

    async def on_timeout(self) -> None:
        if self.done or self.interaction is None:
            return
        self.done = True
        try:
            await self.interaction.edit_original_response(content=self.expired, view=None)
        except discord.HTTPException as exc:  # the token lives 15 minutes: nothing to fix
            log.info("expired confirmation not updated: %s", exc)


async def ask(
    interaction: discord.Interaction,
    summary: str,
    action: Callable[[], Awaitable[str]],
    *,
    confirm_label: str,
    abort_label: str | None = None,
    aborted: str | None = None,
    expired: str | None = None,
    danger: bool = False,
    timeout: float = TIMEOUT,
    refusal: type[Exception] | tuple[type[Exception], ...] = (),
) -> ConfirmView:
    """Show ``summary`` (ephemeral) with the two buttons; ``action`` runs on confirmation
    and returns the French text that replaces the question."""
    view = ConfirmView(
        interaction.user.id,
        action,
        confirm_label=confirm_label,
        abort_label=abort_label,
        aborted=aborted,
        expired=expired,
        danger=danger,
        timeout=timeout,
        refusal=refusal,
    )
    view.interaction = interaction
    await interaction.response.send_message(
        summary, view=view, ephemeral=True, allowed_mentions=NO_PINGS
    )
    return view
