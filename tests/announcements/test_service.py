"""Announcements through a real App: store, scheduler, outbox, files, digest, follow-up."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import timers
from bot.announcements import followup, store
from bot.announcements.draft import AnnouncementError
from bot.announcements.service import AnnouncementService, parse_since
from bot.app import App
from bot.digest.weekly import DigestData, DigestEvent, DigestItem, build_digest, gather
from bot.settings import InboxSection, Settings
from bot.sources.inbox import notify
from bot.store.db import Database
from bot.timeutil import MONTREAL, to_iso, utc_now
from tests.announcements.conftest import add_communication, draft, outbox_payloads
from tests.helpers import RecordingPublisher, make_settings, wait_until

STAFF = store.Actor("42", "Julie")


async def announcement_rows(db: Database) -> list[dict[str, object]]:
    return await outbox_payloads(db, "announcement")


async def test_publish_now_queues_every_channel_once(
    app: App, service: AnnouncementService
) -> None:
    ann_id = await service.publish(draft(channels=["general", "psoc"], ping_roles=["PSOC"]), STAFF)
    rows = await app.db.fetchall(
        "SELECT channel, dedupe_key FROM outbox WHERE kind = 'announcement' ORDER BY id"
    )
    assert [(r["channel"], r["dedupe_key"]) for r in rows] == [
        ("general", f"announce:{ann_id}:general:0"),
        ("psoc", f"announce:{ann_id}:psoc:0"),
    ]
    history = await store.history(app.db)
    assert [(h.action, h.actor_name) for h in history] == [("published", "Julie")]


async def test_refusals_post_nothing(app: App, service: AnnouncementService) -> None:
    with pytest.raises(AnnouncementError, match="passage du texte"):
        await service.publish(draft(body="x" * 4500), STAFF)
    with pytest.raises(AnnouncementError, match="déjà passée"):
        await service.schedule(draft(), utc_now() - timedelta(minutes=1), STAFF)
    with pytest.raises(AnnouncementError, match="passée"):
        service.parse_when("2020-01-01 10:00")
    service.channel_check = lambda ch: "Relais ne peut pas publier ici" if ch == "psoc" else None
    with pytest.raises(AnnouncementError, match="ne peut pas publier"):
        await service.publish(draft(channels=["general", "psoc"]), STAFF)
    assert await announcement_rows(app.db) == []
    assert await app.db.fetchall("SELECT id FROM announcements") == []


async def test_scheduled_posts_once_at_its_time(app: App, service: AnnouncementService) -> None:
    due = utc_now() + timedelta(seconds=1)
    ann_id = await service.schedule(draft(), due, STAFF)
    assert [t.key for t in await timers.pending(app.db, "announcement")] == [str(ann_id)]
    assert await announcement_rows(app.db) == []
    await wait_sent(app.db, ann_id)
    rows = await app.db.fetchall("SELECT created_at FROM outbox WHERE kind = 'announcement'")
    assert len(rows) == 1
    assert rows[0]["created_at"] >= to_iso(due)
    # A second firing (duplicate job, restart race) changes nothing.
    assert await store.send_due(app.db, ann_id) == []
    await app.clock.run_due()
    assert len(await announcement_rows(app.db)) == 1
    announcement = await store.get(app.db, ann_id)
    assert announcement is not None and announcement.status == "sent"


async def test_survives_restart(settings: Settings, tmp_path: Path) -> None:
    """Scheduled in one process, Relais stopped, the next start posts it once."""
    db = await Database.open(settings.database_path)
    first = App(settings, db, RecordingPublisher())
    svc = AnnouncementService(first)
    await svc.start()
    first.clock.start()
    ann_id = await svc.schedule(draft(), utc_now() + timedelta(seconds=2), STAFF)
    await svc.stop()
    await first.stop()
    assert (await store.get(db, ann_id)).status == "scheduled"  # type: ignore[union-attr]
    await db.close()
    assert await _count_after_restart(settings, ann_id) == 1
    # And again: one more restart does not post it a second time.
    assert await _count_after_restart(settings, ann_id) == 1
    db = await Database.open(settings.database_path)
    assert (await store.get(db, ann_id)).status == "sent"  # type: ignore[union-attr]
    await db.close()


async def wait_sent(db: Database, ann_id: int) -> None:
    """Until the clock has queued the announcement."""

    async def sent() -> bool:
        return (await store.get(db, ann_id)).status == "sent"  # type: ignore[union-attr]

    await wait_until(sent)


async def _count_after_restart(settings: Settings, ann_id: int) -> int:
    db = await Database.open(settings.database_path)
    publisher = RecordingPublisher()
    app = App(settings, db, publisher)
    svc = AnnouncementService(app)
    await svc.start()
    app.clock.start()
    try:
        await wait_sent(db, ann_id)
        await svc.send_all_due()  # what a second start does: must not queue it again
        rows = await db.fetchall("SELECT id FROM outbox WHERE kind = 'announcement'")
    finally:
        await svc.stop()
        await app.stop()
        await db.close()
    return len(rows)


async def test_modify_and_cancel(app: App, service: AnnouncementService) -> None:
    later = utc_now() + timedelta(days=2)
    ann_id = await service.schedule(draft(), later, STAFF)
    updated = await service.modify(
        ann_id, store.Actor("7", "Marc"), draft=draft(title="AG reportée"),
        due_at=later + timedelta(days=1),
    )
    assert updated.title == "AG reportée" and updated.due_at == (later + timedelta(days=1)).replace(
        microsecond=0)
    assert [a.id for a in await store.scheduled(app.db)] == [ann_id]
    await service.cancel(ann_id, STAFF)
    assert await timers.pending(app.db, "announcement") == []
    with pytest.raises(AnnouncementError, match="annulée"):
        await service.cancel(ann_id, STAFF)
    with pytest.raises(AnnouncementError, match="Aucune annonce"):
        await service.modify(999, STAFF, due_at=later)
    actions = [(h.action, h.actor_name) for h in await store.history(app.db)]
    assert actions == [("cancelled", "Julie"), ("modified", "Marc"), ("scheduled", "Julie")]
    assert await store.send_due(app.db, ann_id, now=later + timedelta(days=5)) == []


# -- announcement files -------------------------------------------------------------------------


@pytest.fixture
async def folder(app: App, service: AnnouncementService) -> Path:
    """The inbox's annonces/ folder, the service stopped: the test drives the passes."""
    await service.stop()
    path = Path(app.settings.inbox_path) / "annonces"
    path.mkdir(parents=True, exist_ok=True)  # the running service made it (it watches it)
    return path


