"""Full-text search over a real SQLite store (FTS5 kept in sync by triggers)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.search.index import search, sources
from bot.store.db import Database
from tests.announcements.conftest import add_communication

LETTER = (
    "Madame la Ministre, nous souhaitons vous faire part de nos préoccupations quant au "
    "cadre normatif applicable aux organismes communautaires. La rencontre élargie du "
    "comité de liaison se tiendra le 14 septembre."
)
BULLETIN = (
    "Info-PSOC : la période de reddition de comptes débute le 1er avril. Les établissements "
    "transmettront les formulaires d'ici la fin du mois."
)
NEWS = "Le ministère annonce un financement rehaussé pour la santé mentale des jeunes."


@pytest.fixture
async def filled(db: Database) -> dict[str, int]:
    return {
        "letter": await add_communication(
            db, title="Lettre à la ministre", text=LETTER, source_name="boite",
            published=datetime(2023, 6, 28, tzinfo=UTC), sent_url="https://discord.test/c/1",
        ),
        "bulletin": await add_communication(
            db, title="Info-PSOC janvier", text=BULLETIN, source_name="msss",
            summary=["Un échéancier est proposé aux organismes."],
            published=datetime(2018, 1, 4, tzinfo=UTC),
        ),
        "news": await add_communication(
            db, title="Santé mentale : financement", text=NEWS, source_name="msss",
            published=datetime(2024, 3, 1, tzinfo=UTC),
        ),
    }


@pytest.mark.parametrize("typed", ["rencontre élargie", "rencontre elargie", "RENCONTRE ÉLARGIE"])
async def test_accent_and_case_insensitive(
    db: Database, filled: dict[str, int], typed: str
) -> None:
    result = await search(db, typed)
    assert [h.communication_id for h in result.hits] == [filled["letter"]]


async def test_finds_with_or_without_accents(db: Database, filled: dict[str, int]) -> None:
    for typed in ("préoccupations normatif", "preoccupations NORMATIF"):
        result = await search(db, typed)
        assert [h.communication_id for h in result.hits] == [filled["letter"]]
        assert result.relaxed is False
    hit = (await search(db, "cadre normatif")).hits[0]
    assert hit.link == "https://discord.test/c/1"  # its Discord post, not the original
    assert hit.source_name == "boite"
    assert hit.at == datetime(2023, 6, 28, tzinfo=UTC)
    assert "normatif" in hit.excerpt


async def test_title_ranks_first(db: Database, filled: dict[str, int]) -> None:
    await add_communication(db, title="Divers", text="Un mot sur la santé mentale, en passant.")
    hits = (await search(db, "sante mentale")).hits
    assert hits[0].communication_id == filled["news"]
    assert len(hits) == 2


async def test_summary_is_searched(db: Database, filled: dict[str, int]) -> None:
    hits = (await search(db, "echeancier")).hits
    assert [h.communication_id for h in hits] == [filled["bulletin"]]


@pytest.mark.parametrize(
    "typed",
    ['"cadre normatif', "normatif*", "cadre NEAR normatif", "((cadre normatif",
     "cadre) OR (", "title:cadre", "cadre^ -normatif", "NOT cadre normatif AND"],
)
async def test_fts_syntax_is_plain_text(db: Database, filled: dict[str, int], typed: str) -> None:
    result = await search(db, typed)  # must not raise an FTS5 syntax error
    assert filled["letter"] in [h.communication_id for h in result.hits]


async def test_nothing_searchable(db: Database, filled: dict[str, int]) -> None:
    result = await search(db, '"*()')
    assert result.query is None and result.hits == []


async def test_relaxed_when_no_document_has_all_words(
    db: Database, filled: dict[str, int]
) -> None:
    result = await search(db, "normatif licorne")
    assert result.relaxed is True
    assert [h.communication_id for h in result.hits] == [filled["letter"]]


async def test_filters_source_and_since(db: Database, filled: dict[str, int]) -> None:
    assert [h.communication_id for h in (await search(db, "avril OR mentale", "msss")).hits]
    only_msss = await search(db, "ministre ministère", source="MSSS")
    assert {h.source_name for h in only_msss.hits} <= {"msss"}
    recent = await search(db, "financement", since=datetime(2024, 1, 1, tzinfo=UTC))
    assert [h.communication_id for h in recent.hits] == [filled["news"]]
    old = await search(db, "financement", since=datetime(2025, 1, 1, tzinfo=UTC))
    assert old.hits == []
    assert set(await sources(db)) == {"boite", "msss"}


async def test_index_follows_updates_and_deletes(db: Database, filled: dict[str, int]) -> None:
    await db.execute(
        "UPDATE communications SET text = 'Texte remplacé : covoiturage' WHERE id = ?",
        (filled["news"],),
    )
    assert [h.communication_id for h in (await search(db, "covoiturage")).hits] == [filled["news"]]
    assert (await search(db, "rehaussé")).hits == []
    await db.execute("DELETE FROM outbox WHERE communication_id = ?", (filled["news"],))
    await db.execute("DELETE FROM communications WHERE id = ?", (filled["news"],))
    assert (await search(db, "covoiturage")).hits == []
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO communications_fts(communications_fts) "
                           "VALUES ('integrity-check')")


async def test_very_common_words_show_recent_text_matches(
    db: Database, filled: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.search.index as module

    newer = await add_communication(db, title="Divers", text="Le cadre, encore le cadre.")
    monkeypatch.setattr(module, "RANK_ALL_MAX", 0)
    hits = (await search(db, "cadre")).hits
    # No title holds « cadre »: the full-text stage lists the most recent first.
    assert [h.communication_id for h in hits] == [newer, filled["letter"]]


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Le reseau des groupes communautaires", "réseau"),  # typed with, stored without
        ("Le réseau des groupes communautaires", "reseau"),  # typed without, stored with
        ("Bilan des ecoles et des CPE", "ÉCOLES"),
        ("Bilan des ÉCOLES et des CPE", "ecoles"),
        ("Un organisme francais", "français"),  # cedilla
        ("Une aînée en hébergement", "ainee hebergement"),
    ],
)
async def test_accents_ignored_both_ways(db: Database, stored: str, typed: str) -> None:
    other = await add_communication(db, title="Autre", text="Rien à voir avec la question.")
    wanted = await add_communication(db, title="Bulletin", text=stored)
    hits = [h.communication_id for h in (await search(db, typed)).hits]
    assert hits == [wanted] and other not in hits


async def test_source_filter_matches_kind_or_name_and_since_uses_relay_date(
    db: Database,
) -> None:
    inbox = await add_communication(db, title="Courriel", text="Le cadre normatif.",
                                    source_name="inbox/psoc")
    feed = await add_communication(db, title="Flux", text="Le cadre normatif.",
                                   source_name="msss", created_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert [h.communication_id for h in (await search(db, "cadre", source="inbox/psoc")).hits] \
        == [inbox]
    # A source kind (every helper-made row is a « feed ») takes every source of that kind.
    by_kind = await search(db, "cadre", source="FEED")
    assert {h.communication_id for h in by_kind.hits} == {feed, inbox}
    assert (await search(db, "cadre", source="ctroc")).hits == []
    # Without a published date, « depuis » reads the day it was relayed.
    since = datetime(2021, 1, 1, tzinfo=UTC)
    assert [h.communication_id for h in (await search(db, "cadre", since=since)).hits] == [inbox]
