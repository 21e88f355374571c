"""The calendar cog as a package: the commands in ``_cog.py``, the views and modals in
``_ui.py``. The loader finds ``setup`` here."""

from typing import Any

from cogs.calendar._cog import CalendarCog
from cogs.calendar._members import MembersCog, setup_members

__all__ = ["CalendarCog", "MembersCog", "setup"]


async def setup(bot: Any) -> None:
    cog = CalendarCog(bot)
    await bot.add_cog(cog)
    await setup_members(bot, cog.calendar_group)
