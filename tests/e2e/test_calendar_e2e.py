"""Calendar end to end: reminders reach the delegation's channel through the fake Discord,
once each, across restarts; attendance buttons and calendar commands on the real client."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.calendar import repository as repo
from bot.calendar.offsets import parse_offset
from bot.models import Document
from bot.store.db import Database
from bot.text import Analysis, FoundDate
from bot.timeutil import MONTREAL, utc_now
from tests.e2e.fake_discord import FakeDiscord, RecordedMessage
from tests.e2e.harness import TEST_CONFIG, RelaisHarness

# Reminders one minute before a meeting, so that the test waits seconds, not days.
CONFIG = TEST_CONFIG + '\n[reminders]\nmeetings = ["M-1"]\n'
M1 = (parse_offset("M-1"),)
MESSAGES = "POST /channels/{channel_id}/messages"


@pytest.fixture
async def calendar_relais(
    fake_discord: FakeDiscord, tmp_path: Path
) -> AsyncIterator[RelaisHarness]:
    harness = RelaisHarness.create(fake_discord, tmp_path, config_toml=CONFIG, with_services=True)
    try:
        yield harness
    finally:
        await harness.__aexit__(None, None, None)


def reminders_in(fake: FakeDiscord, channel: str) -> list[RecordedMessage]:
    return [m for m in fake.messages_in(channel) if "Rappel" in m.content]


async def wait_until(predicate: Callable[[], bool], within: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)


async def add_meeting(
    relais: RelaisHarness, delegation_id: int, title: str, reminder_in: float
) -> tuple[int, datetime]:
    """A meeting whose M-1 reminder falls ``reminder_in`` seconds from now."""
    assert relais.app is not None
    start = (utc_now() + timedelta(seconds=60 + reminder_in)).replace(microsecond=0)
    meeting = await repo.create_meeting(
        relais.app.db,
        repo.MeetingDraft(
            title,
            start,
            start + timedelta(hours=1),
            (delegation_id,),
            place="MSSS, Québec",
            video_link="https://meet.example.org/gt",
        ),
        now=utc_now(),
        offsets=M1,
    )
    return meeting.id, start - timedelta(minutes=1)


async def test_reminders_reach_the_delegation_once_across_restarts(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    role = fake.role_named("Comité PSOC")
    await relais.start()
    assert relais.app is not None
    delegation = await repo.create_delegation(
        relais.app.db, "Groupe de travail PSOC", role.id, "psoc", now=utc_now()
    )
    # A reminder scheduled while Relais runs, then a restart before it is due: the job is
    # rebuilt from its row and the reminder is sent once.
    first_id, _ = await add_meeting(relais, delegation.id, "Rencontre A", reminder_in=4)
    await relais.restart()
    await wait_until(lambda: len(reminders_in(fake, "psoc")) == 1)

    # A reminder that falls due while Relais is down is sent at start, marked late.
    await relais.stop()
    db = await Database.open(relais.settings.database_path)
    try:
        start = (utc_now() + timedelta(seconds=50)).replace(microsecond=0)
        late_meeting = await repo.create_meeting(
            db,
            repo.MeetingDraft("Rencontre B", start, start + timedelta(hours=1), (delegation.id,),
                              place="MSSS, Québec"),
            now=utc_now() - timedelta(minutes=2),  # written when its reminder was ahead
            offsets=M1,
        )  # fmt: skip
    finally:
        await db.close()
    second_id = late_meeting.id
    await relais.start()
    await wait_until(lambda: len(reminders_in(fake, "psoc")) == 2)

    # Another restart sends nothing again.
    await relais.restart()
    await asyncio.sleep(1.0)
    on_time, late = reminders_in(fake, "psoc")
    assert len(reminders_in(fake, "psoc")) == 2
    assert "Rencontre A" in on_time.content
    assert "Rencontre B" in late.content and "en retard" in late.content
    for message, meeting_id in ((on_time, first_id), (late, second_id)):
        assert message.pings() == {f"role:{role.id}"}
        fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
        assert fields["Lieu"] == "MSSS, Québec"
        buttons = [c["custom_id"] for c in message.payload["components"][0]["components"]]
        assert buttons == [f"cal:att:{meeting_id}:{s}" for s in ("present", "absent", "uncertain")]
    assert relais.app is not None
    rows = await relais.app.db.fetchall("SELECT status, late FROM cal_reminders ORDER BY id")
    assert [r["status"] for r in rows] == ["sent", "sent"] and rows[1]["late"] == 1

    # A delegate answers with the button of the post sent before the last restart.
    member = fake.add_member("Marie Tremblay", roles=["Comité PSOC"])
    answer = await fake.wait_response(
        await fake.click_button(f"cal:att:{second_id}:present", message=late, member=member)
    )
    assert answer["data"]["content"].startswith("C’est noté : Présent·e pour « Rencontre B »")
    assert answer["data"]["flags"] & 64  # ephemeral
    tally = await relais.app.db.fetchall("SELECT user_id, status FROM cal_attendance")
    assert [(r["user_id"], r["status"]) for r in tally] == [(member["user"]["id"], "present")]


async def test_calendar_commands_members_and_staff(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    await relais.start()
    assert relais.app is not None
    delegation = await repo.create_delegation(
        relais.app.db,
        "Comité de liaison",
        fake.role_named("Comité PSOC").id,
        "psoc",
        now=utc_now(),
    )
    await add_meeting(relais, delegation.id, "Comité de liaison MSSS-CTROC", reminder_in=3600)

    member = fake.add_member("Membre")
    answer = await fake.wait_response(await fake.invoke_command("rencontres", member=member))
    assert "Comité de liaison MSSS-CTROC" in answer["data"]["content"]
    assert "Semaine du" in answer["data"]["content"] and answer["data"]["flags"] & 64

    # A member without the staff role is refused a staff command, whatever Discord shows.
    refused = await fake.wait_response(await fake.invoke_command("calendrier ics", member=member))
    assert refused["data"]["flags"] & 64
    assert "Permanence" in refused["data"]["content"]
    assert not refused["data"].get("attachments")

    staff = fake.add_member("Permanente", roles=["Permanence"])
    answer = await fake.wait_response(await fake.invoke_command("calendrier ics", member=staff))
    [(filename, size)] = answer["_files"]
    assert filename == "relais-calendrier.ics" and size > 500
    assert answer["data"]["content"].startswith("Calendrier des rencontres et échéances à venir")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses SIGKILL")
async def test_killed_while_posting_a_reminder_posts_it_once(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    """`relais run` is killed after Discord created the reminder but before Relais knew."""
    relais, fake = calendar_relais, fake_discord
    role = fake.role_named("Comité PSOC")
    db = await Database.open(relais.settings.database_path)
    try:
        delegation = await repo.create_delegation(
            db, "Groupe de travail PSOC", role.id, "psoc", now=utc_now()
        )
        # Starts in 50 s: its M-1 reminder fell due 10 s ago, while Relais was down
        # (the meeting is written as if two minutes ago, when that reminder was ahead).
        start = (utc_now() + timedelta(seconds=50)).replace(microsecond=0)
        await repo.create_meeting(
            db,
            repo.MeetingDraft("Rencontre C", start, start + timedelta(hours=1), (delegation.id,)),
            now=utc_now() - timedelta(minutes=2),
            offsets=M1,
        )
    finally:
        await db.close()

    fake.set_delay(MESSAGES, 1.0)  # Discord creates the message, then answers late
    proc = relais.process()
    proc.start()
    await proc.wait_exit_or(
        lambda: len(reminders_in(fake, "psoc")) == 1 and fake.answers_pending >= 1, within=60
    )
    proc.kill()
    rows = await relais.rows()
    assert [(r["kind"], r["status"]) for r in rows] == [("reminder", "pending")]

    fake.set_delay(MESSAGES, 0)
    proc.start()
    try:
        await relais.wait_sent([rows[0]["id"]], within=60)
    finally:
        assert await proc.terminate() == 0, proc.output()[-3000:]
    [message] = reminders_in(fake, "psoc")
    assert "Rencontre C" in message.content and "en retard" in message.content
    assert message.pings() == {f"role:{role.id}"}
    assert fake.nonce_hits >= 1  # the resend was recognised, not shown twice
    assert len(await relais.rows()) == 1  # and the restart wrote no second row


def record_response_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """The message objects the fake creates for interaction responses (it keeps no list)."""
    created: list[dict[str, Any]] = []
    make = fake._message_object

    def recording(*args: Any, **kwargs: Any) -> dict[str, Any]:
        message = make(*args, **kwargs)
        created.append(message)
        return message

    fake._message_object = recording  # type: ignore[method-assign]
    return created


async def submit_modal(
    fake: FakeDiscord, modal: dict[str, Any], values: dict[str, str], member: dict[str, Any]
) -> str:
    """Answer a modal the bot opened (callback type 9), as Discord sends a MODAL_SUBMIT."""
    rows = []
    for row in modal["data"]["components"]:
        field = row["components"][0]
        value = next((v for k, v in values.items() if field["label"].startswith(k)), "")
        rows.append(
            {
                "type": 1,
                "components": [{"type": 4, "custom_id": field["custom_id"], "value": value}],
            }
        )
    data = fake._interaction_base(5, member, "permanence")
    data["data"] = {"custom_id": modal["data"]["custom_id"], "components": rows}
    await fake.dispatch("INTERACTION_CREATE", data)
    return str(data["id"])


async def test_staff_adds_a_meeting_through_the_modal_and_confirms_the_parsed_date(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    await relais.start()
    assert relais.app is not None
    db = relais.app.db
    await repo.create_delegation(
        db, "Groupe de travail PSOC", fake.role_named("Comité PSOC").id, "psoc", now=utc_now()
    )
    staff = fake.add_member("Permanente", roles=["Permanence"])
    responses = record_response_messages(fake)

    async def open_modal() -> dict[str, Any]:
        interaction = await fake.invoke_command(
            "calendrier ajouter-rencontre", {"delegation": "Groupe de travail PSOC"}, member=staff
        )
        modal = await fake.wait_response(interaction)
        assert modal["type"] == 9, modal
        return modal

    # A day that does not exist: a French answer, nothing written.
    answer = await fake.wait_response(
        await submit_modal(
            fake,
            await open_modal(),
            {"Titre": "Rencontre", "Début": "31 juin 9 h", "Fin": "12 h"},
            staff,
        )
    )
    assert "31 juin" in answer["data"]["content"] and "n’existe pas" in answer["data"]["content"]
    assert await db.fetchall("SELECT id FROM cal_meetings") == []

    # A good one: the confirmation shows the date as understood, then Confirmer adds it.
    confirm = await fake.wait_response(
        await submit_modal(
            fake,
            await open_modal(),
            {
                "Titre": "Première rencontre du groupe de travail",
                "Début": "14 septembre 9 h 30",
                "Fin": "12 h",
                "Lieu": "MSSS, Québec\nhttps://meet.example.org/gt",
            },
            staff,
        )
    )
    content = confirm["data"]["content"]
    assert "14 septembre" in content and "9 h 30" in content and "12 h" in content
    assert await db.fetchall("SELECT id FROM cal_meetings") == []
    yes = confirm["data"]["components"][0]["components"][0]
    assert yes["label"] == "Confirmer"
    # discord.py routes the click by the id of the ephemeral message holding the view.
    holder = next(m for m in responses if json.dumps(yes["custom_id"]) in json.dumps(m))
    message = RecordedMessage(holder["id"], holder["channel_id"], {}, holder)
    done = await fake.wait_response(
        await fake.click_button(yes["custom_id"], message=message, member=staff)
    )
    assert "Rencontre ajoutée" in done["data"]["content"]
    [meeting] = await repo.upcoming_meetings(db, now=utc_now(), until=None)
    assert (meeting.place, meeting.video_link) == ("MSSS, Québec", "https://meet.example.org/gt")
    pending = await db.fetchall("SELECT offset_spec FROM cal_reminders WHERE status = 'pending'")
    assert [r["offset_spec"] for r in pending] == ["M-1"]


async def test_staff_turns_a_proposed_date_into_a_meeting_for_a_delegation(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    await relais.start()
    assert relais.app is not None
    db = relais.app.db
    delegation = await repo.create_delegation(
        db, "Comité de liaison", fake.role_named("Comité PSOC").id, "psoc", now=utc_now()
    )
    next_year = utc_now().year + 1

    async def analyser(doc: Document, reference: date) -> Analysis:
        found = FoundDate(
            f"{next_year}-02-10",
            None,
            "day",
            "10 février",
            "Rencontre du comité de liaison",
            "rencontre",
        )
        return Analysis(summary=["Le comité se réunira."], dates=[found])

    relais.app.pipeline.analyser = analyser
    await relais.app.pipeline.relay(
        Document(
            source_kind="inbox",
            source_name="msss",
            kind="txt",
            title="Convocation du MSSS",
            text="Le comité de liaison se réunira le 10 février.",
            external_id="convocation-1",
        )
    )
    await wait_until(lambda: bool(fake.messages_in("permanence")))
    [proposal] = fake.messages_in("permanence")
    assert "Rencontre du comité de liaison" in proposal.embeds[0]["description"]
    buttons = [c["custom_id"] for row in proposal.payload["components"] for c in row["components"]]
    assert [b.split(":")[-1] for b in buttons] == ["meeting", "deadline", "ignore"]

    # A member without the staff role cannot decide.
    member = fake.add_member("Membre")
    refused = await fake.wait_response(
        await fake.click_button(buttons[0], message=proposal, member=member)
    )
    assert refused["data"]["content"] == "Cette commande est réservée à la permanence."

    staff = fake.add_member("Permanente", roles=["Permanence"])
    responses = record_response_messages(fake)
    pick = await fake.wait_response(
        await fake.click_button(buttons[0], message=proposal, member=staff)
    )
    select = pick["data"]["components"][0]["components"][0]
    assert [o["label"] for o in select["options"]] == ["Comité de liaison", "Tout le monde"]
    holder = next(m for m in responses if json.dumps(select["custom_id"]) in json.dumps(m))
    data = fake._interaction_base(3, staff, "permanence")
    data["data"] = {
        "custom_id": select["custom_id"],
        "component_type": 3,
        "values": [str(delegation.id)],
    }
    data["message"] = holder
    await fake.dispatch("INTERACTION_CREATE", data)
    done = await fake.wait_response(str(data["id"]))
    assert "Rencontre ajoutée" in done["data"]["content"]
    [meeting] = await repo.upcoming_meetings(db, now=utc_now())
    assert meeting.delegation_ids == (delegation.id,)
    assert meeting.start.astimezone(MONTREAL).date() == date(next_year, 2, 10)

    again = await fake.wait_response(
        await fake.click_button(buttons[2], message=proposal, member=staff)
    )
    assert "déjà été traitée" in again["data"]["content"]


async def test_delegation_commands_refuse_unknown_roles_and_non_staff(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    await relais.start()
    assert relais.app is not None
    staff = fake.add_member("Permanente", roles=["Permanence"])
    member = fake.add_member("Membre")
    options = {"nom": "Comité stratégique", "role": "Comité PSOC", "salon": "psoc"}

    refused = await fake.wait_response(
        await fake.invoke_command("delegation creer", options, member=member)
    )
    assert "Permanence" in refused["data"]["content"]
    assert await repo.list_delegations(relais.app.db) == []

    created = await fake.wait_response(
        await fake.invoke_command("delegation creer", options, member=staff)
    )
    assert created["data"]["content"].startswith("Délégation « Comité stratégique » créée")
    [delegation] = await repo.list_delegations(relais.app.db)
    assert delegation.role == fake.role_named("Comité PSOC").id
    assert delegation.channel == fake.channel_named("psoc").id

    again = await fake.wait_response(
        await fake.invoke_command("delegation creer", options, member=staff)
    )
    assert again["data"]["content"] == "La délégation « Comité stratégique » existe déjà."

    # A role the guild does not have (unknown to Relais's view of the guild).
    ghost = fake.add_role("Rôle fantôme")
    unknown = await fake.wait_response(
        await fake.invoke_command(
            "delegation creer", {**options, "nom": "Autre", "role": ghost}, member=staff
        )
    )
    assert unknown["data"]["content"] == "Le rôle « Rôle fantôme » est introuvable sur ce serveur."
    assert len(await repo.list_delegations(relais.app.db)) == 1

    listing = await fake.wait_response(await fake.invoke_command("delegation liste", member=staff))
    assert "**Comité stratégique**" in listing["data"]["content"]


async def add_through_modal(
    fake: FakeDiscord, staff: dict[str, Any], responses: list[dict[str, Any]], title: str
) -> str:
    """/calendrier ajouter-rencontre, the modal, then Confirmer: the final answer's text."""
    modal = await fake.wait_response(
        await fake.invoke_command("calendrier ajouter-rencontre", member=staff)
    )
    values = {"Titre": title, "Début": "14 septembre 9 h 30", "Fin": "12 h", "Lieu": "Québec"}
    confirm = await fake.wait_response(await submit_modal(fake, modal, values, staff))
    yes = confirm["data"]["components"][0]["components"][0]
    holder = next(m for m in responses if json.dumps(yes["custom_id"]) in json.dumps(m))
    message = RecordedMessage(holder["id"], holder["channel_id"], {}, holder)
    done = await fake.wait_response(
        await fake.click_button(yes["custom_id"], message=message, member=staff)
    )
    return str(done["data"]["content"])


