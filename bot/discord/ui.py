"""Base classes for the cogs' views and modals: one way to fail, one way to expire.

- ``View``: errors of its items go to the one handler (``bot.discord.errors.report``); on
  time-out, the message it was shown with says it expired (``expired_text``) and loses its
  buttons, so a late click never meets Discord's generic « Échec de l'interaction »; only its
  author may use it (``author_id``), and ``staff=True`` refuses other members with the refusal
  of its kind of item (button or select).
- ``Modal``: errors of ``on_submit`` go to the one handler.
- ``Confirm``: Confirmer / Annuler under a summary; the action's ``RelaisError`` is shown in
  place of the summary, as is (``answer_in_place``, for any item whose answer replaces its
  message).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import discord

from bot.discord.checks import require_staff
from bot.discord.errors import NotStaff, explain, report, send_ephemeral
from bot.discord.slash import reply
from bot.messages import t

log = logging.getLogger(__name__)


class View(discord.ui.View):
    TIMEOUT: ClassVar[float] = 300.0
    expired_key: ClassVar[str] = "discord.view.expired"

    def __init__(
        self, *, author_id: int | None = None, staff: bool = False, timeout: float | None = None
    ) -> None:
        super().__init__(timeout=self.TIMEOUT if timeout is None else timeout)
        self.author_id = author_id
        self.staff = staff
        self.origin: discord.Interaction | None = None  # the interaction that showed it

    async def show(self, interaction: discord.Interaction, content: str, **kwargs: Any) -> None:
        """Send as the (ephemeral) answer to ``interaction``, remembered for the time-out."""
        self.origin = interaction
        await reply(interaction, content, view=self, **kwargs)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        data: dict[str, Any] = dict(interaction.data or {})
        kind = "select" if data.get("component_type") == 3 else "button"
        if self.staff:
            require_staff(interaction, kind)  # NotStaff: answered by on_error
        if self.author_id is not None and interaction.user.id != self.author_id:
            await send_ephemeral(interaction, t("discord.error.not_yours"))
            return False
        return True

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        if not isinstance(error, NotStaff):
            self.stop()
        await report(interaction, error, f"{type(self).__name__} ({type(item).__name__})")

    async def on_timeout(self) -> None:
        if self.origin is None:
            return
        with contextlib.suppress(discord.HTTPException):
            await self.origin.edit_original_response(
                content=t(self.expired_key), embeds=[], view=None
            )


class Modal(discord.ui.Modal):
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception
    ) -> None:
        await report(interaction, error, f"modal {type(self).__name__}")


async def answer_in_place(
    interaction: discord.Interaction, action: Callable[[], Awaitable[str]], where: str
) -> bool:
    """Run ``action`` and show its answer in place of the message whose item was used (its
    items removed); a failure shows what the one handler would say (``explain``: a
    ``RelaisError`` as is). True when the action succeeded."""
    try:
        text, done = await action(), True
    except Exception as exc:
        text, done = explain(exc, where), False
    await interaction.response.edit_message(content=text, embeds=[], view=None)
    return done


class Confirm(View):
    """Confirmer / Annuler; the texts are class attributes (catalog keys) of each feature.

    ``working_key``: for an action that may outlast the 3 seconds Discord waits (an import),
    the click is answered at once with this text (buttons gone) and the outcome follows in
    a message of its own."""

    yes_key: ClassVar[str] = "discord.confirm.yes"
    no_key: ClassVar[str] = "discord.confirm.no"
    aborted_key: ClassVar[str] = "discord.confirm.aborted"
    working_key: ClassVar[str | None] = None

    def __init__(self, author_id: int, action: Callable[[], Awaitable[str]]) -> None:
        super().__init__(author_id=author_id)
        self.action = action
        yes: discord.ui.Button[Confirm] = discord.ui.Button(
            label=t(self.yes_key), style=discord.ButtonStyle.success
        )
        no: discord.ui.Button[Confirm] = discord.ui.Button(
            label=t(self.no_key), style=discord.ButtonStyle.secondary
        )
        yes.callback = self._yes  # type: ignore[method-assign]
        no.callback = self._no  # type: ignore[method-assign]
        self.add_item(yes)
        self.add_item(no)

    async def _yes(self, interaction: discord.Interaction) -> None:
        self.stop()
        where = f"{type(self).__name__}: confirmed action"
        if self.working_key is None:
            await answer_in_place(interaction, self.action, where)
            return
        await interaction.response.edit_message(content=t(self.working_key), embeds=[], view=None)
        try:
            text = await self.action()
        except Exception as exc:
            text = explain(exc, where)
        await reply(interaction, text)

    async def _no(self, interaction: discord.Interaction) -> None:
        self.stop()
        await interaction.response.edit_message(content=t(self.aborted_key), embeds=[], view=None)
