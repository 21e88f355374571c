"""The calendar in members' hands, end to end through the fake Discord: staff create a
recurring meeting, it is announced to the delegation, a member answers and subscribes, one
occurrence is moved, the ICS served over HTTP shows it (parsed by icalendar), and a personal
reminder by direct message arrives once across a restart."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import icalendar
import pytest

from bot.calendar import actions
from bot.calendar import repository as repo
from bot.calendar.offsets import parse_offset
from bot.timeutil import MONTREAL, utc_now
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.harness import TEST_CONFIG, RelaisHarness
from tests.helpers import wait_until

CONFIG = TEST_CONFIG + '\n[reminders]\nmeetings = ["J-1"]\n\n[web]\nlisten = "127.0.0.1:0"\n'


@pytest.fixture
async def relais(fake_discord: FakeDiscord, tmp_path: Path) -> AsyncIterator[RelaisHarness]:
    harness = RelaisHarness.create(fake_discord, tmp_path, config_toml=CONFIG, with_services=True)
    try:
        yield harness
    finally:
        await harness.__aexit__(None, None, None)


async def submit(fake: FakeDiscord, opened: str, values: dict[str, str], member: Any) -> str:
    modal = await fake.wait_response(opened)
    assert modal["type"] == 9, modal
    return await fake.submit_modal(opened, values, member=member)


async def click_first(fake: FakeDiscord, interaction_id: str, member: Any, label: str) -> str:
    [message] = await fake.wait_responses(interaction_id)
    yes, no = message.buttons()
    assert (yes["label"], no["label"]) == (label, "Ne rien faire")
    done = await fake.wait_response(
        await fake.click_button(yes["custom_id"], message=message, member=member)
    )
    return str(done["data"]["content"])


async def fetch_ics(url: str, etag: str | None = None) -> tuple[int, bytes, str]:
    headers = {"If-None-Match": etag} if etag else {}
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as answer:
        return answer.status, await answer.read(), answer.headers.get("ETag", "")


async def test_recurring_meeting_announced_answered_subscribed_moved_and_served(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    everyone = fake.roles[fake.guild_id]
    everyone.permissions = str(int(everyone.permissions) | (1 << 33))  # manage events
    await relais.start()
    assert relais.app is not None
    db = relais.app.db
    role = fake.role_named("Comité PSOC")
    delegation = await repo.create_delegation(
        db, "Comité de liaison", role.id, "psoc", now=utc_now()
    )
    staff = fake.add_member("Permanente", roles=["Permanence"])
    member = fake.add_member("Marie Tremblay", roles=["Comité PSOC"])
    outsider = fake.add_member("Curieux")

    # Staff: a series « le 3e mardi du mois », started from a typed day that is not one.
    year = utc_now().astimezone(MONTREAL).year + 1
    opened = await fake.invoke_command(
        "calendrier ajouter-rencontre",
        {"delegation": "Comité de liaison", "recurrence": "le 3e mardi du mois, 6 fois",
         "rappels": "J-2,H-1"},
        member=staff,
    )  # fmt: skip
    submitted = await submit(
        fake, opened,
        {"Titre": "Comité de liaison MSSS", "Début": f"{year}-01-01 9 h 30", "Fin": "11 h 30"},
        staff,
    )  # fmt: skip
    [preview] = await fake.wait_responses(submitted)
    assert "le 3e mardi du mois, 6 fois" in preview.content and "J-2, H-1" in preview.content
    assert "Rencontre ajoutée" in await click_first(fake, submitted, staff, "Ajouter la rencontre")
    [meeting] = await repo.upcoming_meetings(db, now=utc_now(), until=None)
    assert meeting.rrule == "FREQ=MONTHLY;BYDAY=3TU;COUNT=6"
    first = meeting.start.astimezone(MONTREAL)
    assert (first.month, first.weekday(), 15 <= first.day <= 21) == (1, 1, True)
    # Mirrored as a Discord scheduled event: its next occurrence.
    [event] = fake.scheduled_events.values()
    assert event["scheduled_start_time"].startswith(meeting.start.strftime("%Y-%m-%dT%H:%M"))
    assert (first.hour, first.minute) == (9, 30)

    # Announced to the delegation's channel at once: the role pinged once, a timestamp,
    # the answer buttons for the first occurrence.
    await wait_until(
        lambda: any("Nouvelle rencontre" in m.content for m in fake.messages_in("psoc"))
    )
    [announce] = [m for m in fake.messages_in("psoc") if "Nouvelle rencontre" in m.content]
    assert announce.content.count(f"<@&{role.id}>") == 1 and announce.pings() == {f"role:{role.id}"}
    assert re.search(r"<t:\d+:F>", announce.content)
    first_ts = int(meeting.start.timestamp())
    assert [b["custom_id"] for b in announce.buttons()] == [
        f"cal:att:{meeting.id}:{s}:{first_ts}" for s in ("present", "absent", "uncertain")
    ]

    # A member answers; staff see it in the tally of that occurrence.
    answer = await fake.wait_response(
        await fake.click_button(announce.buttons()[0]["custom_id"], message=announce, member=member)
    )
    assert answer["data"]["content"].startswith("C’est noté : Présent·e")
    rows = await db.fetchall("SELECT user_id, occurrence, status FROM cal_attendance")
    assert [(r["user_id"], r["status"]) for r in rows] == [(member["user"]["id"], "present")]
    tally = await fake.invoke_command(
        "calendrier presences", {"element": f"r{meeting.id}"}, member=staff
    )
    [shown] = await fake.wait_responses(tally)
    assert "Marie Tremblay" in shown.content and shown.ephemeral
    # Ids are offered as staff type (« r12 · Comité de liaison MSSS · série »).
    choices = await fake.wait_response(
        await fake.invoke_command(
            "calendrier presences", {"element": "liaison"}, member=staff, focused="element"
        )
    )
    assert [c["value"] for c in choices["data"]["choices"]] == [f"r{meeting.id}"]

    # The member subscribes: ephemeral links, the public one and their delegation's.
    asked = await fake.invoke_command("calendrier abonnement", member=member)
    [links] = await fake.wait_responses(asked)
    assert links.ephemeral
    urls = re.findall(r"<(http://[^>]+\.ics)>", links.content)
    assert len(urls) == 2 and "Comité de liaison" in links.content
    delegation_url = urls[1]
    status, body, etag = await fetch_ics(delegation_url)
    assert status == 200
    [master] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert master["RRULE"]["BYDAY"] == ["3TU"] and master["RRULE"]["COUNT"] == [6]
    assert (await fetch_ics(delegation_url, etag))[0] == 304
    # Nothing of this private delegation in the public feed.
    public = (await fetch_ics(urls[0]))[1]
    assert b"Comit" not in public and not icalendar.Calendar.from_ical(public).walk("VEVENT")
    # Someone outside the delegation gets the public link only.
    other = await fake.invoke_command("calendrier abonnement", member=outsider)
    [other_links] = await fake.wait_responses(other)
    assert re.findall(r"<(http://[^>]+\.ics)>", other_links.content) == urls[:1]

    # Staff move the second occurrence; the delegation is told, the feed shows it.
    second = meeting.start.astimezone(MONTREAL) + timedelta(days=28)
    while second.weekday() != 1 or not 15 <= second.day <= 21:
        second += timedelta(days=7)
    moved = await fake.invoke_command(
        "calendrier deplacer",
        {"element": f"r{meeting.id}", "date": second.strftime("%Y-%m-%d"),
         "nouvelle": (second + timedelta(days=2)).strftime("%Y-%m-%d") + " 13 h"},
        member=staff,
    )  # fmt: skip
    assert "Déplacée" in await click_first(fake, moved, staff, "Déplacer cette rencontre")
    await wait_until(
        lambda: any("Rencontre déplacée" in m.content for m in fake.messages_in("psoc"))
    )
    status, body, new_etag = await fetch_ics(delegation_url, etag)
    assert status == 200 and new_etag != etag
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    override = next(e for e in events if "RECURRENCE-ID" in e)
    assert override.decoded("RECURRENCE-ID").date() == second.date()
    assert override.decoded("DTSTART") == (second + timedelta(days=2)).replace(hour=13, minute=0)
    master = next(e for e in events if "RECURRENCE-ID" not in e)
    assert master.decoded("SEQUENCE") >= 1 and str(override["UID"]) == str(master["UID"])

    # A member without the staff role is refused the staff command, in French.
    refused = await fake.invoke_command(
        "calendrier annuler-date", {"element": f"r{meeting.id}", "date": "1 janvier"},
        member=member,
    )  # fmt: skip
    [no] = await fake.wait_responses(refused)
    assert "Permanence" in no.content and no.ephemeral
    assert delegation.id


async def test_personal_reminder_by_dm_arrives_once_across_a_restart(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    await relais.start()
    assert relais.app is not None
    role = fake.role_named("Comité PSOC")
    delegation = await repo.create_delegation(
        relais.app.db, "Comité de liaison", role.id, "psoc", now=utc_now()
    )
    member = fake.add_member("Marie Tremblay", roles=["Comité PSOC"])
    closed = fake.add_member("Jean Fermé", roles=["Comité PSOC"])
    fake.closed_dms.add(closed["user"]["id"])
    for who in (member, closed):
        turned_on = await fake.invoke_command("rappels activer", {"delais": "M-1"}, member=who)
        [ok] = await fake.wait_responses(turned_on)
        assert (
            "Rappels personnels activés (M-1)" in ok.content and "Comité de liaison" in ok.content
        )

    # A weekly series whose next occurrence begins in 60 + 6 seconds (written by the core:
    # the modal takes minutes, the test wants seconds); its M-1 personal reminder is planned.
    start = (utc_now() + timedelta(seconds=66)).replace(microsecond=0)
    await actions.add_meeting(
        relais.app.db,
        relais.settings,
        repo.MeetingDraft("Comité hebdomadaire", start, start + timedelta(hours=1),
                          (delegation.id,), rrule="FREQ=WEEKLY;COUNT=3",
                          reminder_offsets="J-3"),
        now=utc_now(),
    )  # fmt: skip
    pending = await relais.app.db.fetchall(
        "SELECT user_id FROM cal_reminders WHERE status = 'pending' AND user_id IS NOT NULL"
    )
    assert len(pending) >= 2
    await relais.restart()  # before it is due: the row and its timer survive
    user_id = member["user"]["id"]
    await wait_until(lambda: len(fake.dms_to(user_id)) == 1, within=40)
    [dm] = fake.dms_to(user_id)
    assert "Votre rappel" in dm.content and "Comité hebdomadaire" in dm.content
    assert [b["custom_id"].split(":")[3] for b in dm.buttons()] == [
        "present",
        "absent",
        "uncertain",
    ]
    # The member whose DMs are closed: one notice in the delegation's channel, pinging them.
    closed_id = closed["user"]["id"]
    await wait_until(lambda: any(closed_id in m.content for m in fake.messages_in("psoc")))
    await relais.restart()
    await relais.settled()  # the restart's catch-up is done: whatever it would resend is sent
    assert len(fake.dms_to(user_id)) == 1
    notices = [m for m in fake.messages_in("psoc") if closed_id in m.content]
    assert len(notices) == 1 and notices[0].pings() == {f"user:{closed_id}"}
    prefs = await relais.app.db.fetchone(  # type: ignore[union-attr]
        "SELECT dm_closed_at FROM cal_dm_prefs WHERE user_id = ?", (closed_id,)
    )
    assert prefs is not None and prefs["dm_closed_at"] is not None
    assert parse_offset("M-1")


async def test_long_lists_page_with_buttons_and_aide_by_role(
    relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    fake = fake_discord
    await relais.start()
    assert relais.app is not None
    start = (utc_now() + timedelta(days=2)).replace(microsecond=0)
    for i in range(60):
        await repo.create_meeting(
            relais.app.db,
            repo.MeetingDraft(f"Rencontre n° {i} du comité de liaison et de suivi", start
                              + timedelta(days=i), start + timedelta(days=i, hours=1),
                              place="MSSS, 1075, chemin Sainte-Foy, Québec"),
            now=utc_now(),
            offsets=(parse_offset("J-1"),),
        )  # fmt: skip
    member = fake.add_member("Marie Tremblay", roles=["Comité PSOC"])
    listed = await fake.invoke_command("rencontres", {"jours": 120}, member=member)
    [first] = await fake.wait_responses(listed)
    previous, following = first.buttons()
    assert (previous["label"], following["label"]) == ("◀ Précédente", "Suivante ▶")
    assert "Page 1 sur" in first.content and "Rencontre n° 0 " in first.content
    await fake.wait_response(
        await fake.click_button(following["custom_id"], message=first, member=member)
    )
    await fake.wait_until(lambda: "Page 2 sur" in first.content)
    assert "Rencontre n° 0 " not in first.content

    # /aide: what each one can do.
    staff = fake.add_member("Permanente", roles=["Permanence"])
    for who, staff_part in ((member, False), (staff, True)):
        [help_text] = await fake.wait_responses(await fake.invoke_command("aide", member=who))
        assert "/calendrier voir" in help_text.content and help_text.ephemeral
        assert ("__Permanence__" in help_text.content) is staff_part
