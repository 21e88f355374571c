"""Files that vanish mid-way, awkward names, Outlook .msg: the watcher copes and keeps running."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from bot.app import App
from bot.models import Document
from bot.sources.documents.common import MAX_NAME_BYTES
from bot.sources.inbox import InboxService
from bot.sources.inbox import service as service_module
from bot.sources.inbox.layout import ERROR_SUFFIX, month_folder
from bot.timeutil import utc_now

from .conftest import FailingPipeline, outbox_rows, wait_processed, wait_until

WINDOWS_FORBIDDEN = set('<>:"\\|?*')


def note(n: int) -> bytes:
    return f"Note de service {n}\n\nLa rencontre {n} aura lieu le 3 mars 2027.".encode()


def vanishing_reader(when: str) -> Any:
    """The real reader, with the file deleted just before or just after it is read: the race
    between the watcher's detection and its reading cannot be timed for real."""
    real = service_module.read_document

    def read(path: Path, **kwargs: Any) -> Document:
        if path.name.startswith("disparu") and when == "before":
            path.unlink()
        doc = real(path, **kwargs)
        if path.name.startswith("disparu") and when == "after":
            path.unlink()
        return doc

    return read


@pytest.mark.parametrize("when", ["before", "after"])
async def test_file_vanishing_between_detection_and_filing(
    app: App, inbox: InboxService, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    monkeypatch.setattr(service_module, "read_document", vanishing_reader(when))
    (inbox.root / "disparu.txt").write_bytes(note(1))
    await wait_until(lambda: inbox.stats["gone"] == 1)
    # Nothing posted, nothing reported, nothing filed: the file was withdrawn.
    assert await outbox_rows(app) == []
    assert not any((inbox.root / "erreurs").iterdir())
    # And the watcher is still there for the next file.
    (inbox.root / "suivant.txt").write_bytes(note(2))
    await wait_until(lambda: inbox.stats["posted"] == 1)
    assert inbox.stats == {"gone": 1, "posted": 1}


async def test_burst_of_200_files_then_still_watching(app: App, inbox: InboxService) -> None:
    for n in range(200):
        (inbox.root / f"lot-{n:03d}.txt").write_bytes(note(n))
    await wait_processed(inbox, limit=180)
    (inbox.root / "apres.txt").write_bytes(note(1000))
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 201}
    assert len(await outbox_rows(app, "communication")) == 201


def _bytes_name(folder: Path, raw: bytes) -> Path:
    return Path(os.fsdecode(os.path.join(os.fsencode(folder), raw)))


