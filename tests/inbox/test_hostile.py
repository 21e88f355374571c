"""Attacks on the running inbox service: hostile text, links, partial files, bombs, outages.

Every test drops real files in a real folder watched by the real service, over a real SQLite
store and the real pipeline; what it checks is what staff would see (posts, notices,
``erreurs/``, files left in place).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import io
import os
import sqlite3
import stat
import time
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import pytest

from bot.app import App
from bot.messages import t
from bot.relay.analysis import AnalysisWorker
from bot.relay.render import escape_markdown
from bot.sources.inbox import InboxService, layout
from bot.sources.inbox.layout import ERROR_SUFFIX
from tests.documents.hostile import lying_docx, nested_eml

from .conftest import communications, outbox_rows, wait_processed, wait_until

SENTENCE = (
    "La rencontre du comité de liaison aura lieu le 3 mars 2027 à Québec, et nous vous "
    "demandons de confirmer la présence de votre organisme. "
)


class LagMeter:
    """A 10 ms ticker: the worst delay between when it should wake and when it does."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, time.perf_counter() - before - 0.01)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[LagMeter]:
        self._task = asyncio.create_task(self._run())
        try:
            yield self
        finally:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def test_long_word_feed_text_does_not_freeze_the_bot(app: App, inbox: InboxService) -> None:
    # The 200,000-letter item that froze the bot for 46 s (the old summary patterns held the
    # GIL from a thread). The bound only catches a frozen loop, it is no speed target.
    (inbox.root / "mot.txt").write_text("Avis\n\n" + "a" * 200_000, encoding="utf-8")
    async with LagMeter().running() as lag:
        await wait_processed(inbox)
    assert inbox.stats == {"posted": 1}
    assert lag.worst < 2.0


async def test_one_line_document_is_posted_with_summary_and_dates(
    app: App, inbox: InboxService
) -> None:
    text = "Avis du comité\n\n" + SENTENCE * 8_000  # 1 MB on one line: a PDF without breaks
    (inbox.root / "une-ligne.txt").write_text(text, encoding="utf-8")
    async with LagMeter().running() as lag:
        await wait_processed(inbox, limit=120)
    assert inbox.stats == {"posted": 1}
    (row,) = await outbox_rows(app, "communication")
    embed = row["post"]["embeds"][0]
    assert "3 mars 2027" in str(embed)
    assert t("render.analysis_timeout") not in embed["description"]
    assert lag.worst < 2.0


async def test_analysis_past_its_budget_is_relayed_with_title_and_explanation(
    app: App, inbox: InboxService
) -> None:
    # A budget no worker process can meet: the document is still relayed, promptly.
    app.pipeline.worker = AnalysisWorker(timeout=0.01, inline_chars=1_000)
    (inbox.root / "long.txt").write_text("Rapport annuel\n\n" + SENTENCE * 100, encoding="utf-8")
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1}
    (row,) = await outbox_rows(app, "communication")
    embed = row["post"]["embeds"][0]
    assert embed["title"] == "Rapport annuel"
    assert embed["description"] == escape_markdown(t("render.analysis_timeout"))
    assert app.pipeline.worker.timeouts == 1
    # The next document gets a fresh worker and its summary.
    app.pipeline.worker.timeout = 60.0
    (inbox.root / "suite.txt").write_text("Suite\n\n" + SENTENCE * 20, encoding="utf-8")
    await wait_processed(inbox)
    rows = await outbox_rows(app, "communication")
    assert "confirmer la présence" in rows[-1]["post"]["embeds"][0]["description"]


# ---------------------------------------------------------------- the inbox stays inside


def _outside_folder(tmp_path: Path) -> Path:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.txt").write_text("Mots de passe\n\nNe jamais publier.", encoding="utf-8")
    (outside / "paie.txt").write_text("Salaires\n\nConfidentiel.", encoding="utf-8")
    return outside


