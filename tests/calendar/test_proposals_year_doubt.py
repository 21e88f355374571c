"""Issue 12: a date whose year was inferred with doubt is proposed with « année déduite »."""

from __future__ import annotations

from datetime import date

from bot.calendar import proposals
from bot.models import Document, Post
from bot.relay.pipeline import Pipeline
from bot.settings import Settings
from bot.store.db import Database
from bot.text import Analysis, FoundDate

from .conftest import NOW


async def test_the_staff_proposal_says_when_the_year_was_inferred(
    db: Database, settings: Settings
) -> None:
    dates = [
        FoundDate(
            "2027-02-10",
            None,
            "day",
            "10 février",
            "Rencontre du comité",
            "rencontre",
            year_from="nearest",
            doubtful=True,
        ),
        FoundDate("2027-03-15", None, "day", "15 mars 2027", "Dépôt des avis", "echeance"),
    ]

    async def analyser(doc: Document, reference: date) -> Analysis:
        return Analysis(summary=["Résumé."], dates=dates)

    relay = Pipeline(db, settings, analyser=analyser)
    relay.add_listener(proposals.ProposalListener(settings, clock=lambda: NOW))
    doc = Document(
        source_kind="inbox", source_name="msss", kind="txt", title="Lettre", text="Texte.",
        external_id="doubt-1",
    )  # fmt: skip
    await relay.relay(doc)
    rows = await db.fetchall("SELECT date, year_doubt FROM cal_proposals ORDER BY id")
    assert [(r["date"], r["year_doubt"]) for r in rows] == [("2027-02-10", 1), ("2027-03-15", 0)]
    (row,) = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'proposal'")
    lines = (Post.from_json(row["payload"]).embeds[0].description or "").splitlines()
    meeting = next(line for line in lines if "Rencontre du comité" in line)
    deposit = next(line for line in lines if "Dépôt des avis" in line)
    assert "année déduite" in meeting
    assert "année déduite" not in deposit
    stored = await proposals.get_proposal(db, 1)
    assert stored is not None and stored.doubtful