async def _two_passes(service: AnnouncementService) -> None:
    await service.process_files()  # sees it
    await service.process_files()  # unchanged since: takes it


async def test_file_published_then_filed(
    app: App, service: AnnouncementService, folder: Path
) -> None:
    (folder / "fermeture.md").write_text(
        "---\ncanaux: general, psoc\nrole: Délégation\n---\n# Fermeture\n\nBureaux fermés lundi.",
        encoding="utf-8",
    )
    await _two_passes(service)
    rows = await announcement_rows(app.db)
    assert [r["channel"] for r in rows] == ["general", "psoc"]
    assert rows[0]["ping_roles"] == ["Délégation"]
    assert rows[0]["embeds"][0]["title"] == "Fermeture"  # type: ignore[index]
    assert not (folder / "fermeture.md").exists()
    assert list((Path(app.settings.inbox_path) / "traites").rglob("fermeture.md"))
    # The same file dropped again is not posted twice.
    (folder / "fermeture.md").write_text(
        "---\ncanaux: general, psoc\nrole: Délégation\n---\n# Fermeture\n\nBureaux fermés lundi.",
        encoding="utf-8",
    )
    await _two_passes(service)
    assert len(await announcement_rows(app.db)) == 2


async def test_file_scheduled(app: App, service: AnnouncementService, folder: Path) -> None:
    (folder / "ag.md").write_text(
        "---\ntitre: AG\ncanaux: general\nquand: 2099-09-14 09:30\n---\nTexte.", encoding="utf-8"
    )
    await _two_passes(service)
    scheduled = await store.scheduled(app.db)
    assert len(scheduled) == 1
    assert scheduled[0].due_at == datetime(2099, 9, 14, 9, 30, tzinfo=MONTREAL).astimezone(UTC)
    assert scheduled[0].author_name == "fichier ag.md"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Pas d’en-tête du tout", "ne commence pas"),
        ("---\ncanaux: nulle-part\n---\nTexte", "« nulle-part » inconnu"),
        ("---\ncanaux: general\nquand: 2001-01-01 10:00\n---\nTexte", "passée"),
        ("---\ncanaux: general\nquand: un de ces jours\n---\nTexte", "un de ces jours"),
        ("---\ncanaux: general\n---\n" + "x" * 5000, "5000 caractères"),
    ],
)
async def test_bad_file_set_aside_with_reason(
    app: App, service: AnnouncementService, content: str, reason: str, folder: Path
) -> None:
    (folder / "mauvais.md").write_text(content, encoding="utf-8")
    await _two_passes(service)
    errors = Path(app.settings.inbox_path) / "erreurs"
    assert (errors / "mauvais.md").read_text(encoding="utf-8") == content
    note = (errors / "mauvais.md.erreur.txt").read_text(encoding="utf-8")
    assert reason in note
    assert await announcement_rows(app.db) == []
    assert await app.db.fetchall("SELECT id FROM announcements") == []
    notices = await outbox_payloads(app.db, "notice")
    assert len(notices) == 1 and notices[0]["channel"] == "staff"


