"""`relais ingest`: JSON shape, order, errors and exit code, progress bar on a terminal."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings, load_settings
from bot.sources.documents.cli import ingest_command

KEYS = [
    "source",
    "kind",
    "title",
    "sender",
    "published",
    "text_chars",
    "summary",
    "dates",
    "attachments",
]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(config_dir=tmp_path / "config", env_file=tmp_path / "absent.env")


def write_demo(tmp_path: Path, demo_files: dict[str, bytes]) -> list[Path]:
    paths = []
    for relative, data in demo_files.items():
        path = tmp_path / "docs" / Path(relative).name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    return paths


async def test_json_one_object_per_document_in_order(
    tmp_path: Path, settings: Settings, demo_files: dict[str, bytes]
) -> None:
    paths = write_demo(tmp_path, demo_files)
    bad = tmp_path / "docs" / "casse.pdf"
    bad.write_bytes(b"%PDF-1.4 cut")
    order = [paths[0], bad, *paths[1:]]
    out = io.StringIO()
    code = await ingest_command(order, True, settings, out=out, err=io.StringIO())
    assert code == 1
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["source"] for r in results] == [str(p) for p in order]
    assert results[1] == {"source": str(bad), "error": results[1]["error"]}
    assert "incomplet" in results[1]["error"]
    good = [r for r in results if "error" not in r]
    for result in good:
        assert list(result) == KEYS
        assert result["text_chars"] > 0 and result["summary"]
    email = next(r for r in good if r["kind"] == "eml")
    assert email["published"] == "2026-09-02T18:05:00+00:00"
    assert email["sender"].endswith("<dssgac@msss.example>")
    assert any(d["date"] == "2026-10-14" for d in email["dates"])
    (agenda,) = email["attachments"]
    assert list(agenda) == KEYS
    assert agenda["source"].endswith("#ordre-du-jour.txt")
    assert agenda["sender"] is None


async def test_all_readable_exit_zero(
    tmp_path: Path, settings: Settings, demo_files: dict[str, bytes]
) -> None:
    paths = write_demo(tmp_path, demo_files)
    out = io.StringIO()
    assert await ingest_command([paths[0].parent], False, settings, out=out) == 0
    assert "Convocation au comité de liaison" in out.getvalue()
    assert "Dates à retenir" in out.getvalue()


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def test_progress_bar_only_on_a_terminal(tmp_path: Path, settings: Settings) -> None:
    paths = []
    for n in range(8):
        path = tmp_path / f"n{n}.txt"
        path.write_text(f"Note {n}\n\nTexte de la note {n}.", encoding="utf-8")
        paths.append(path)
    terminal, pipe = FakeTerminal(), io.StringIO()
    await ingest_command(paths, True, settings, out=io.StringIO(), err=terminal)
    await ingest_command(paths, True, settings, out=io.StringIO(), err=pipe)
    assert "Lecture 8/8" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_shared_samples_through_the_cli(
    shared_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    code = main(["ingest", str(shared_dir / "samples/inbox"), "--json"])
    assert code == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(results) == 3
    for result in results:
        assert result["title"] and result["sender"] and result["published"]
        assert result["text_chars"] > 1000
    letter = next(r for r in results if r["kind"] == "eml")
    assert any(d["date"] == "2023-09-14" for d in letter["dates"])


class StrictUtf8(io.StringIO):
    """stdout in a UTF-8 locale: text that cannot be encoded makes it fail, as for real."""

    def write(self, text: str) -> int:
        text.encode("utf-8")
        return super().write(text)


def latin1_named_file(folder: Path) -> None:
    raw = os.path.join(os.fsencode(folder), b"lettre-\xe9t\xe9.txt")
    Path(os.fsdecode(raw)).write_text("Note\n\nRencontre le 3 mars 2027.", encoding="utf-8")


async def test_name_that_is_not_utf8_is_printed(tmp_path: Path, settings: Settings) -> None:
    latin1_named_file(tmp_path)
    out = StrictUtf8()
    code = await ingest_command([tmp_path], True, settings, out=out, err=io.StringIO())
    assert code == 0
    (result,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert result["source"].endswith("lettre-\ufffdt\ufffd.txt")
    assert result["title"] == "Note"


async def test_json_dates_say_their_anchor_and_how_the_year_was_chosen(
    tmp_path: Path, settings: Settings
) -> None:
    # A text file with no date at all: the anchor is the period its title names, not today.
    path = tmp_path / "rapport.txt"
    path.write_text(
        "Rapport annuel 2021-2022\n\nLe 29 mars dernier, la Table a tenu son assemblée.\n"
        "La rencontre du 14 octobre 2021 a permis de faire le point.\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert await ingest_command([path], True, settings, out=out, err=io.StringIO()) == 0
    (result,) = [json.loads(line) for line in out.getvalue().splitlines()]
    dates = {d["date"]: d for d in result["dates"]}
    assert dates["2022-03-29"]["text"] == "29 mars dernier"
    assert dates["2022-03-29"]["anchor"] == "period"
    assert dates["2022-03-29"]["anchor_date"] == "2022-03-31"
    assert dates["2022-03-29"]["year_from"] == "relative"
    assert dates["2021-10-14"]["year_from"] == "written"
