"""The calendar cog as a package: the commands in ``_cog.py``, the views and modals in
``_ui.py``. The loader finds ``setup`` here."""

from cogs.calendar._cog import CalendarCog, setup

__all__ = ["CalendarCog", "setup"]
