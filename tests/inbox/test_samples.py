"""The coalition's three real samples, dropped into a watched folder, each posted once.

Real watcher, readers, pipeline, SQLite outbox and outbox worker; only the publisher records
posts instead of calling Discord.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from bot.app import App
from bot.models import Post
from bot.sources.inbox import InboxService
from bot.sources.inbox.layout import month_folder
from bot.timeutil import MONTREAL, utc_now
from tests.helpers import RecordingPublisher

from .conftest import communications, outbox_rows, wait_processed, wait_until

SAMPLES = {
    "2023-06-28-lettre-ministre-carmant.eml": "eml",
    "info-psoc-4-janvier-2018.pdf": "pdf",
    "2021-01-13-regroupements-sectoriels.docx": "docx",
}


def discord_day(year: int, month: int, day: int) -> str:
    """The « Dates à retenir » stamp of a day (noon Montréal), computed independently."""
    return f"<t:{int(datetime(year, month, day, 12, tzinfo=MONTREAL).timestamp())}:D>"


async def test_real_samples_are_posted_once_with_everything(
    app: App, shared_dir: Path, tmp_path: Path
) -> None:
    publisher = RecordingPublisher()
    app.set_publisher(publisher)
    app.outbox_worker.start()
    service = InboxService(app)
    await service.start()
    try:
        for name in SAMPLES:
            shutil.copy(shared_dir / "samples/inbox" / name, service.root / name)
        await wait_processed(service)
        # The same three again (another copy, another name): noted, not posted again.
        for name in SAMPLES:
            shutil.copy(shared_dir / "samples/inbox" / name, service.root / f"copie-{name}")
        await wait_processed(service)
        await wait_until(lambda: len(communication_posts(publisher)) >= 3)
        await wait_until(lambda: app.outbox_worker.sent >= len(publisher.posts))
    finally:
        await service.stop()
        await app.outbox_worker.stop()
    assert service.stats == {"posted": 3, "duplicate": 3}
    rows = await outbox_rows(app, "communication")
    assert len(rows) == 3 and {r["status"] for r in rows} == {"sent"}
    posts = communication_posts(publisher)
    assert len(posts) == 3
    comms = {c["id"]: c for c in await communications(app) if c["parent_id"] is None}
    assert sorted(c["kind"] for c in comms.values()) == sorted(SAMPLES.values())
    done = month_folder(service.root, utc_now())
    by_kind: dict[str, Post] = {}
    for post in posts:
        (embed,) = post.embeds
        (original,) = [Path(f) for f in post.files]
        assert original.parent == done and original.name in SAMPLES
        # The attached original is byte for byte the sample.
        assert original.read_bytes() == (shared_dir / "samples/inbox" / original.name).read_bytes()
        by_kind[SAMPLES[original.name]] = post
        assert embed.title and embed.title != "(sans titre)"
        assert embed.timestamp  # the communication's own date
        assert embed.description and len(embed.description) > 80  # the summary
        fields = {f.name: f.value for f in embed.fields}
        assert fields.get("Expéditeur") or fields.get("De"), fields.keys()
        assert post.ping_roles == []
    # The letter and the bulletin announce dates; the 2021 letter names none besides its own
    # letterhead date (shown as the post's date), so it has no « Dates à retenir ».
    for kind in ("eml", "pdf"):
        assert "Dates à retenir" in {f.name for f in by_kind[kind].embeds[0].fields}, kind
    assert "Dates à retenir" not in {f.name for f in by_kind["docx"].embeds[0].fields}
    assert (by_kind["docx"].embeds[0].timestamp or "").startswith("2021-01-13")
    letter = by_kind["eml"].embeds[0]
    assert letter.title == "Pour mieux démarrer la suite des travaux avec le MSSS"
    assert letter.timestamp is not None and letter.timestamp.startswith("2023-06-28")
    dates = {f.name: f.value for f in letter.fields}["Dates à retenir"]
    # The working group's first meeting, 14 September 2023.
    line = next(x for x in dates.splitlines() if discord_day(2023, 9, 14) in x)
    assert "groupe de travail" in line.lower() or "rencontre" in line.lower(), line
    assert by_kind["pdf"].embeds[0].title == "INFO-PSOC #4"
    assert "regroupements sectoriels" in (by_kind["docx"].embeds[0].title or "")
    # Copies went to traites/ beside the originals; nothing went to erreurs/.
    assert sorted(p.name for p in done.iterdir() if p.is_file()) == sorted(
        [*SAMPLES, *(f"copie-{n}" for n in SAMPLES)]
    )
    assert not any((service.root / "erreurs").iterdir())


def communication_posts(publisher: RecordingPublisher) -> list[Post]:
    """Posts of communications (other features may post to staff, e.g. date proposals)."""
    return [p for p in publisher.posts if p.channel != "staff"]
