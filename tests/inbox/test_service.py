"""The inbox end to end on real files, a real SQLite store and the real pipeline."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path
from types import ModuleType

from bot.app import App
from bot.sources.inbox import InboxService
from bot.sources.inbox.layout import ERROR_SUFFIX, month_folder
from bot.timeutil import utc_now

from .conftest import (
    FailingPipeline,
    communications,
    outbox_rows,
    wait_processed,
    wait_until,
)


def drop(root: Path, relative: str, data: bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _exists(path: Path) -> bool:
    return path.is_file()


def processed_folder(service: InboxService) -> Path:
    return month_folder(service.root, utc_now())


async def test_demo_documents_are_posted_once_with_original(
    app: App, inbox: InboxService, demo_files: dict[str, bytes]
) -> None:
    for relative, data in demo_files.items():
        drop(inbox.root, relative, data)
    await wait_processed(inbox)
    assert inbox.stats["posted"] == 4
    comms = await communications(app)
    top = [c for c in comms if c["parent_id"] is None]
    assert sorted(c["kind"] for c in top) == ["docx", "eml", "pdf", "txt"]
    # The e-mail's attachment is its own communication, linked to the e-mail.
    (child,) = [c for c in comms if c["parent_id"] is not None]
    assert child["title"] == "Ordre du jour — comité de liaison du 14 octobre 2026"
    posts = await outbox_rows(app, "communication")
    assert len(posts) == 4
    by_title = {p["post"]["embeds"][0]["title"]: p for p in posts}
    docx_post = by_title["Cadre de financement à la mission globale"]
    assert docx_post["channel"] == "psoc"  # from the psoc/ sub-folder
    done = processed_folder(inbox)
    attached = [Path(p["post"]["files"][0]) for p in posts]
    assert all(p.parent == done for p in attached)
    assert all(_exists(p) for p in attached)
    assert (
        done / "2026-09-02-convocation-comite-liaison.pieces-jointes/ordre-du-jour.txt"
    ).is_file()
    assert not list((inbox.root / "erreurs").iterdir())


async def test_files_present_before_start_are_processed(
    app: App, demo_files: dict[str, bytes]
) -> None:
    service = InboxService(app)
    drop(service.root, "bulletin.txt", demo_files["bulletin-septembre-2026.txt"])
    await service.start()
    try:
        await wait_processed(service)
    finally:
        await service.stop()
    assert service.stats["posted"] == 1
    assert (processed_folder(service) / "bulletin.txt").is_file()


async def test_same_file_twice_is_noted_not_posted(
    app: App, inbox: InboxService, demo_files: dict[str, bytes]
) -> None:
    data = demo_files["2026-10-info-psoc-5.pdf"]
    drop(inbox.root, "info.pdf", data)
    await wait_processed(inbox)
    drop(inbox.root, "copie de info.pdf", data)
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1, "duplicate": 1}
    assert len(await outbox_rows(app, "communication")) == 1
    (notice,) = await outbox_rows(app, "notice")
    assert notice["channel"] == "staff"
    assert "déjà relayé" in notice["post"]["embeds"][0]["title"]
    assert (processed_folder(inbox) / "copie de info.pdf").is_file()


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 30_000_000)
    return out.getvalue()


async def test_bad_inputs_go_to_erreurs_and_the_watcher_keeps_running(
    app: App, inbox: InboxService, maker: ModuleType, demo_files: dict[str, bytes]
) -> None:
    inbox.config.incomplete_seconds = 1.0  # the truncated PDF waits that long for its end
    pdf = maker.make_pdf([["Bulletin", "Texte " * 300]] * 3)
    bad = {
        "chiffre.pdf": maker.encrypt_pdf(pdf, "secret"),
        "tronque.pdf": pdf[: len(pdf) // 2],
        "pas-un.pdf": b"\x00\x01 not a pdf at all " * 100,
        "bombe.docx": _bomb(),
        "vide.txt": b"",
        "budget.xlsx": b"PK\x03\x04 whatever",
    }
    for name, data in bad.items():
        drop(inbox.root, name, data)
    huge = inbox.root / "enorme.pdf"
    with huge.open("wb") as handle:  # 300 MB, sparse
        handle.truncate(300_000_000)
    await wait_processed(inbox)
    errors = inbox.root / "erreurs"
    expected = {
        "chiffre.pdf": "mot de passe",
        "tronque.pdf": "incomplet",
        "pas-un.pdf": "n'est pas un PDF",
        "bombe.docx": "suspect",
        "vide.txt": "vide",
        "budget.xlsx": "pas pris en charge",
        "enorme.pdf": "300 Mo",
    }
    for name, words in expected.items():
        assert (errors / name).is_file(), name
        note = (errors / (name + ERROR_SUFFIX)).read_text(encoding="utf-8")
        assert words in note, (name, note)
        assert "Raison :" in note
    assert inbox.stats["failed"] == len(expected)
    notices = await outbox_rows(app, "notice")
    assert len(notices) == len(expected)
    assert {n["channel"] for n in notices} == {"staff"}
    assert await outbox_rows(app, "communication") == []
    # Still watching: a good file dropped afterwards is posted.
    drop(inbox.root, "bulletin.txt", demo_files["bulletin-septembre-2026.txt"])
    await wait_processed(inbox)
    assert inbox.stats["posted"] == 1


async def test_attachment_with_traversal_name_stays_inside(
    app: App, inbox: InboxService, maker: ModuleType, tmp_path: Path
) -> None:
    data = maker.make_eml(
        subject="Documents du comité",
        sender="MSSS <a@msss.example>",
        date="Tue, 01 Sep 2026 10:00:00 -0400",
        body="Bonjour, voici le document. La rencontre aura lieu le 14 octobre 2026.",
        attachments=[
            ("../../etc/passwd", "application/octet-stream", b"root:x:0:0"),
            ("../../../../evil.txt", "text/plain", "Note piégée\n\nContenu.".encode()),
        ],
    )
    drop(inbox.root, "lettre.eml", data)
    await wait_processed(inbox)
    assert inbox.stats["posted"] == 1
    pieces = processed_folder(inbox) / "lettre.pieces-jointes"
    assert sorted(p.name for p in pieces.iterdir()) == ["evil.txt"]
    assert not (tmp_path / "evil.txt").exists()
    assert not (tmp_path.parent / "evil.txt").exists()


async def test_file_still_being_written_is_taken_once_complete(
    app: App, inbox: InboxService, maker: ModuleType
) -> None:
    pages = [[f"Page {n}", f"Contenu de la page {n}. " * 20] for n in range(1, 11)]
    pages[-1].append("Fin du document : dernière page.")
    data = maker.make_pdf(pages, title="Long bulletin")
    path = inbox.root / "long.pdf"
    chunk = max(len(data) // 20, 1)
    with path.open("wb") as handle:
        for start in range(0, len(data), chunk):
            handle.write(data[start : start + chunk])
            handle.flush()
            # Slower than the watcher's ticks, quicker than its stability interval.
            await asyncio.sleep(inbox.config.stable_seconds / 4)
    await wait_processed(inbox)
    assert inbox.stats["posted"] == 1
    assert inbox.stats["failed"] == 0
    (comm,) = await communications(app)
    assert "dernière page" in str(comm["text"])


async def test_reserved_hidden_and_temporary_files_are_left_alone(
    app: App, inbox: InboxService
) -> None:
    kept = [
        drop(inbox.root, "annonces/brouillon.txt", b"Annonce\n\nTexte."),
        drop(inbox.root, ".cache.txt", b"x"),
        drop(inbox.root, "~$lettre.docx", b"x"),
        drop(inbox.root, "rapport.pdf.part", b"x"),
    ]
    secret = inbox.root.parent / "secret.txt"
    secret.write_text("Mot de passe\n\nNe pas publier.", encoding="utf-8")
    link = inbox.root / "lien.txt"
    link.symlink_to(secret)  # a link is never followed out of the inbox
    drop(inbox.root, "ok.txt", b"Note\n\nTexte de la note.")
    await wait_until(lambda: inbox.stats["posted"] == 1)
    await inbox.settled()  # a rescan too: nothing left that could still take them
    assert all(p.is_file() for p in kept)
    assert link.is_symlink()
    assert inbox.stats == {"posted": 1}


async def test_poll_mode(polling_inbox: InboxService, demo_files: dict[str, bytes]) -> None:
    drop(polling_inbox.root, "psoc/note.txt", demo_files["bulletin-septembre-2026.txt"])
    await wait_processed(polling_inbox)
    assert polling_inbox.stats["posted"] == 1
    assert polling_inbox.watch_backend == "none"  # no watcher: found by a scan


async def test_run_once_processes_what_is_there(app: App, demo_files: dict[str, bytes]) -> None:
    service = InboxService(app)
    for relative, data in demo_files.items():
        drop(service.root, relative, data)
    await service.run_once()
    assert service.stats["posted"] == 4


async def test_relay_failure_moves_file_to_erreurs(app: App, demo_files: dict[str, bytes]) -> None:
    app.pipeline = FailingPipeline(app.pipeline, RuntimeError("disk I/O error"))  # type: ignore[assignment]
    service = InboxService(app)
    drop(service.root, "bulletin.txt", demo_files["bulletin-septembre-2026.txt"])
    await service.run_once()
    assert service.stats["failed"] == 1
    note = (service.root / "erreurs" / ("bulletin.txt" + ERROR_SUFFIX)).read_text(encoding="utf-8")
    assert "RuntimeError" in note
    assert len(await outbox_rows(app, "notice")) == 1


async def test_file_that_cannot_be_moved_is_not_retried_forever(app: App) -> None:
    service = InboxService(app)
    service.prepare()
    errors = service.root / "erreurs"
    errors.rmdir()
    errors.write_text("pas un dossier")  # moving into it fails (as on a read-only share)
    bad = drop(service.root, "casse.pdf", b"pas un PDF")
    await service.run_once()
    assert service.stats["failed"] == 1
    assert bad.is_file()
    (notice,) = await outbox_rows(app, "notice")
    assert "pas pu le déplacer" in notice["post"]["embeds"][0]["description"]
    assert service.scan() == 0  # not taken again while unchanged
    bad.write_bytes(b"pas un PDF, mais change")
    assert service.scan() == 1
