from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.models import Document
from bot.relay.publisher import render_console
from bot.relay.render import (
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    TITLE_MAX,
    cut,
    embed_length,
    escape_markdown,
    render_communication,
)
from bot.text import Analysis, FoundDate
from bot.text.model import DateKind


def _doc(**kw: object) -> Document:
    base: dict[str, object] = {
        "source_kind": "feed",
        "source_name": "MSSS",
        "kind": "rss",
        "title": "Titre",
        "text": "Texte.",
        "external_id": "x",
    }
    base.update(kw)
    return Document(**base)  # type: ignore[arg-type]


def day(on: str, text: str, label: str, kind: DateKind) -> FoundDate:
    """A date found to the day, as the analysis gives it."""
    return FoundDate(date=on, end=None, precision="day", text=text, label=label, kind=kind)


def test_escape_makes_pings_and_markdown_inert() -> None:
    text = escape_markdown("@everyone @here <@&123> <@456> **gras** [lien](https://x) RQ-ACA")
    assert "@everyone" not in text and "@here" not in text
    assert "<@&123>" not in text and "<@456>" not in text
    assert "\\*\\*gras\\*\\*" in text and "\\[lien\\]" in text
    assert "RQ-ACA" in text  # a hyphen inside a word stays as it is


def test_escape_line_start_markup() -> None:
    assert escape_markdown("# titre\n> cite\n- puce") == "\\# titre\n\\> cite\n\\- puce"


def test_cut_prefers_sentence_end() -> None:
    text = "Première phrase complète. " * 10 + "Fin"
    out = cut(text, 60)
    assert len(out) <= 60 and out.endswith(".")
    assert cut("court", 60) == "court"
    long_word = "a" * 100
    assert len(cut(long_word, 50)) <= 50


def test_hostile_title_is_escaped_and_limits_hold(tmp_path: Path) -> None:
    title = "@everyone <@&42> " + "Titre très long " * 40
    summary = ["Phrase " + "x" * 900 + "."] * 8
    dates = [
        day("2026-12-11", "11 décembre 2026", "Fin de la consultation " + "y" * 300, "echeance")
        for _ in range(10)
    ]
    post = render_communication(
        _doc(title=title, link="javascript:alert(1)", categories=["PSOC"] * 40),
        Analysis(summary=summary, dates=dates),
        channel="msss",
        communication_id=7,
        today=date(2026, 11, 22),
    )
    embed = post.embeds[0]
    assert embed.title is not None and len(embed.title) <= TITLE_MAX
    assert "@everyone" not in embed.title and "<@&42>" not in embed.title
    assert embed.url is None  # only http(s) links are linked
    assert embed.description is not None and len(embed.description) <= DESCRIPTION_MAX
    assert all(len(f.value) <= 1024 for f in embed.fields)
    assert embed_length(embed) <= EMBED_TOTAL_MAX
    assert post.ping_roles == [] and not post.ping_everyone
    assert post.buttons[0].custom_id == "follow:take:7"


def test_dates_to_remember_future_first() -> None:
    past = day("2026-01-05", "5 janvier", "Passé", "autre")
    soon = day("2026-12-01", "1er décembre", "Bientôt", "rencontre")
    later = day("2027-02-01", "1er février", "Plus tard", "echeance")
    post = render_communication(
        _doc(),
        Analysis(summary=["Résumé."], dates=[later, past, soon]),
        channel="general",
        communication_id=1,
        today=date(2026, 11, 22),
    )
    field = next(f for f in post.embeds[0].fields if f.name == "Dates à retenir")
    lines = field.value.splitlines()
    assert [line.split("— ")[1] for line in lines] == ["Bientôt", "Plus tard", "Passé"]
    assert "<t:" in lines[0]


def test_console_rendering_is_readable() -> None:
    found = day("2027-09-14", "14 septembre", "Première rencontre du groupe de travail", "rencontre")
    post = render_communication(
        _doc(title="Lettre *importante*", published=datetime(2027, 6, 28, tzinfo=UTC)),
        Analysis(summary=["Le groupe de travail se réunira."], dates=[found]),
        channel="general",
        communication_id=1,
        today=date(2027, 6, 28),
    )
    shown = render_console(post, "general")
    assert "#general" in shown and "Lettre *importante*" in shown
    assert "mardi 14 septembre 2027" in shown and "<t:" not in shown
    assert "[Pris en charge]" in shown


def test_original_and_attachments_attached_within_discord_limit(tmp_path: Path) -> None:
    small = tmp_path / "lettre.eml"
    small.write_bytes(b"x" * 1000)
    annex = tmp_path / "annexe.pdf"
    annex.write_bytes(b"y" * 2000)
    huge = tmp_path / "rapport.pdf"
    with huge.open("wb") as handle:  # sparse: 11 MiB without writing them
        handle.truncate(11 * 1024 * 1024)
    doc = _doc(
        source_kind="inbox", source_name="inbox", kind="eml", original_path=small,
        attachments=[
            _doc(source_kind="inbox", kind="pdf", title="annexe.pdf", original_path=annex),
            _doc(source_kind="inbox", kind="pdf", title="rapport.pdf", original_path=huge),
        ],
    )
    post = render_communication(
        doc, Analysis(summary=["Résumé."]), channel="general", communication_id=3,
        today=date(2026, 11, 22),
    )
    assert post.files == [str(small), str(annex)]
    values = " ".join(f.value for f in post.embeds[0].fields)
    assert "rapport.pdf (11,5 Mo)" in values  # 11 MiB, in the decimal units people read
    assert post.embeds[0].author == "Boîte de dépôt"


def test_dates_sharing_a_label_share_a_line() -> None:
    label = "Deux séances d’information virtuelles sont offertes"
    dates = [
        day(f"2026-12-0{d}", f"{d} décembre", label, "rencontre") for d in (3, 8)
    ]
    post = render_communication(
        _doc(), Analysis(summary=["Résumé."], dates=dates), channel="general",
        communication_id=1, today=date(2026, 11, 22),
    )
    field = next(f for f in post.embeds[0].fields if f.name == "Dates à retenir")
    assert len(field.value.splitlines()) == 1
    assert field.value.count("<t:") == 2 and field.value.endswith(label)
