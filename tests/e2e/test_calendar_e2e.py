"""Calendar end to end: reminders reach the delegation's channel through the fake Discord,
once each, across restarts; attendance buttons and calendar commands on the real client."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.calendar import repository as repo
from bot.calendar.model import Delegation
from bot.calendar.offsets import parse_offset
from bot.discord.confirm import NamedConfirm
from bot.models import Document
from bot.store.db import Database
from bot.text import Analysis, FoundDate
from bot.timeutil import MONTREAL, utc_now
from tests.e2e.fake_discord import FakeDiscord, RecordedMessage
from tests.e2e.harness import TEST_CONFIG, RelaisHarness
from tests.helpers import wait_until

# Reminders one minute before a meeting, so that the test waits seconds, not days.
CONFIG = TEST_CONFIG + '\n[reminders]\nmeetings = ["M-1"]\n'
M1 = (parse_offset("M-1"),)
MESSAGES = "POST /channels/{channel_id}/messages"
CONFIRM_LABELS = {
    "Ajouter la rencontre", "Ajouter l’échéance", "Enregistrer les changements",
    "Annuler la rencontre", "Annuler l’échéance", "Déplacer cette rencontre",
}  # fmt: skip


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
    _, delegation = await started(relais, fake, "Groupe de travail PSOC")
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
    await relais.settled()
    on_time, late = reminders_in(fake, "psoc")
    assert len(reminders_in(fake, "psoc")) == 2
    assert "Rencontre A" in on_time.content
    assert "Rencontre B" in late.content and "en retard" in late.content
    for message, meeting_id in ((on_time, first_id), (late, second_id)):
        pings_only(message, role.id)
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
    _, delegation = await started(relais, fake)
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
        # Starts in 9 min 50 s: its M-10 reminder fell due 10 s ago, while Relais was down
        # (the meeting is written as if 20 minutes ago, when that reminder was ahead). The wide
        # margin keeps the meeting unstarted however slowly a loaded machine starts Relais.
        start = (utc_now() + timedelta(minutes=9, seconds=50)).replace(microsecond=0)
        await repo.create_meeting(
            db,
            repo.MeetingDraft("Rencontre C", start, start + timedelta(hours=1), (delegation.id,)),
            now=utc_now() - timedelta(minutes=20),
            offsets=(parse_offset("M-10"),),
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
    pings_only(message, role.id)
    assert fake.nonce_hits >= 1  # the resend was recognised, not shown twice
    assert len(await relais.rows()) == 1  # and the restart wrote no second row


async def started(
    relais: RelaisHarness, fake: FakeDiscord, name: str = "Comité de liaison"
) -> tuple[Database, Delegation]:
    """Relais running, with the delegation ``name`` (role « Comité PSOC », channel psoc)."""
    await relais.start()
    assert relais.app is not None
    delegation = await repo.create_delegation(
        relais.app.db, name, fake.role_named("Comité PSOC").id, "psoc", now=utc_now()
    )
    return relais.app.db, delegation


async def submit(
    fake: FakeDiscord, opened: str, values: dict[str, str], member: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """Answer the modal the bot opened for interaction ``opened``: (submit id, its answer)."""
    modal = await fake.wait_response(opened)
    assert modal["type"] == 9, modal
    submitted = await fake.submit_modal(opened, values, member=member)
    return submitted, await fake.wait_response(submitted)


async def submit_deadline(
    fake: FakeDiscord, staff: dict[str, Any], day: date
) -> tuple[str, dict[str, Any]]:
    """/calendrier ajouter-echeance for the Comité de liaison, « Dépôt de l’avis » on ``day``
    (no time typed): (submit id, the confirmation shown)."""
    opened = await fake.invoke_command(
        "calendrier ajouter-echeance", {"delegation": "Comité de liaison"}, member=staff
    )
    return await submit(
        fake, opened, {"Titre": "Dépôt de l’avis", "Échéance": day.isoformat()}, staff
    )


async def confirm(fake: FakeDiscord, interaction_id: str, member: dict[str, Any]) -> str:
    """Click the first button (the action, named: « Ajouter la rencontre », « Annuler la
    rencontre »…) under the ephemeral confirmation answering ``interaction_id``."""
    [message] = await fake.wait_responses(interaction_id)
    assert message.ephemeral
    yes, no = message.buttons()
    assert yes["label"] in CONFIRM_LABELS and no["label"] == "Ne rien faire"
    done = await fake.wait_response(
        await fake.click_button(yes["custom_id"], message=message, member=member)
    )
    return str(done["data"]["content"])


async def test_staff_adds_a_meeting_through_the_modal_and_confirms_the_parsed_date(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    db, _ = await started(relais, fake, "Groupe de travail PSOC")
    staff = fake.add_member("Permanente", roles=["Permanence"])

    async def open_modal() -> str:
        return await fake.invoke_command(
            "calendrier ajouter-rencontre", {"delegation": "Groupe de travail PSOC"}, member=staff
        )

    # A day that does not exist: a French answer, nothing written.
    _, answer = await submit(
        fake,
        await open_modal(),
        {"Titre": "Rencontre", "Début": "31 juin 9 h", "Fin": "12 h"},
        staff,
    )
    assert "31 juin" in answer["data"]["content"] and "n’existe pas" in answer["data"]["content"]
    assert await db.fetchall("SELECT id FROM cal_meetings") == []

    # A good one: the confirmation shows the date as understood, then Confirmer adds it.
    submitted, shown = await submit(
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
    content = shown["data"]["content"]
    assert "14 septembre" in content and "9 h 30" in content and "12 h" in content
    assert await db.fetchall("SELECT id FROM cal_meetings") == []
    assert "Rencontre ajoutée" in await confirm(fake, submitted, staff)
    [meeting] = await repo.upcoming_meetings(db, now=utc_now(), until=None)
    assert (meeting.place, meeting.video_link) == ("MSSS, Québec", "https://meet.example.org/gt")
    pending = await db.fetchall("SELECT offset_spec FROM cal_reminders WHERE status = 'pending'")
    assert [r["offset_spec"] for r in pending] == ["M-1"]


async def test_an_unanswered_confirmation_expires_and_says_so(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The confirmation's buttons do not outlive its time-out: the summary becomes « Délai
    dépassé », the buttons go, nothing is added (a late click meets no dead button)."""
    relais, fake = calendar_relais, fake_discord
    monkeypatch.setattr(NamedConfirm, "TIMEOUT", 0.5)
    db, _ = await started(relais, fake)
    staff = fake.add_member("Permanente", roles=["Permanence"])
    day = (utc_now() + timedelta(days=10)).astimezone(MONTREAL).date()
    submitted, _ = await submit_deadline(fake, staff, day)
    [message] = await fake.wait_responses(submitted)
    assert message.buttons()
    await fake.wait_until(lambda: "Délai dépassé" in message.content)
    assert message.buttons() == []
    assert await db.fetchall("SELECT id FROM cal_deadlines") == []