async def test_link_to_a_folder_outside_is_never_read_moved_or_deleted(
    app: App, inbox: InboxService, tmp_path: Path
) -> None:
    outside = _outside_folder(tmp_path)
    (inbox.root / "psoc").mkdir()
    (inbox.root / "lien").symlink_to(outside, target_is_directory=True)
    (inbox.root / "psoc" / "profond").symlink_to(outside, target_is_directory=True)
    (inbox.root / "psoc" / "vrai.txt").write_text("Note\n\nTexte de la note.", encoding="utf-8")
    await wait_until(lambda: inbox.stats["posted"] == 1)
    await inbox.settled()  # a rescan, and the notice queued: still nothing taken through links
    assert sorted(p.name for p in outside.iterdir()) == ["paie.txt", "secret.txt"]
    assert inbox.stats == {"posted": 1}
    posts = await outbox_rows(app, "communication")
    assert all("Salaires" not in str(p["post"]) for p in posts)
    (notice,) = await outbox_rows(app, "notice")  # one notice, naming both links
    body = notice["post"]["embeds"][0]["description"]
    assert "lien" in body and "psoc/profond" in body
    assert (inbox.root / "lien").is_symlink()


async def test_file_inside_a_linked_folder_is_refused_even_when_hinted(
    app: App, inbox: InboxService, tmp_path: Path
) -> None:
    # What a watcher following links would report: a path through the link.
    outside = _outside_folder(tmp_path)
    (inbox.root / "lien").symlink_to(outside, target_is_directory=True)
    inbox._hint(inbox.root / "lien" / "secret.txt")
    assert await inbox.process_file(inbox.root / "lien" / "secret.txt") == "gone"
    await inbox.settled()  # the hint too has been looked at
    assert (outside / "secret.txt").is_file()
    assert await outbox_rows(app, "communication") == []


async def test_fifo_and_file_links_are_left_alone_with_one_notice(
    app: App, inbox: InboxService, tmp_path: Path
) -> None:
    outside = _outside_folder(tmp_path)
    os.mkfifo(inbox.root / "tube.txt")
    (inbox.root / "raccourci.txt").symlink_to(outside / "secret.txt")
    (inbox.root / "ok.txt").write_text("Note\n\nTexte de la note.", encoding="utf-8")
    await wait_until(lambda: inbox.stats["posted"] == 1)
    await inbox.settled()  # a rescan, and the notice queued
    assert inbox.stats == {"posted": 1}
    assert stat.S_ISFIFO(os.lstat(inbox.root / "tube.txt").st_mode)
    assert (outside / "secret.txt").is_file()
    notices = await outbox_rows(app, "notice")
    assert len(notices) == 1
    body = notices[0]["post"]["embeds"][0]["description"]
    assert "tube.txt" in body and "raccourci.txt" in body


# ---------------------------------------------------------------- complete files only


async def test_slow_writer_is_posted_once_complete(app: App, inbox: InboxService) -> None:
    # The writer keeps the file open and pauses longer than the quiet time (0.2 s here).
    assert inbox.watch_backend in ("inotify", "none")
    path = inbox.root / "lent.txt"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Compte rendu\n\nPremière partie du compte rendu de la rencontre.\n")
        handle.flush()
        for n in range(4):
            await asyncio.sleep(1.0)
            handle.write(f"Partie {n + 2} du compte rendu, écrite plus tard.\n")
            handle.flush()
        handle.write("Fin du document.\n")
    assert inbox.watch_backend == "inotify"
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1}
    (comm,) = await communications(app)
    assert "Fin du document." in comm["text"]


def _multipart(body: str) -> bytes:
    return (
        "From: Comité <comite@example.org>\r\nTo: membres@example.org\r\n"
        "Subject: Convocation\r\nDate: Mon, 01 Mar 2027 10:00:00 -0500\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="LIMITE"\r\n\r\n'
        "--LIMITE\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n--LIMITE--\r\n"
    ).encode()


