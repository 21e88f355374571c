"""The cogs' pure helpers: what staff and members read (no Discord connection needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.announcements import store
from bot.announcements.draft import Draft
from bot.search.index import SearchHit, SearchResult
from bot.search.query import parse_query
from cogs.announcements import channel_choices, history_text, list_text, preview_header
from cogs.search import result_text

WHEN = datetime(2099, 9, 14, 13, 30, tzinfo=UTC)


def hit(n: int, **kw: object) -> SearchHit:
    values: dict[str, object] = {
        "communication_id": n,
        "title": f"Lettre *{n}* [PSOC]",
        "source_name": "msss",
        "at": WHEN,
        "link": f"https://discord.com/channels/1/2/{n}",
        "excerpt": "… le cadre @everyone normatif …",
    }
    values.update(kw)
    return SearchHit(**values)  # type: ignore[arg-type]


def test_result_text_escapes_and_links() -> None:
    text = result_text("cadre", SearchResult(parse_query("cadre"), [hit(1), hit(2, link=None)]))
    assert text.startswith("Résultats pour « cadre » (2)")
    assert "[Lettre \\*1\\* \\[PSOC\\]](<https://discord.com/channels/1/2/1>)" in text
    assert "**2.** Lettre \\*2\\* \\[PSOC\\] —" in text
    assert "<t:4093075800:d>" in text and "msss" in text
    assert "@everyone" not in text  # neutralised in excerpts
    assert len(text) <= 2000


def test_result_text_fits_one_message() -> None:
    many = [hit(i, title="t" * 300, excerpt="e" * 500) for i in range(10)]
    assert len(result_text("x", SearchResult(parse_query("x"), many))) <= 2000


def test_result_text_empty_and_relaxed() -> None:
    assert "Indiquez au moins un mot" in result_text('"*', SearchResult(None, []))
    assert "Aucune communication" in result_text("zut", SearchResult(parse_query("zut"), []))
    relaxed = result_text("a b", SearchResult(parse_query("cadre z"), [hit(1)], relaxed=True))
    assert "au moins un" in relaxed


def test_preview_header_states_time_channels_and_pings() -> None:
    draft = Draft("AG", "x", ["general", "psoc"], ping_roles=["123"], ping_everyone=True)
    text = preview_header(draft, WHEN, parts=2)
    assert "<t:4093075800:F>" in text and "« general », « psoc »" in text
    assert "@everyone" in text and "<@&123>" in text and "2 messages" in text
    plain = preview_header(Draft("AG", "x", ["general"]), None, parts=1)
    assert "@everyone" not in plain and "mentionnant" not in plain


def test_channel_choices_complete_the_last_item() -> None:
    known = {"general": "general", "psoc": "psoc", "staff": "permanence"}
    choices = channel_choices(known, "general, ps")
    assert [c.value for c in choices] == ["general, psoc"]
    assert len(channel_choices(known, "")) == 3


def test_list_and_history_text() -> None:
    assert list_text([]) == "Aucune annonce planifiée."
    item = store.Announcement(
        id=3, title="AG *importante*", body="x", channels=["general"], ping_roles=[],
        ping_everyone=False, due_at=WHEN, status="scheduled", origin="discord",
        author_id="1", author_name="Julie", created_at=WHEN, sent_at=None,
    )
    text = list_text([item])
    assert "n° 3" in text and "AG \\*importante\\*" in text and "Julie" in text
    entry = store.HistoryEntry(3, "AG", "scheduled", "Julie", WHEN, "")
    assert "**Julie** a planifié l’annonce n° 3 « AG »" in history_text([entry])