# -- digest -------------------------------------------------------------------------------------


def test_empty_week_posts_nothing() -> None:
    now = datetime(2026, 11, 23, 13, tzinfo=UTC)
    assert build_digest(DigestData(start=now - timedelta(days=7), end=now), channel="d") == []


def test_digest_groups_by_source_and_fits_limits() -> None:
    now = datetime(2026, 11, 23, 13, tzinfo=UTC)
    items = [
        DigestItem(i, f"Titre [{i}] *important*", "msss" if i % 2 else "ctroc",
                   now - timedelta(hours=i), f"https://discord.com/channels/1/2/{i}")
        for i in range(200)
    ]
    events = [DigestEvent("meeting", "Comité de liaison", now + timedelta(days=3)),
              DigestEvent("deadline", "Avis sur le cadre", now + timedelta(days=10))]
    posts = build_digest(DigestData(now - timedelta(days=7), now, items, events, items[:2]),
                         channel="digest")
    assert len(posts) > 1
    text = "\n".join(p.embeds[0].description or "" for p in posts)
    assert all(len(p.embeds[0].description or "") <= 4096 for p in posts)
    assert text.index("__ctroc__") < text.index("__msss__") < text.index("Rencontre")
    assert text.index("Échéance") < text.index("À prendre en charge (2)")
    assert "[Titre \\[3\\] \\*important\\*](https://discord.com/channels/1/2/3)" in text
    assert all(p.channel == "digest" and not p.ping_roles for p in posts)
    many = build_digest(DigestData(now - timedelta(days=7), now, [], [], items[:40]), channel="d")
    listed = "\n".join(p.embeds[0].description or "" for p in many)
    assert listed.count("• ") == 15 and "… et 25 autre(s)" in listed


