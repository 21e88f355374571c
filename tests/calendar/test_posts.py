"""Calendar posts: escaping of untrusted titles, listing limits, deadline wording."""

from __future__ import annotations

from datetime import timedelta

from bot.calendar.model import Deadline, Delegation, Meeting
from bot.calendar.posts import deadline_reminder_post, meeting_reminder_posts

from .conftest import NOW

GT = Delegation(1, "Groupe **PSOC**", "GT", "psoc")


def make_meeting(title: str, **extra: object) -> Meeting:
    values: dict[str, object] = {
        "id": 7, "title": title, "start": NOW + timedelta(days=2),
        "end": NOW + timedelta(days=2, hours=2), "place": None, "video_link": None,
        "notes": None, "status": "scheduled", "source_communication_id": None,
        "preparatory_id": None, "debrief_id": None, "discord_event_id": None, "sequence": 0,
        "delegation_ids": (1,),
    }  # fmt: skip
    values.update(extra)
    return Meeting(**values)  # type: ignore[arg-type]


def test_untrusted_text_neither_pings_nor_formats() -> None:
    meeting = make_meeting(
        "Rencontre @everyone **urgent** [clic](https://x.example)",
        place="<@123> salle #2",
        video_link="javascript:alert(1)",
    )
    [post] = meeting_reminder_posts(meeting, [GT], late=False)
    assert post.ping_roles == ["GT"] and not post.ping_everyone
    assert "@\u200beveryone" in post.content and "\\*\\*urgent\\*\\*" in post.content
    assert "\\[clic\\]" in post.content
    fields = {f.name: f.value for f in post.embeds[0].fields}
    # bot.safe_text, like every post: the mention is broken, a mid-line « # » is no heading.
    assert fields["Lieu"] == "<@\u200b123> salle #2"
    assert "Lien de la rencontre" not in fields and post.embeds[0].url is None
    assert fields["Délégation(s)"] == "Groupe \\*\\*PSOC\\*\\*"


def test_deadline_reminder_on_the_day_says_today() -> None:
    deadline = Deadline(
        3, "Dépôt", NOW + timedelta(hours=3), None, None, None, "scheduled", None, 0
    )
    post = deadline_reminder_post(deadline, None, late=False, now=NOW)
    assert post.content.startswith("Échéance aujourd’hui : **Dépôt**")
    assert post.channel == "general" and post.ping_roles == []
    later = deadline_reminder_post(deadline, GT, late=False, now=NOW - timedelta(days=1))
    assert later.content.startswith("Rappel d’échéance") and later.channel == "psoc"


def test_long_listings_are_paged_not_cut() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.calendar.posts import agenda_pages

    start = datetime(2027, 1, 4, 15, tzinfo=UTC)
    items = [(start + timedelta(days=i), f"• Rencontre n° {i} " + "x" * 80) for i in range(120)]
    pages = agenda_pages(items, heading="Rencontres", empty="Rien.")
    assert len(pages) > 3 and all(len(p) <= 2000 for p in pages)
    assert all(p.startswith("**Rencontres**") for p in pages)
    assert pages[-1].endswith(f"Page {len(pages)} sur {len(pages)}")
    shown = [line for p in pages for line in p.splitlines() if line.startswith("• Rencontre")]
    assert len(shown) == 120  # nothing dropped
