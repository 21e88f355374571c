"""Pieces of `/relais etat` that do not need Discord."""

from __future__ import annotations

from datetime import timedelta

from cogs.admin import format_uptime


def test_uptime_reads_in_french() -> None:
    assert format_uptime(timedelta(seconds=59)) == "0 min"
    assert format_uptime(timedelta(minutes=75)) == "1 h 15 min"
    assert format_uptime(timedelta(days=2, hours=3, minutes=4, seconds=30)) == "2 j 3 h 4 min"
