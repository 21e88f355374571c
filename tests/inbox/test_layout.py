"""Folder rules and the completeness heuristic, without the event loop."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.sources.inbox.layout import is_candidate, month_folder, move, placement
from bot.sources.inbox.settle import Settler

ROOT = Path("/srv/inbox")
RULES = [("psoc", "psoc"), ("msss/lettres", "staff"), ("msss", "msss")]
CHANNELS = ["staff", "general", "msss", "psoc", "annonces"]


def test_placement_by_rule_and_channel_key() -> None:
    assert placement(ROOT, ROOT / "a.pdf", RULES, CHANNELS).channel is None
    assert placement(ROOT, ROOT / "psoc/a.pdf", RULES, CHANNELS).channel == "psoc"
    assert placement(ROOT, ROOT / "PSOC/2026/a.pdf", RULES, CHANNELS).channel == "psoc"
    # The longest matching rule wins.
    assert placement(ROOT, ROOT / "msss/lettres/a.eml", RULES, CHANNELS).channel == "staff"
    assert placement(ROOT, ROOT / "msss/autres/a.eml", RULES, CHANNELS).channel == "msss"
    # No rule, but a folder named like a channel key.
    assert placement(ROOT, ROOT / "general/a.txt", [], CHANNELS).channel == "general"
    unknown = placement(ROOT, ROOT / "divers/a.txt", [], CHANNELS)
    assert unknown.channel is None and unknown.source_name == "inbox/divers"


def test_candidates() -> None:
    assert is_candidate(ROOT, ROOT / "a.pdf")
    assert is_candidate(ROOT, ROOT / "psoc/a.pdf")
    for skipped in [
        "traites/2026-01/a.pdf",
        "erreurs/a.pdf",
        "annonces/a.txt",
        ".a.pdf",
        "x/.cache/a.pdf",
        "~$a.docx",
        "a.pdf.crdownload",
        "a.tmp",
        "erreurs/a.pdf.erreur.txt",
        "b.erreur.txt",
    ]:
        assert not is_candidate(ROOT, ROOT / skipped), skipped
    assert not is_candidate(ROOT, Path("/elsewhere/a.pdf"))


def test_month_folder_is_montreal_time() -> None:
    # 1 March 03:00 UTC is still February in Montréal.
    assert month_folder(ROOT, datetime(2026, 3, 1, 3, tzinfo=UTC)) == ROOT / "traites/2026-02"


def test_move_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "traites"
    for n in range(3):
        source = tmp_path / "a.pdf"
        source.write_text(str(n))
        move(source, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["a-2.pdf", "a-3.pdf", "a.pdf"]
    assert (folder / "a.pdf").read_text() == "0"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_settler_waits_for_stable_size() -> None:
    mono, wall = Clock(), Clock()
    settler = Settler(1.0, clock=mono, wall=wall)
    path = Path("a.pdf")
    fresh = int(wall.now * 1e9)
    assert not settler.observe(path, 10, fresh)
    mono.now += 0.5
    wall.now += 0.5
    assert not settler.observe(path, 10, fresh)  # unchanged, but only for 0.5 s
    grown = int(wall.now * 1e9)  # a write moves the mtime to now
    assert not settler.observe(path, 20, grown)  # grew: start again
    mono.now += 0.9
    wall.now += 0.9
    assert not settler.observe(path, 20, grown)
    mono.now += 0.2
    wall.now += 0.2
    assert settler.observe(path, 20, grown)


def test_settler_takes_old_file_after_a_confirmation() -> None:
    mono, wall = Clock(), Clock()
    settler = Settler(1.0, clock=mono, wall=wall)
    old = int((wall.now - 3600) * 1e9)  # moved in atomically: its mtime is an hour old
    assert not settler.observe(Path("b.pdf"), 10, old)
    mono.now += 0.1
    assert settler.observe(Path("b.pdf"), 10, old)