async def test_poll_mode_waits_for_the_mime_end_then_posts_once(
    app: App, polling_inbox: InboxService
) -> None:
    data = _multipart("La rencontre aura lieu le 3 mars 2027. " * 20 + "Fin du courriel.")
    path = polling_inbox.root / "convocation.eml"
    cut = len(data) - 40
    with path.open("wb") as handle:
        handle.write(data[:cut])
        handle.flush()
        # Read once the quiet time passed: the structure says "not yet".
        await wait_until(lambda: polling_inbox.stats["waiting"] >= 1)
        handle.write(data[cut:])
    await wait_processed(polling_inbox)
    assert polling_inbox.stats["posted"] == 1
    assert polling_inbox.stats["failed"] == 0
    (comm,) = await communications(app)
    assert "Fin du courriel." in comm["text"]
    assert len(await outbox_rows(app, "communication")) == 1


@pytest.mark.parametrize("name", ["coupe.pdf", "coupe.docx", "coupe.eml"])
async def test_file_never_completed_goes_to_erreurs_after_the_wait(
    app: App, inbox: InboxService, maker: ModuleType, name: str
) -> None:
    inbox.config.incomplete_seconds = 1.0
    full = {
        "coupe.pdf": lambda: maker.make_pdf([["Bulletin", "Texte " * 300]] * 3),
        "coupe.docx": lambda: maker.make_docx(
            title="Lettre",
            author=None,
            header=None,
            heading="Lettre",
            paragraphs=[f"Texte {n} de la lettre. " * 30 for n in range(40)],
        ),
        "coupe.eml": lambda: _multipart("Texte du courriel. " * 50),
    }[name]()
    (inbox.root / name).write_bytes(full[: len(full) * 2 // 3])
    await wait_processed(inbox)
    assert inbox.stats["failed"] == 1
    assert await outbox_rows(app, "communication") == []
    note = (inbox.root / "erreurs" / (name + ERROR_SUFFIX)).read_text(encoding="utf-8")
    assert "incomplet" in note and "attendu" in note
    # Nothing was remembered from the partial file: the complete one posts.
    (inbox.root / name).write_bytes(full)
    await wait_processed(inbox)
    assert inbox.stats["posted"] == 1


# ---------------------------------------------------------------- transient is not permanent


async def test_database_locked_by_another_process_is_waited_out(
    app: App, inbox: InboxService
) -> None:
    # Another process holds SQLite's write lock (a backup, a second Relais, a sqlite3 shell).
    await app.db.conn.execute("PRAGMA busy_timeout=200")
    other = sqlite3.connect(app.settings.database_path, isolation_level=None, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        (inbox.root / "note.txt").write_text("Note\n\nLa rencontre aura lieu.", encoding="utf-8")
        await wait_until(lambda: inbox.stats["retry"] >= 2)
        assert (inbox.root / "note.txt").is_file()  # left where it is
        assert not any((inbox.root / "erreurs").iterdir())
        assert inbox.outage is not None
    finally:
        other.execute("COMMIT")
        other.close()
    await wait_until(lambda: inbox.stats["posted"] == 1, within=60)
    await wait_until(lambda: inbox.outage is None and not inbox._unsent)
    assert not any((inbox.root / "erreurs").iterdir())
    notices = await outbox_rows(app, "notice")
    titles = [n["post"]["embeds"][0]["title"] for n in notices]
    # One notice while it lasted (queued once the lock was gone, not lost), one when it cleared.
    assert titles == [t("inbox.staff.outage.title"), t("inbox.staff.outage_over.title")]
    assert len(await outbox_rows(app, "communication")) == 1


async def test_disk_full_while_filing_keeps_the_file_and_retries(
    app: App, inbox: InboxService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full disk cannot be made for real in a test: the copy into traites/ fails as it would.
    real = layout.file_copy
    failures = {"left": 3}

    def full_disk(path: Path, folder: Path) -> Path:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, folder)

    monkeypatch.setattr(layout, "file_copy", full_disk)
    (inbox.root / "note.txt").write_text("Note\n\nLa rencontre aura lieu.", encoding="utf-8")
    await wait_until(lambda: inbox.stats["posted"] == 1, within=60)
    assert inbox.stats["retry"] == 3
    assert inbox.stats["failed"] == 0
    await wait_until(lambda: not inbox._unsent)
    notices = await outbox_rows(app, "notice")
    assert [n["post"]["embeds"][0]["title"] for n in notices] == [
        t("inbox.staff.outage.title"),
        t("inbox.staff.outage_over.title"),
    ]
    assert "ENOSPC" in notices[0]["post"]["embeds"][0]["description"]


# ---------------------------------------------------------------- readers that degrade


async def test_email_nested_200_deep_is_posted_with_its_inner_parts_listed(
    app: App, inbox: InboxService
) -> None:
    (inbox.root / "transfert.eml").write_bytes(nested_eml(200))
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1}
    (row,) = [r for r in await outbox_rows(app, "communication")]
    assert row["post"]["embeds"][0]["title"] == "niveau 199"
    notices = await outbox_rows(app, "notice")
    assert any("niveau" in str(n["post"]) for n in notices)  # what was not read is named


async def test_lying_zip_goes_to_erreurs_and_the_next_file_posts(
    app: App, inbox: InboxService
) -> None:
    (inbox.root / "menteur.docx").write_bytes(lying_docx(400_000_000))
    (inbox.root / "suivant.txt").write_text("Note\n\nLa suite.", encoding="utf-8")
    await wait_processed(inbox, limit=120)
    assert inbox.stats == {"posted": 1, "failed": 1}
    note = (inbox.root / "erreurs" / ("menteur.docx" + ERROR_SUFFIX)).read_text(encoding="utf-8")
    assert "Raison :" in note


def _owner_only(pdf: bytes, algorithm: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    # Printing/copying restrictions only: opens without a password in any viewer.
    writer.encrypt(user_password="", owner_password="proprietaire", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
async def test_pdf_with_only_an_owner_password_is_posted(
    app: App, inbox: InboxService, maker: ModuleType, algorithm: str
) -> None:
    pdf = maker.make_pdf(
        [["Avis aux membres", "La rencontre aura lieu le 3 mars 2027 à Québec."]],
        title="Avis aux membres",
    )
    (inbox.root / "protege.pdf").write_bytes(_owner_only(pdf, algorithm))
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1}
    (comm,) = await communications(app)
    assert "3 mars 2027" in comm["text"]


async def test_content_decides_the_reader_not_the_name(
    app: App, inbox: InboxService, maker: ModuleType
) -> None:
    pdf = maker.make_pdf([["Bulletin", "Le forum aura lieu le 9 juin 2027."]], title="Bulletin")
    (inbox.root / "bulletin.txt").write_bytes(pdf)  # a PDF under a .txt name
    (inbox.root / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1, "failed": 1}
    (comm,) = await communications(app)
    assert comm["kind"] == "pdf"
    assert "%PDF" not in comm["text"] and "9 juin 2027" in comm["text"]
    note = (inbox.root / "erreurs" / ("photo.txt" + ERROR_SUFFIX)).read_text(encoding="utf-8")
    assert "image" in note and "n'est pas publié" in note


# ---------------------------------------------------------------- untrusted text is inert


async def test_hostile_title_and_name_are_inert_in_posts_and_the_duplicate_notice(
    app: App, inbox: InboxService
) -> None:
    title = "**Urgent** @everyone \u202eexe.fdp\u202c <@&42> \x1b[31m"
    body = f"{title}\n\nLa rencontre aura lieu le 3 mars 2027.".encode()
    (inbox.root / "avis\u202etxt.fdp\u202c.txt").write_bytes(body)
    await wait_until(lambda: inbox.stats["posted"] == 1)
    (inbox.root / "copie.txt").write_bytes(body)  # same content: « déjà relayé »
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1, "duplicate": 1}
    (post,) = await outbox_rows(app, "communication")
    (notice,) = await outbox_rows(app, "notice")
    for shown in (str(post["post"]), str(notice["post"])):
        for bad in ("\u202e", "\u202c", "\x1b", "**Urgent**", "@everyone", "<@&42>"):
            assert bad not in shown, bad
    assert "@\u200beveryone" in notice["post"]["embeds"][0]["description"]
