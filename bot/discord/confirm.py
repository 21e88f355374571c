"""Confirmations whose buttons say what they do, on the base ``ui.Confirm``.

« Annuler » alone is ambiguous under « Annuler la rencontre ? » (cancel the meeting, or
cancel this question?): the first button names the action (« Annuler la rencontre »,
« Déplacer cette rencontre »), the second the way out (« Ne rien faire »). Time-out, author
check and error handling are those of ``bot.discord.ui`` (« Délai dépassé : rien n’a été
fait », the buttons removed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.discord import ui


class NamedConfirm(ui.Confirm):
    no_key = "confirm.nothing"
    aborted_key = "confirm.aborted"
    expired_key = "confirm.expired"

    def __init__(
        self,
        author_id: int,
        action: Callable[[], Awaitable[str]],
        *,
        confirm_label: str,
        abort_label: str | None = None,
        danger: bool = False,
    ) -> None:
        super().__init__(author_id, action)
        buttons: list[Any] = [c for c in self.children if isinstance(c, discord.ui.Button)]
        yes, no = buttons
        yes.label = confirm_label[:80]
        if danger:
            yes.style = discord.ButtonStyle.danger
        if abort_label:
            no.label = abort_label[:80]


async def ask(
    interaction: discord.Interaction,
    summary: str,
    action: Callable[[], Awaitable[str]],
    *,
    confirm_label: str,
    abort_label: str | None = None,
    danger: bool = False,
) -> NamedConfirm:
    """Show ``summary`` (ephemeral) with the two buttons; ``action`` runs on confirmation and
    returns the French text that replaces the question."""
    view = NamedConfirm(
        interaction.user.id, action, confirm_label=confirm_label, abort_label=abort_label,
        danger=danger,
    )  # fmt: skip
    await view.show(interaction, summary)
    return view


__all__ = ["NamedConfirm", "ask"]