async def test_digest_from_store(app: App, service: AnnouncementService) -> None:
    now = utc_now()
    fresh = await add_communication(app.db, title="Nouvelle lettre", text="x",
                                    sent_url="https://discord.test/p/1")
    old = await add_communication(app.db, title="Vieille lettre", text="x",
                                  created_at=now - timedelta(days=5))
    taken = await add_communication(app.db, title="Prise", text="x",
                                    created_at=now - timedelta(days=4))
    await add_communication(app.db, title="Sans bouton", text="x", with_button=False,
                            created_at=now - timedelta(days=4))
    await add_communication(app.db, title="Trop vieille", text="x",
                            created_at=now - timedelta(days=60))
    await followup.take(app.db, taken, user_id="1", user_name="Julie")
    data = await gather(app.db, now + timedelta(seconds=1))
    assert {i.communication_id for i in data.items} >= {fresh, old, taken}
    assert [i.link for i in data.items if i.communication_id == fresh] == [
        "https://discord.test/p/1"]
    assert [i.communication_id for i in data.untaken] == [old]
    ids = await service.post_digest(now + timedelta(seconds=1))
    assert ids
    assert await service.post_digest(now + timedelta(seconds=2)) == []  # once a day


async def test_digest_empty_store(app: App, service: AnnouncementService) -> None:
    assert await service.post_digest() == []
    assert await outbox_payloads(app.db, "digest") == []


# -- follow-up ----------------------------------------------------------------------------------


async def test_follow_up_first_taker_wins(app: App) -> None:
    comm = await add_communication(app.db, title="Lettre", text="x")
    assert followup.parse_custom_id(followup.custom_id(comm)) == comm
    assert followup.parse_custom_id("follow:take:abc") is None
    first = await followup.take(app.db, comm, user_id="1", user_name="Julie")
    second = await followup.take(app.db, comm, user_id="2", user_name="Marc")
    assert first is not None and first[1] is True
    assert second is not None and second[1] is False and second[0].taken_by_name == "Julie"
    assert "Julie" in second[0].line() and "<t:" in second[0].line()
    assert await followup.take(app.db, 9999, user_id="1", user_name="Julie") is None


def test_parse_since_means_the_past() -> None:
    now = datetime(2026, 11, 22, 12, tzinfo=UTC)
    assert parse_since("1er janvier", tz=MONTREAL, now=now).year == 2026
    assert parse_since("1er décembre", tz=MONTREAL, now=now).year == 2025
    assert parse_since("2024-03-01", tz=MONTREAL, now=now) == datetime(
        2024, 3, 1, tzinfo=MONTREAL).astimezone(UTC)




async def test_run_once_takes_files_in_one_pass_and_skips_temporary(
    app: App, service: AnnouncementService, folder: Path
) -> None:
    (folder / "~$brouillon.md").write_text("verrou", encoding="utf-8")
    (folder / "copie.md.part").write_text("en cours", encoding="utf-8")
    (folder / "rappel.md").write_text("---\ncanaux: general\n---\n# Rappel\n\nTexte.",
                                      encoding="utf-8")
    await service.run_once()
    assert len(await announcement_rows(app.db)) == 1
    assert sorted(os.listdir(folder)) == ["copie.md.part", "~$brouillon.md"]
    assert not (Path(app.settings.inbox_path) / "erreurs").exists()


async def test_digest_reads_the_calendar_tables(app: App) -> None:
    now = utc_now()
    stamp = to_iso(now)
    await app.db.execute(
        "INSERT INTO cal_meetings(title, start_at, end_at, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        ("Comité de liaison", to_iso(now + timedelta(days=3)),
         to_iso(now + timedelta(days=3, hours=2)), stamp, stamp),
    )
    await app.db.execute(
        "INSERT INTO cal_deadlines(title, due_at, created_at, updated_at) VALUES (?, ?, ?, ?)",
        ("Avis sur le cadre", to_iso(now + timedelta(days=20)), stamp, stamp),
    )
    data = await gather(app.db, now)
    assert [(e.kind, e.title) for e in data.events] == [("meeting", "Comité de liaison")]
    [post] = build_digest(data, channel="digest")
    assert "Rencontre : Comité de liaison" in (post.embeds[0].description or "")


