"""Who may use staff features: members holding the configured staff role.

One check, three places: a staff command group (``StaffGroup.interaction_check``, before any
of its commands runs), a button route registered with ``staff=True`` (``ButtonRouter``), and a
view built with ``staff=True`` (``bot.discord.ui.View``). Each refuses with the sentence of its
kind of interaction (command, button, select), through the one error handler.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.discord.errors import NotStaff
from bot.discord.i18n import L

DEFAULT_STAFF_ROLE = "Permanence"


def is_staff(member: discord.abc.User, staff_role: str) -> bool:
    """``staff_role`` is a role name or id (relais.toml ``[relais] staff_role``).

    Administrators pass too: they can give themselves the role anyway, and a server whose
    role was renamed must not lock its owners out of ``/relais etat``.
    """
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.administrator:
        return True
    wanted = staff_role.strip().lstrip("@")
    for role in member.roles:
        if (
            str(role.id) == wanted
            or role.name == wanted
            or role.name.casefold() == wanted.casefold()
        ):
            return True
    return False


def staff_role_of(interaction: discord.Interaction[Any]) -> str:
    app = getattr(interaction.client, "app", None)
    return app.settings.config.relais.staff_role if app is not None else DEFAULT_STAFF_ROLE


def require_staff(interaction: discord.Interaction[Any], kind: str = "command") -> None:
    """Raise ``NotStaff`` (answered by the one handler) unless the user is staff."""
    role = staff_role_of(interaction)
    if not is_staff(interaction.user, role):
        raise NotStaff(role, kind)


class StaffGroup(app_commands.Group, guild_only=True):
    """A command group whose every command is for staff only, in the server (never in DMs:
    the staff role is the server's).

    No ``default_permissions``: Discord would then hide the group from staff without "Manage
    Server" (and a bot cannot grant per-role command permissions). The group is visible to
    everyone and this check, on the configured staff role, is what protects it; an admin may
    narrow visibility in Server Settings → Integrations (README).

    ``key``: the group's name in the catalog (``key``, described by ``key.desc``).
    """

    def __init__(self, key: str | None = None, **kwargs: Any) -> None:
        if key is not None:
            kwargs.setdefault("name", L(key))
            kwargs.setdefault("description", L(f"{key}.desc"))
        super().__init__(**kwargs)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        require_staff(interaction)
        return True
