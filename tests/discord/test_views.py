"""Buttons: serialised from Post.buttons, routed by custom_id prefix."""

from __future__ import annotations

import pytest

from bot.discord.views import ButtonRouter, build_view
from bot.models import Button


async def test_view_carries_the_custom_ids_and_is_not_kept_in_memory() -> None:
    view = build_view([Button("date:1:ok", "Confirmer", "success"), Button("date:1:no", "Non")])
    assert view is not None
    rows = view.to_components()
    ids = [c["custom_id"] for row in rows for c in row["components"]]
    assert ids == ["date:1:ok", "date:1:no"]
    assert rows[0]["components"][0]["style"] == 3  # success
    assert view.is_finished()  # discord.py does not store a finished view per message


async def test_no_buttons_no_view() -> None:
    assert build_view([]) is None


async def test_router_finds_handlers_by_prefix_only() -> None:
    router = ButtonRouter()

    async def handler(interaction: object, custom_id: str) -> None:
        return None

    router.register("date", handler)
    assert router.handler_for("date:7:ok") is handler
    assert router.handler_for("dates:7") is None
    assert router.handler_for("date") is None  # no "prefix:" form: a View's own button
    with pytest.raises(ValueError):
        router.register("date", handler)
    with pytest.raises(ValueError):
        router.register("a:", handler)


async def test_the_longest_route_wins_and_keeps_its_staff_flag() -> None:
    router = ButtonRouter()

    async def members(interaction: object, custom_id: str) -> None:
        return None

    async def staff(interaction: object, custom_id: str) -> None:
        return None

    router.register("cal", members)
    router.register("cal:prop", staff, staff=True)
    assert router.route_for("cal:att:3:present") == (members, False)
    assert router.route_for("cal:prop:9:meeting") == (staff, True)
    assert router.route_for("cal:prop") == (members, False)  # "cal:prop" alone is a cal id