def test_config_validation(settings: Settings) -> None:
    from bot.announcements.config import validate_settings
    from bot.settings import SettingsError

    validate_settings(settings)  # defaults are valid
    settings.config.digest.cron = "0 8 * * lundi"
    with pytest.raises(SettingsError, match="lundi"):
        validate_settings(settings)
    settings.config.digest.cron = "0 8 * * mon"
    settings.config.digest.channel = "nulle-part"
    with pytest.raises(SettingsError, match="nulle-part"):
        validate_settings(settings)


async def test_bad_cron_does_not_stop_relais(app: App) -> None:
    app.settings.config.digest.cron = "0 8 * * lundi"
    app.scheduler.start()
    svc = AnnouncementService(app)
    await svc.start()  # starts, without the digest
    try:
        assert app.scheduler.get_job("announce:digest") is None
        await svc.schedule(draft(), utc_now() + timedelta(days=1), STAFF)
        text = await svc.describe()
        assert text is not None and "Annonces planifiées (1)" in text
    finally:
        await svc.stop()


# -- audit of issue 7: schedule of the digest, history detail, digest once a day ---------------


async def test_digest_job_is_monday_8h_montreal_across_dst(
    app: App, service: AnnouncementService
) -> None:
    job = app.scheduler.get_job("announce:digest")
    assert job is not None
    local = job.next_run_time.astimezone(MONTREAL)
    assert (local.weekday(), local.hour, local.minute) == (0, 8, 0)
    trigger = job.trigger
    # Autumn: Montréal leaves daylight time on Sunday 1 November 2026 (UTC-4 -> UTC-5).
    first = trigger.get_next_fire_time(None, datetime(2026, 10, 21, tzinfo=UTC))
    second = trigger.get_next_fire_time(first, first + timedelta(minutes=1))
    assert first == datetime(2026, 10, 26, 12, tzinfo=UTC)
    assert second == datetime(2026, 11, 2, 13, tzinfo=UTC)
    # Spring: daylight time starts on Sunday 8 March 2026 (UTC-5 -> UTC-4).
    first = trigger.get_next_fire_time(None, datetime(2026, 2, 25, tzinfo=UTC))
    second = trigger.get_next_fire_time(first, first + timedelta(minutes=1))
    assert first == datetime(2026, 3, 2, 13, tzinfo=UTC)
    assert second == datetime(2026, 3, 9, 12, tzinfo=UTC)
    for fire in (first, second):
        assert fire.astimezone(MONTREAL).hour == 8


async def test_digest_cron_comes_from_the_config(app: App) -> None:
    app.settings.config.digest.cron = "30 17 * * fri"
    app.scheduler.start()
    svc = AnnouncementService(app)
    await svc.start()
    try:
        job = app.scheduler.get_job("announce:digest")
        assert job is not None
        local = job.next_run_time.astimezone(MONTREAL)
        assert (local.weekday(), local.hour, local.minute) == (4, 17, 30)
    finally:
        await svc.stop()


async def test_digest_not_completed_by_a_second_run_the_same_day(
    app: App, service: AnnouncementService
) -> None:
    now = utc_now()
    await add_communication(app.db, title="Seule lettre", text="x")
    first = await service.post_digest(now + timedelta(seconds=1))
    assert len(first) == 1
    # The same day the week grows past one message: the digest is not posted again, not even
    # the parts the first run did not have.
    for n in range(120):
        await add_communication(app.db, title=f"Lettre {n} " + "mot " * 30, text="x")
    assert await service.post_digest(now + timedelta(seconds=2)) == []
    assert len(await outbox_payloads(app.db, "digest")) == 1