async def test_meetings_are_mirrored_as_scheduled_events_up_to_discords_limit(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    everyone = fake.roles[fake.guild_id]
    everyone.permissions = str(int(everyone.permissions) | (1 << 33))  # manage events
    await relais.start()
    assert relais.app is not None
    staff = fake.add_member("Permanente", roles=["Permanence"])
    responses = record_response_messages(fake)

    assert "Rencontre ajoutée" in await add_through_modal(fake, staff, responses, "Comité A")
    [event] = fake.scheduled_events.values()
    assert (event["name"], event["entity_metadata"]["location"]) == ("Comité A", "Québec")
    [meeting] = await repo.upcoming_meetings(relais.app.db, now=utc_now())
    assert meeting.discord_event_id == event["id"]

    # The guild already holds Discord's maximum of 100 scheduled events.
    for _ in range(99):
        other = fake.snowflake()
        fake.scheduled_events[other] = {**event, "id": other, "name": "Autre"}
    refusal = await add_through_modal(fake, staff, responses, "Comité B")
    assert refusal.startswith("Discord limite un serveur à 100 événements programmés")
    assert len(await repo.upcoming_meetings(relais.app.db, now=utc_now())) == 1
    assert len(fake.scheduled_events) == 100

    # Cancelling the meeting removes its event.
    cancel = await fake.wait_response(
        await fake.invoke_command("calendrier annuler", {"element": f"r{meeting.id}"}, member=staff)
    )
    yes = cancel["data"]["components"][0]["components"][0]
    holder = next(m for m in responses if json.dumps(yes["custom_id"]) in json.dumps(m))
    done = await fake.wait_response(
        await fake.click_button(
            yes["custom_id"],
            message=RecordedMessage(holder["id"], holder["channel_id"], {}, holder),
            member=staff,
        )
    )
    assert done["data"]["content"].startswith("Annulé : **Comité A**")
    assert event["id"] not in fake.scheduled_events and len(fake.scheduled_events) == 99
