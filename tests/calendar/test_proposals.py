"""Dates of a relayed communication proposed to staff, then added or ignored, once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.calendar import proposals
from bot.calendar import repository as repo
from bot.calendar.model import CalendarError
from bot.models import Document, Post
from bot.relay.pipeline import Pipeline
from bot.settings import Settings
from bot.store.db import Database
from bot.text import Analysis, FoundDate
from bot.timeutil import MONTREAL

from .conftest import NOW, count, snapshot

TODAY = NOW.astimezone(MONTREAL).date()


def found(
    day: str, kind: str, label: str, end: str | None = None, precision: str = "day"
) -> FoundDate:
    return FoundDate(day, end, precision, day, label, kind)  # type: ignore[arg-type]


DATES = [
    found("2027-02-10", "rencontre", "Rencontre du comité de liaison MSSS-CTROC"),
    found("2027-03-01", "periode", "Consultation sur le cadre de référence", end="2027-03-31"),
    found("2027-01-15", "echeance", "Date limite de dépôt des avis"),
    found("2026-10-01", "rencontre", "Rencontre passée"),  # past: not proposed
    found("2027-05", "echeance", "Fin mai", precision="month"),  # month only: not proposed
    found("2027-04-01", "autre", "Entrée en vigueur"),  # not a meeting nor a deadline
]


def pipeline(db: Database, settings: Settings, dates: list[FoundDate]) -> Pipeline:
    async def analyser(doc: Document, reference: date) -> Analysis:
        return Analysis(summary=["Résumé."], dates=dates)

    relay = Pipeline(db, settings, analyser=analyser)
    relay.add_listener(proposals.ProposalListener(settings, clock=lambda: NOW))
    return relay


def document(
    external_id: str = "a1", title: str = "Lettre du MSSS **urgent** @everyone"
) -> Document:
    return Document(
        source_kind="inbox",
        source_name="msss",
        kind="txt",
        title=title,
        text="Texte.",
        external_id=external_id,
    )


async def staff_posts(db: Database) -> list[Post]:
    rows = await db.fetchall("SELECT payload FROM outbox WHERE kind = 'proposal' ORDER BY id")
    return [Post.from_json(r["payload"]) for r in rows]


async def test_future_dated_meetings_and_deadlines_are_proposed_in_the_relay_transaction(
    db: Database, settings: Settings
) -> None:
    result = await pipeline(db, settings, DATES).relay(document())
    rows = await db.fetchall("SELECT * FROM cal_proposals ORDER BY id")
    assert [(r["date"], r["kind"]) for r in rows] == [
        ("2027-02-10", "rencontre"),
        ("2027-03-01", "periode"),
        ("2027-01-15", "echeance"),
    ]
    assert all(r["communication_id"] == result.communication_id for r in rows)
    [post] = await staff_posts(db)
    assert post.channel == "staff" and post.ping_roles == [] and not post.ping_everyone
    description = post.embeds[0].description or ""
    assert "\\*\\*urgent\\*\\*" in description and "@\u200beveryone" in description
    assert "Consultation sur le cadre de référence" in description
    ids = [r["id"] for r in rows]
    assert [b.custom_id for b in post.buttons][:3] == [
        f"cal:prop:{ids[0]}:meeting",
        f"cal:prop:{ids[0]}:deadline",
        f"cal:prop:{ids[0]}:ignore",
    ]
    assert len(post.buttons) == 9
    # The same document again is a duplicate: no second proposal, no second post.
    await pipeline(db, settings, DATES).relay(document())
    assert await count(db, "cal_proposals") == 3 and len(await staff_posts(db)) == 1


async def test_a_communication_without_future_dates_proposes_nothing(
    db: Database, settings: Settings
) -> None:
    await pipeline(db, settings, DATES[3:]).relay(document("b2"))
    assert await count(db, "cal_proposals") == 0 and await staff_posts(db) == []


async def test_many_dates_split_into_posts_of_one_row_per_date(
    db: Database, settings: Settings
) -> None:
    many = [found(f"2027-06-{d:02d}", "rencontre", f"Rencontre {d}") for d in range(1, 21)]
    await pipeline(db, settings, many).relay(document("c3"))
    posts = await staff_posts(db)
    assert [len(p.buttons) for p in posts] == [15, 15, 15, 15]
    # The three choices of a date share its row (Discord shows five rows per message).
    assert [b.row for b in posts[0].buttons] == [r for r in range(5) for _ in range(3)]


async def test_decisions_create_items_once(db: Database, settings: Settings) -> None:
    await pipeline(db, settings, DATES).relay(document())
    gt = await repo.create_delegation(db, "Comité de liaison", "CL", "psoc", now=NOW)
    meeting_p, period_p, deadline_p = [
        r["id"] for r in await db.fetchall("SELECT id FROM cal_proposals ORDER BY id")
    ]
    text = await proposals.decide(
        db, settings, meeting_p, "meeting", by="staff", now=NOW, delegation_id=gt.id
    )
    assert text.startswith("Rencontre ajoutée (n° r")
    [meeting] = await repo.upcoming_meetings(db, now=NOW)
    local = meeting.start.astimezone(MONTREAL)
    assert (local.date(), local.hour, meeting.delegation_ids) == (date(2027, 2, 10), 9, (gt.id,))
    assert meeting.source_communication_id is not None
    assert (
        await count(db, "cal_reminders", f"event_id = {meeting.id} AND event_kind = 'meeting'") == 3
    )

    await proposals.decide(db, settings, period_p, "deadline", by="staff", now=NOW)
    [deadline] = await repo.upcoming_deadlines(db, now=NOW)
    assert deadline.due.astimezone(MONTREAL).date() == date(2027, 3, 31)
    assert deadline.period_start is not None
    assert deadline.period_start.astimezone(MONTREAL).date() == date(2027, 3, 1)
    assert deadline.delegation_id is None

    assert (await proposals.decide(db, settings, deadline_p, "ignore", by="s", now=NOW)).startswith(
        "Date ignorée"
    )
    state = await snapshot(db)
    for proposal_id, action in ((meeting_p, "meeting"), (deadline_p, "deadline"), (999, "ignore")):
        with pytest.raises(CalendarError) as caught:
            await proposals.decide(db, settings, proposal_id, action, by="s", now=NOW)  # type: ignore[arg-type]
        assert "déjà été traitée" in caught.value.message or "introuvable" in caught.value.message
    assert await snapshot(db) == state


async def test_a_proposal_that_became_past_changes_nothing(
    db: Database, settings: Settings
) -> None:
    await pipeline(db, settings, DATES[:1]).relay(document())
    [row] = await db.fetchall("SELECT id FROM cal_proposals")
    state = await snapshot(db)
    later = NOW + timedelta(days=200)
    with pytest.raises(CalendarError, match="passée"):
        await proposals.decide(db, settings, row["id"], "meeting", by="s", now=later)
    assert await snapshot(db) == state
    assert (await proposals.get_proposal(db, row["id"])).status == "pending"  # type: ignore[union-attr]


async def test_proposal_buttons_fit_discords_five_rows_of_five(
    db: Database, settings: Settings
) -> None:
    """Discord refuses a message with more than 5 rows of 5 buttons: each post must fit, and
    every proposal keeps its three buttons in the same post."""
    from bot.discord.views import build_view

    many = [found(f"2027-06-{d:02d}", "rencontre", f"Rencontre {d}") for d in range(1, 28)]
    await pipeline(db, settings, many).relay(document("d4"))
    posts = await staff_posts(db)
    seen: list[str] = []
    for post in posts:
        view = build_view(post.buttons)
        assert view is not None
        rows = view.to_components()
        assert len(rows) <= 5 and all(len(r["components"]) <= 5 for r in rows)
        ids = [c["custom_id"] for r in rows for c in r["components"]]
        assert len(ids) == len(post.buttons)  # nothing cut off
        proposals_here = {i.split(":")[2] for i in ids}
        assert all(sum(i.split(":")[2] == p for i in ids) == 3 for p in proposals_here)
        seen.extend(ids)
    assert len(seen) == 27 * 3 and len(set(seen)) == len(seen)