async def test_history_says_where_when_and_what_changed(
    app: App, service: AnnouncementService
) -> None:
    from cogs.announcements import history_text

    later = utc_now() + timedelta(days=2)
    ann_id = await service.schedule(draft(channels=["general", "psoc"]), later, STAFF)
    await service.modify(
        ann_id, store.Actor("7", "Marc"),
        draft=draft(channels=["general", "psoc"], ping_roles=["123"]),
        due_at=later + timedelta(hours=1),
    )
    await service.publish(draft(channels=["annonces"]), store.Actor("8", "Léa"))
    published, modified, scheduled_entry = await store.history(app.db)
    assert scheduled_entry.channels == ["general", "psoc"]
    assert scheduled_entry.due_at == later.replace(microsecond=0)
    assert modified.changed == ["roles", "due_at"]
    assert published.channels == ["annonces"] and published.due_at is None
    text = history_text([published, modified, scheduled_entry])
    lines = text.splitlines()[1:]
    assert lines[0].endswith("**Léa** a publié l’annonce n° 2 « Assemblée générale » dans annonces")
    assert "**Marc** a modifié" in lines[1] and "(rôle mentionné, heure) pour le <t:" in lines[1]
    assert "**Julie** a planifié" in lines[2] and "dans general, psoc" in lines[2]
    assert lines[2].startswith("<t:")  # when it was done


async def test_history_reads_older_plain_details(app: App) -> None:
    stamp = to_iso(utc_now())
    await app.db.execute(
        "INSERT INTO announcements(id, title, body, channels_json, due_at, author_name,"
        " created_at, updated_at) VALUES (1, 'AG', 'x', '[\"general\"]', ?, 'Julie', ?, ?)",
        (stamp, stamp, stamp),
    )
    for action, detail in (("scheduled", "2099-09-14T13:30:00+00:00"),
                           ("published", "general, psoc"), ("modified", "texte")):
        await app.db.execute(
            "INSERT INTO announcement_history(announcement_id, action, actor_name, at, detail)"
            " VALUES (1, ?, 'Julie', ?, ?)", (action, stamp, detail),
        )
    modified, published, scheduled_entry = await store.history(app.db)
    assert scheduled_entry.due_at == datetime(2099, 9, 14, 13, 30, tzinfo=UTC)
    assert published.channels == ["general", "psoc"]
    assert (modified.channels, modified.due_at, modified.changed) == ([], None, [])


async def test_long_file_is_split_between_paragraphs(
    app: App, service: AnnouncementService, folder: Path
) -> None:
    paragraphs = [f"Paragraphe {n} :" + " les organismes se rencontrent" * 40 for n in range(8)]
    (folder / "long.md").write_text(
        "---\ntitre: Bilan\ncanaux: general, psoc\nrole: Délégation\n---\n"
        + "\n\n".join(paragraphs), encoding="utf-8",
    )
    await _two_passes(service)
    rows = await announcement_rows(app.db)
    general = [r for r in rows if r["channel"] == "general"]
    assert len(general) > 1 and len(rows) == 2 * len(general)
    texts = [r["embeds"][0]["description"] for r in general]  # type: ignore[index]
    assert all(len(text) <= 4000 for text in texts)
    # Every part is whole paragraphs, in order, nothing lost.
    assert [p for text in texts for p in text.split("\n\n")] == paragraphs
    assert [r["ping_roles"] for r in general] == [["Délégation"]] + [[]] * (len(general) - 1)


async def test_error_note_is_french_and_names_the_file(
    app: App, service: AnnouncementService, folder: Path
) -> None:
    (folder / "sans-salon.md").write_text("---\ntitre: AG\n---\nTexte", encoding="utf-8")
    await _two_passes(service)
    note = (Path(app.settings.inbox_path) / "erreurs" / "sans-salon.md.erreur.txt").read_text(
        encoding="utf-8")
    assert note.startswith("Relais n’a pas publié l’annonce « sans-salon.md »")
    assert "Raison : L’en-tête ne dit pas où publier" in note
    assert "déposez-le de nouveau dans inbox/annonces/" in note


