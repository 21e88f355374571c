"""bot.safe_text: untrusted text inert wherever it is shown."""

from __future__ import annotations

import io

from bot import safe_text
from bot.models import Embed, Post
from bot.relay.publisher import ConsolePublisher

HOSTILE = (
    "Avis\u202eexe.fdp\u202c @everyone <@&123> **gras** \x1b[31mrouge\x1b[0m\x07 z\u200bw\ufeff"
)


def test_controls_bidi_and_zero_width_are_stripped() -> None:
    clean = safe_text.strip_controls(HOSTILE)
    for bad in ("\u202e", "\u202c", "\x1b", "\x07", "\u200b", "\ufeff", "\u2066"):
        assert bad not in clean
    assert "Avisexe.fdp" in clean
    assert safe_text.strip_controls("a\r\nb\x85c\u2067d\u2069") == "a\nbcd"
    assert safe_text.strip_controls("👩\u200d💻") == "👩\u200d💻"  # joiners kept


def test_inline_is_one_escaped_line_that_pings_nobody() -> None:
    shown = safe_text.inline("Titre\n# faux\n**gras** @here <#42>" + "x" * 500, 120)
    assert "\n" not in shown and len(shown) <= 120
    assert "\\*\\*gras\\*\\*" in shown
    assert "@\u200bhere" in shown and "<#\u200b42>" in shown


def test_split_respects_the_limit_and_never_cuts_an_escape() -> None:
    text = safe_text.escape_markdown("*" * 5000)
    pieces = safe_text.split(text, 2000)
    assert all(len(p) <= 2000 for p in pieces)
    assert all(not p.endswith("\\") for p in pieces)
    assert "".join(pieces) == text
    assert safe_text.split("court", 2000) == ["court"]


def test_for_terminal_removes_escape_sequences() -> None:
    assert safe_text.for_terminal("a\x1b]0;titre\x07b\x1b[2Jc\td\n") == "abc\td\n"


def test_console_output_is_inert() -> None:
    stream = io.StringIO()
    publisher = ConsolePublisher({"general": "123"}, stream=stream)
    post = Post(channel="general", embeds=[Embed(title=safe_text.inline(HOSTILE), description="")])
    import asyncio

    asyncio.run(publisher.publish(post, "nonce"))
    out = stream.getvalue()
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


def test_fit_lines_keeps_whole_lines_and_says_how_many_were_left_out() -> None:
    lines = ["En-tête", "a" * 10, "b" * 10, "c" * 10]
    assert safe_text.fit_lines(lines, 100) == "\n".join(lines)
    assert safe_text.fit_lines(lines, 29) == "En-tête\n" + "a" * 10 + "\n" + "b" * 10  # exactly 29
    assert safe_text.fit_lines(lines, 28, lambda n: f"… et {n} autres") == (
        "En-tête\n" + "a" * 10 + "\n… et 2 autres"
    )
    assert safe_text.fit_lines(["x" * 50, "y"], 10) == "x" * 50  # the first line, whatever its length
    assert safe_text.fit_lines([], 10) == ""
