"""Who may run staff commands: members holding the configured staff role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.discord.errors import NotStaff

T = TypeVar("T")


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


def staff_only() -> Callable[[T], T]:
    """App-command check; pair it with ``@app_commands.default_permissions(manage_guild=True)``
    so Discord hides the command from others, while this check is what actually protects it."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        app = getattr(interaction.client, "app", None)
        staff_role = app.settings.config.relais.staff_role if app is not None else "Permanence"
        if is_staff(interaction.user, staff_role):
            return True
        raise NotStaff(staff_role)

    return app_commands.check(predicate)