async def _digest_time_passed(app: App, hours_ago: float, *, store_days: int | None) -> None:
    """A communication of this week; the digest's daily time ``hours_ago`` hours ago; the
    store created ``store_days`` days ago (None: just now); the digest's cron running."""
    await add_communication(app.db, title="Lettre de la semaine", text="x",
                            created_at=utc_now() - timedelta(minutes=5))
    if store_days is not None:
        await app.db.execute("UPDATE schema_migrations SET applied_at = ?",
                             (to_iso(utc_now() - timedelta(days=store_days)),))
    local = (utc_now() - timedelta(hours=hours_ago)).astimezone(MONTREAL)
    app.settings.config.digest.cron = f"{local.minute} {local.hour} * * *"
    app.scheduler.start()


async def test_digest_missed_while_stopped_is_posted_once_at_start(app: App) -> None:
    await _digest_time_passed(app, 1, store_days=30)
    for _ in range(2):  # started, stopped, started again the same day
        svc = AnnouncementService(app)
        await svc.start()
        await svc.stop()
    assert len(await outbox_payloads(app.db, "digest")) == 1


async def test_digest_missed_long_ago_is_left_for_next_week(app: App) -> None:
    await _digest_time_passed(app, 7, store_days=30)
    svc = AnnouncementService(app)
    await svc.start()
    await svc.stop()
    assert await outbox_payloads(app.db, "digest") == []


async def test_mention_check_refuses_files_too(
    app: App, service: AnnouncementService, folder: Path
) -> None:
    service.mention_check = (
        lambda d: "Rôle « Fantôme » introuvable" if "Fantôme" in d.ping_roles else None
    )
    (folder / "ag.md").write_text("---\ncanaux: general\nrole: Fantôme\n---\n# AG\n\nTexte",
                                  encoding="utf-8")
    await _two_passes(service)
    note = (Path(app.settings.inbox_path) / "erreurs" / "ag.md.erreur.txt").read_text("utf-8")
    assert "Rôle « Fantôme » introuvable" in note
    assert await app.db.fetchall("SELECT id FROM announcements") == []


async def test_new_store_has_no_digest_to_catch_up(app: App) -> None:
    await _digest_time_passed(app, 1, store_days=None)
    svc = AnnouncementService(app)
    await svc.start()  # Relais installed after the digest's time: nothing was missed
    await svc.stop()
    assert await outbox_payloads(app.db, "digest") == []


async def test_a_file_closed_in_the_folder_is_taken_at_once_without_polling(
    tmp_path: Path, publisher: RecordingPublisher
) -> None:
    # Looked at once an hour only in poll mode: what is taken here was heard from inotify.
    settings = make_settings(tmp_path, inbox=InboxSection(poll_interval_seconds=3600))
    if not notify.available():
        pytest.skip("inotify is not available here")
    database = await Database.open(settings.database_path)
    application = App(settings, database, publisher)
    service = AnnouncementService(application)
    folder = Path(settings.inbox_path) / "annonces"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "avant.md").write_text("---\ncanaux: general\n---\n# Avant\n\nDéposé avant le démarrage.", encoding="utf-8")
    try:
        await service.start()
        await wait_until(lambda: has_rows(database, 1))
        (folder / "pendant.md").write_text("---\ncanaux: general\n---\n# Pendant\n\nDéposé en marche.", encoding="utf-8")
        await wait_until(lambda: has_rows(database, 2))
        titles = [r["embeds"][0]["title"] for r in await announcement_rows(database)]
        assert titles == ["Avant", "Pendant"]
        assert not list(folder.iterdir())
    finally:
        await service.stop()
        await application.stop()
        await database.close()



async def has_rows(db: Database, count: int) -> bool:
    return len(await announcement_rows(db)) >= count