@pytest.fixture
def no_periodic_rescan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the watcher (and its catch-up rescans) may find files: a missed event shows."""
    monkeypatch.setattr(service_module, "RESCAN_SECONDS", 3600.0)


async def test_watcher_alone_sees_new_files(
    app: App, no_periodic_rescan: None, inbox: InboxService
) -> None:
    await inbox.watching()  # past the start-up rescan
    (inbox.root / "psoc").mkdir()
    (inbox.root / "psoc" / "nouveau.txt").write_bytes(note(1))
    await wait_until(lambda: inbox.stats["posted"] == 1, within=20)


async def test_awkward_names_are_filed_safely(
    app: App, no_periodic_rescan: None, inbox: InboxService
) -> None:
    await inbox.watching()  # past the start-up rescan
    long_stem = "Compte rendu détaillé de la rencontre du comité de liaison " * 4  # ~250 bytes
    long_stem = long_stem.encode()[:240].decode("utf-8", "ignore")
    dropped = {
        'Réunion: ordre du jour? "final" <v2>|*.txt': note(1),
        f"{long_stem}.txt": note(2),
        f"{long_stem}.md": b"",  # refused: its note needs « .erreur.txt » more
        "CON.txt": note(3),
    }
    for name, data in dropped.items():
        (inbox.root / name).write_bytes(data)
    # Latin-1 bytes in a name (a file copied from an old system): not valid UTF-8.
    latin = _bytes_name(inbox.root, b"lettre-\xe9t\xe9.txt")
    latin.write_bytes(note(4))
    await wait_processed(inbox, limit=20)
    # The long name a second time, other content: « -2 » must still fit.
    (inbox.root / f"{long_stem}.txt").write_bytes(note(5))
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 5, "failed": 1}
    done = sorted(p.name for p in month_folder(inbox.root, utc_now()).iterdir())
    failed = sorted(p.name for p in (inbox.root / "erreurs").iterdir())
    for name in done + failed:
        assert not set(name) & WINDOWS_FORBIDDEN, name
        assert len(name.encode("utf-8")) <= MAX_NAME_BYTES + 20, name
        assert not name.endswith((".", " ")), name
    assert "Réunion_ ordre du jour_ _final_ _v2___.txt" in done
    assert "_CON.txt" in done
    assert "lettre-_t_.txt" in done
    long_done = [n for n in done if n.startswith("Compte rendu")]
    assert len(long_done) == 2 and all(n.endswith(".txt") for n in long_done)
    (refused,) = [n for n in failed if not n.endswith(ERROR_SUFFIX)]
    assert refused.endswith(".md") and refused + ERROR_SUFFIX in failed
    # Every post attaches its original from where it was filed, under the safe name.
    posts = await outbox_rows(app, "communication")
    attached = sorted(Path(p["post"]["files"][0]).name for p in posts)
    assert attached == done


async def test_outlook_msg_is_refused_in_french(app: App, inbox: InboxService) -> None:
    # The start of an OLE2 compound file, as Outlook writes .msg files.
    (inbox.root / "courriel.msg").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    await wait_processed(inbox)
    assert inbox.stats == {"failed": 1}
    text = (inbox.root / "erreurs" / ("courriel.msg" + ERROR_SUFFIX)).read_text(encoding="utf-8")
    assert "Outlook .msg" in text and "enregistrez le courriel en .eml" in text
    (notice,) = await outbox_rows(app, "notice")
    assert notice["channel"] == "staff"
    assert "Outlook .msg" in notice["post"]["embeds"][0]["description"]


async def test_original_over_discord_limit_is_said_not_attached(
    app: App, inbox: InboxService, maker: ModuleType
) -> None:
    small = maker.make_pdf(
        [["Rapport annuel", "La rencontre aura lieu le 3 mars 2027."]], title="Rapport annuel"
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(small)))
    writer.add_attachment("annexe.bin", os.urandom(11 * 1024 * 1024))  # incompressible
    out = io.BytesIO()
    writer.write(out)
    (inbox.root / "rapport.pdf").write_bytes(out.getvalue())
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1}
    (row,) = await outbox_rows(app, "communication")
    post = row["post"]
    assert post["files"] == []
    fields = {f["name"]: f["value"] for f in post["embeds"][0]["fields"]}
    assert "Trop volumineux pour Discord" in fields["Pièces jointes"]
    assert "rapport.pdf (11" in fields["Pièces jointes"]
    assert (month_folder(inbox.root, utc_now()) / "rapport.pdf").is_file()  # kept


async def test_identical_files_dropped_together_are_posted_once(
    app: App, inbox: InboxService
) -> None:
    for name in ("a.txt", "copie de a.txt", "encore a.txt"):
        (inbox.root / name).write_bytes(note(7))  # processed side by side (2 at a time)
    await wait_processed(inbox)
    assert inbox.stats == {"posted": 1, "duplicate": 2}
    assert len(await outbox_rows(app, "communication")) == 1
    assert len(list(month_folder(inbox.root, utc_now()).iterdir())) == 3


async def test_stop_before_the_post_is_queued_loses_nothing(
    app: App, demo_files: dict[str, bytes]
) -> None:
    real = app.pipeline
    # The process stops while the document is being analysed (shutdown, kill).
    app.pipeline = FailingPipeline(real, asyncio.CancelledError())  # type: ignore[assignment]
    first = InboxService(app)
    dropped = first.root / "convocation.eml"
    first.prepare()
    dropped.write_bytes(demo_files["2026-09-02-convocation-comite-liaison.eml"])
    await first.run_once()
    assert dropped.is_file()  # still in the inbox: it will be read again
    assert await outbox_rows(app) == []
    # Next start, with a working pipeline: posted once, filed once.
    app.pipeline = real
    second = InboxService(app)
    await second.run_once()
    assert second.stats == {"posted": 1}
    assert not dropped.exists()
    (row,) = await outbox_rows(app, "communication")
    done = month_folder(second.root, utc_now())
    assert row["post"]["files"][0] == str(done / "convocation.eml")
    assert sorted(p.name for p in done.iterdir() if p.is_file()) == ["convocation.eml"]