async def test_staff_turns_a_proposed_date_into_a_meeting_for_a_delegation(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    everyone = fake.roles[fake.guild_id]
    everyone.permissions = str(int(everyone.permissions) | (1 << 33))  # manage events
    db, delegation = await started(relais, fake)
    assert relais.app is not None
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
    assert refused["data"]["content"] == (
        "Ce bouton est réservé à la permanence (rôle « Permanence »)."
    )

    staff = fake.add_member("Permanente", roles=["Permanence"])

    async def pick_delegation() -> Any:
        clicked = await fake.click_button(buttons[0], message=proposal, member=staff)
        [pick] = await fake.wait_responses(clicked)
        return pick

    async def choose(pick: Any) -> dict[str, Any]:
        # The fake has no helper for select menus: the click is written as Discord sends it.
        select = pick.components[0]["components"][0]
        data = fake._interaction_base(3, staff, "permanence")
        data["data"] = {
            "custom_id": select["custom_id"],
            "component_type": 3,
            "values": [str(delegation.id)],
        }
        data["message"] = pick.data
        await fake.dispatch("INTERACTION_CREATE", data)
        return await fake.wait_response(str(data["id"]))

    pick, late_pick = await pick_delegation(), await pick_delegation()
    select = pick.components[0]["components"][0]
    assert [o["label"] for o in select["options"]] == ["Comité de liaison", "Tout le monde"]
    done = await choose(pick)
    assert "Rencontre ajoutée" in done["data"]["content"]
    # A second pick opened before the decision: its refusal replaces the pick, in French.
    late = await choose(late_pick)
    assert late["type"] == 7 and "déjà été traitée" in late["data"]["content"]
    assert late["data"]["components"] == []
    [meeting] = await repo.upcoming_meetings(db, now=utc_now())
    assert meeting.delegation_ids == (delegation.id,)
    assert meeting.start.astimezone(MONTREAL).date() == date(next_year, 2, 10)
    # Mirrored as a scheduled event, like a meeting typed in the modal.
    [event] = fake.scheduled_events.values()
    assert event["name"] == "Rencontre du comité de liaison"
    assert meeting.discord_event_id == event["id"]
    # The staff post greys out the buttons of the decided date.
    await wait_until(lambda: any(b.get("disabled") for b in proposal.buttons()))
    disabled = {b["custom_id"]: bool(b.get("disabled")) for b in proposal.buttons()}
    assert disabled == {b: b.split(":")[2] == buttons[0].split(":")[2] for b in buttons}

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


async def add_through_modal(fake: FakeDiscord, staff: dict[str, Any], title: str) -> str:
    """/calendrier ajouter-rencontre, the modal, then Confirmer: the final answer's text."""
    opened = await fake.invoke_command("calendrier ajouter-rencontre", member=staff)
    values = {"Titre": title, "Début": "14 septembre 9 h 30", "Fin": "12 h", "Lieu": "Québec"}
    submitted, _ = await submit(fake, opened, values, staff)
    return await confirm(fake, submitted, staff)


async def test_meetings_are_mirrored_as_scheduled_events_up_to_discords_limit(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    everyone = fake.roles[fake.guild_id]
    everyone.permissions = str(int(everyone.permissions) | (1 << 33))  # manage events
    await relais.start()
    assert relais.app is not None
    staff = fake.add_member("Permanente", roles=["Permanence"])

    assert "Rencontre ajoutée" in await add_through_modal(fake, staff, "Comité A")
    [event] = fake.scheduled_events.values()
    assert (event["name"], event["entity_metadata"]["location"]) == ("Comité A", "Québec")
    [meeting] = await repo.upcoming_meetings(relais.app.db, now=utc_now())
    assert meeting.discord_event_id == event["id"]

    # The guild already holds Discord's maximum of 100 scheduled events.
    for _ in range(99):
        other = fake.snowflake()
        fake.scheduled_events[other] = {**event, "id": other, "name": "Autre"}
    refusal = await add_through_modal(fake, staff, "Comité B")
    assert refusal.startswith("Discord limite un serveur à 100 événements programmés")
    assert len(await repo.upcoming_meetings(relais.app.db, now=utc_now())) == 1
    assert len(fake.scheduled_events) == 100

    # Cancelling the meeting removes its event.
    cancel = await fake.invoke_command(
        "calendrier annuler", {"element": f"r{meeting.id}"}, member=staff
    )
    assert (await confirm(fake, cancel, staff)).startswith("Annulé : **Comité A**")
    assert event["id"] not in fake.scheduled_events and len(fake.scheduled_events) == 99


def local_form(moment: datetime) -> str:
    return moment.astimezone(MONTREAL).strftime("%Y-%m-%d %H:%M")


def pings_only(message: RecordedMessage, role_id: str) -> None:
    """Discord notifies that role and nobody else: allowed_mentions names it alone."""
    assert message.pings() == {f"role:{role_id}"}
    allowed = message.allowed_mentions
    assert allowed is not None and allowed.get("parse") == []
    assert [str(r) for r in allowed.get("roles", [])] == [role_id]
    assert not allowed.get("users")


async def test_changes_and_cancellations_reach_the_delegation_and_move_reminders(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    role = fake.role_named("Comité PSOC")
    db, delegation = await started(relais, fake, "Groupe de travail PSOC")
    meeting_id, _ = await add_meeting(relais, delegation.id, "Rencontre à déplacer", 3600)
    staff = fake.add_member("Permanente", roles=["Permanence"])

    # /calendrier modifier: the modal comes filled in; only the start and end are retyped.
    opened = await fake.invoke_command(
        "calendrier modifier", {"element": f"r{meeting_id}"}, member=staff
    )
    modal = await fake.wait_response(opened)
    filled = {
        row["components"][0]["label"]: row["components"][0].get("value") or ""
        for row in modal["data"]["components"]
    }
    assert filled["Titre"] == "Rencontre à déplacer"
    new_start = (utc_now() + timedelta(days=3)).replace(second=0, microsecond=0)
    values = {k: v for k, v in filled.items() if not k.startswith(("Début", "Fin"))}
    values |= {
        "Début": local_form(new_start),
        "Fin": local_form(new_start + timedelta(hours=2)),
    }
    submitted, _ = await submit(fake, opened, values, staff)
    assert "Modifié : **Rencontre à déplacer**" in await confirm(fake, submitted, staff)
    await wait_until(lambda: len(fake.messages_in("psoc")) == 1)
    [changed] = fake.messages_in("psoc")
    assert changed.content.endswith(
        "Changement : la rencontre **Rencontre à déplacer** a été modifiée."
    )
    pings_only(changed, role.id)
    fields = {f["name"]: f["value"] for f in changed.embeds[0]["fields"]}
    assert fields["Lieu"] == "MSSS, Québec"  # untouched fields survive the edit
    pending = await db.fetchall("SELECT due_at FROM cal_reminders WHERE status = 'pending'")
    # The reminder moved with the meeting.
    assert [r["due_at"] for r in pending] == [(new_start - timedelta(minutes=1)).isoformat()]

    # /calendrier annuler: the delegation is told, the reminder will never go out.
    cancel = await fake.invoke_command(
        "calendrier annuler", {"element": f"r{meeting_id}"}, member=staff
    )
    assert (await confirm(fake, cancel, staff)).startswith("Annulé :")
    await wait_until(lambda: len(fake.messages_in("psoc")) == 2)
    cancelled = fake.messages_in("psoc")[1]
    assert cancelled.content.endswith("est annulée.")
    assert "Rencontre à déplacer" in cancelled.content
    pings_only(cancelled, role.id)
    statuses = await db.fetchall("SELECT status, reason FROM cal_reminders")
    assert [(r["status"], r["reason"]) for r in statuses] == [("skipped", "cancelled")]


async def test_deadlines_through_the_modal_listings_shared_and_the_tally(
    calendar_relais: RelaisHarness, fake_discord: FakeDiscord
) -> None:
    relais, fake = calendar_relais, fake_discord
    db, delegation = await started(relais, fake)
    staff = fake.add_member("Permanente", roles=["Permanence"])

    # /calendrier ajouter-echeance: a day without a time means 17 h, shown before confirming.
    due_day = (utc_now() + timedelta(days=10)).astimezone(MONTREAL).date()
    submitted, shown = await submit_deadline(fake, staff, due_day)
    assert "17 h" in shown["data"]["content"]
    assert "Comité de liaison" in shown["data"]["content"]
    assert (await confirm(fake, submitted, staff)).startswith("Échéance ajoutée")
    [deadline] = await repo.upcoming_deadlines(db, now=utc_now())
    assert deadline.delegation_id == delegation.id
    assert deadline.due.astimezone(MONTREAL).hour == 17

    # /echeances: private by default, shared in the channel when asked, grouped by week.
    member = fake.add_member("Membre")
    private = await fake.wait_response(await fake.invoke_command("echeances", member=member))
    assert private["data"]["flags"] & 64 and "Dépôt de l’avis" in private["data"]["content"]
    shared = await fake.wait_response(
        await fake.invoke_command("echeances", {"partager": True}, member=member)
    )
    assert not shared["data"].get("flags", 0) & 64
    assert "Semaine du" in shared["data"]["content"] and "<t:" in shared["data"]["content"]
    assert shared["data"]["allowed_mentions"]["parse"] == []

    # The tally staff read after a delegate answered: named members without answer included.
    meeting_id, _ = await add_meeting(relais, delegation.id, "Comité de liaison", 3600)
    delegate = fake.add_member("Marie Tremblay", roles=["Comité PSOC"])
    delegate_id = delegate["user"]["id"]
    named = await fake.wait_response(
        await fake.invoke_command(
            "delegation membres",
            {"nom": "Comité de liaison", "delegues": f"<@{delegate_id}>, Louise Bergeron"},
            member=staff,
        )
    )
    assert named["data"]["content"] == (
        f"Membres de « Comité de liaison » : <@{delegate_id}>, Louise Bergeron ; substituts : —."
    )
    assert named["data"]["flags"] & 64 and named["data"]["allowed_mentions"]["parse"] == []
    await fake.wait_response(
        await fake.click_button(f"cal:att:{meeting_id}:absent", member=delegate)
    )
    tally = await fake.wait_response(
        await fake.invoke_command(
            "calendrier presences", {"element": f"r{meeting_id}"}, member=staff
        )
    )
    text = tally["data"]["content"]
    assert tally["data"]["flags"] & 64 and tally["data"]["allowed_mentions"]["parse"] == []
    assert "Absent·e (1) : Marie Tremblay" in text and "Sans réponse (1) : Louise Bergeron" in text
    refused = await fake.wait_response(
        await fake.invoke_command(
            "calendrier presences", {"element": f"r{meeting_id}"}, member=member
        )
    )
    assert "Présences" not in refused["data"]["content"]
    assert "Permanence" in refused["data"]["content"]
