"""Hostile and broken documents: each gets a clear DocumentError (French reason) or is read."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

from bot.sources.documents import DocumentError, Limits, human_size, read_bytes, read_document
from bot.sources.documents.common import MAX_NAME_BYTES, sanitize_filename
from bot.sources.documents.eml import save_attachments


def reason(exc: pytest.ExceptionInfo[DocumentError]) -> str:
    text = exc.value.reason
    assert text and text[0].isupper()  # a sentence for staff, not a traceback
    return text


def _eml(
    maker: ModuleType,
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> bytes:
    """An e-mail from one sender on one day: only what a test is about changes."""
    data: bytes = maker.make_eml(
        subject=subject,
        sender="a@b.example",
        date="Mon, 01 Jun 2026 09:00:00 -0400",
        body=body,
        attachments=attachments,
    )
    return data


def test_encrypted_pdf_is_refused(maker: ModuleType) -> None:
    data = maker.encrypt_pdf(maker.make_pdf([["Secret", "Texte confidentiel."]]), "motdepasse")
    with pytest.raises(DocumentError) as exc:
        read_bytes(data, "secret.pdf")
    assert exc.value.code == "pdf_encrypted"
    assert "mot de passe" in reason(exc)


def test_truncated_pdf_is_refused(maker: ModuleType) -> None:
    data = maker.make_pdf([["Bulletin", "Texte " * 200]] * 3)
    with pytest.raises(DocumentError) as exc:
        read_bytes(data[: len(data) // 2], "bulletin.pdf")
    assert exc.value.code == "pdf_truncated"
    assert "incomplet" in reason(exc)


def test_junk_named_pdf() -> None:
    with pytest.raises(DocumentError) as exc:
        read_bytes(os.urandom(5000), "rapport.pdf")
    assert exc.value.code == "not_pdf"


def test_pdf_without_text(maker: ModuleType) -> None:
    with pytest.raises(DocumentError) as exc:
        read_bytes(maker.make_pdf([[]]), "scan.pdf")
    assert exc.value.code == "pdf_no_text"
    assert "numérisé" in reason(exc)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in entries.items():
            archive.writestr(name, payload)
    return out.getvalue()


def test_zip_bomb_named_docx_is_not_opened() -> None:
    # 40 MB of zeros deflate to ~40 KB: a ratio of ~1000:1.
    bomb = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * 40_000_000})
    assert len(bomb) < 100_000
    with pytest.raises(DocumentError) as exc:
        read_bytes(bomb, "lettre.docx")
    assert exc.value.code == "zip_bomb"
    assert "suspect" in reason(exc)


def test_docx_over_total_uncompressed_limit() -> None:
    data = _zip({"word/document.xml": os.urandom(300_000)})
    with pytest.raises(DocumentError) as exc:
        read_bytes(data, "gros.docx", limits=Limits(max_uncompressed_bytes=100_000))
    assert exc.value.code == "zip_bomb"


def test_zip_that_is_not_word() -> None:
    with pytest.raises(DocumentError) as exc:
        read_bytes(_zip({"hello.txt": b"salut"}), "lettre.docx")
    assert exc.value.code == "not_docx"


def test_junk_named_docx() -> None:
    with pytest.raises(DocumentError) as exc:
        read_bytes(b"PK\x03\x04" + os.urandom(2000), "lettre.docx")
    assert exc.value.code == "not_docx"


@pytest.mark.parametrize("name", ["vide.pdf", "vide.eml", "vide.txt", "vide.docx", "vide.html"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.touch()
    with pytest.raises(DocumentError) as exc:
        read_document(path)
    assert exc.value.code == "empty"
    assert reason(exc) == "Le fichier est vide."


def test_300_mb_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "enorme.pdf"
    with path.open("wb") as handle:  # sparse: no 300 MB actually written
        handle.truncate(300_000_000)
    with pytest.raises(DocumentError) as exc:
        read_document(path, limits=Limits(max_file_bytes=50_000_000))
    assert exc.value.code == "too_large"
    assert "300 Mo" in reason(exc)
    assert "50 Mo" in reason(exc)


def test_sizes_read_as_people_read_them(tmp_path: Path) -> None:
    assert human_size(50_000_000) == "50 Mo"
    assert human_size(5_100) == "5,1 Ko"
    assert human_size(999) == "999 octets"
    assert human_size(2_500_000_000) == "2,5 Go"
    at_limit = tmp_path / "limite.txt"
    at_limit.write_bytes(b"Note\n\n" + b"a" * (1_000_000 - 6))
    assert read_document(at_limit, limits=Limits(max_file_bytes=1_000_000)).kind == "txt"
    over = tmp_path / "trop.txt"
    over.write_bytes(b"a" * 1_000_001)
    with pytest.raises(DocumentError) as exc:
        read_document(over, limits=Limits(max_file_bytes=1_000_000))
    # Never « 1 Mo ; la limite est de 1 Mo »: alike when rounded, then said in bytes.
    assert "1\u202f000\u202f001 octets" in reason(exc)
    assert "1\u202f000\u202f000 octets" in reason(exc)


def test_attachment_path_traversal(maker: ModuleType, tmp_path: Path) -> None:
    data = _eml(
        maker,
        "Pièces jointes",
        "Voir les pièces jointes.",
        [
            ("../../etc/passwd", "application/octet-stream", b"root:x:0:0"),
            ("../../../tmp/evil.txt", "text/plain", "Document piégé\n\nContenu.".encode()),
        ],
    )
    doc = read_bytes(data, "lettre.eml")
    assert doc.meta["skipped_attachments"] == ["passwd"]  # no reader for it: noted, not read
    (evil,) = doc.attachments
    assert evil.meta["filename"] == "evil.txt"
    folder = tmp_path / "traites" / "lettre"
    save_attachments(doc, data, folder)
    assert evil.original_path == folder / "evil.txt"
    assert evil.original_path.read_text() == "Document piégé\n\nContenu."
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert written == [Path("traites/lettre/evil.txt")]


def test_utf16_text_without_bom() -> None:
    text = "Rencontre du 12 et 14 octobre 2026\n\nOrdre du jour à venir."
    doc = read_bytes(text.encode("utf-16-le"), "note.txt")
    assert doc.title == "Rencontre du 12 et 14 octobre 2026"


def test_binary_named_txt() -> None:
    with pytest.raises(DocumentError) as exc:
        read_bytes(bytes(range(256)) * 50, "note.txt")
    assert exc.value.code == "not_text"


def test_unsupported_and_msg() -> None:
    with pytest.raises(DocumentError) as exc:
        read_bytes(b"x", "budget.xlsx")
    assert exc.value.code == "unsupported"
    assert ".xlsx" in reason(exc)
    with pytest.raises(DocumentError) as exc:
        read_bytes(b"x", "courriel.msg")
    assert ".eml" in reason(exc)


def test_not_an_email() -> None:
    with pytest.raises(DocumentError) as exc:
        read_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(100), "photo.eml")
    assert exc.value.code == "not_email"


def test_nested_emails_are_bounded(maker: ModuleType) -> None:
    inner = _eml(maker, "Niveau 0", "Fond.")
    for level in range(1, 6):
        attachment = (f"n{level - 1}.eml", "application/octet-stream", inner)
        inner = _eml(maker, f"Niveau {level}", "Voir la pièce jointe.", [attachment])
    doc = read_bytes(inner, "n5.eml", limits=Limits(max_depth=3))
    depth = 0
    while doc.attachments:
        doc = doc.attachments[0]
        depth += 1
    assert depth == 3
    assert doc.meta["attachment_errors"][0]["code"] == "too_deep"


def test_unreadable_attachment_does_not_sink_the_email(maker: ModuleType) -> None:
    pdf = ("rapport.pdf", "application/pdf", b"%PDF-1.4 junk")
    data = _eml(maker, "Avec PDF abîmé", "Le PDF suit.", [pdf])
    doc = read_bytes(data, "x.eml")
    assert doc.attachments == []
    assert doc.meta["attachment_errors"][0]["name"] == "rapport.pdf"
    assert doc.meta["attachment_errors"][0]["code"] == "pdf_truncated"


def test_pdf_decompression_bomb_is_bounded(maker: ModuleType) -> None:
    import zlib

    template = maker.make_pdf([["Bombe"]])
    # Swap the page's content stream for 80 MB of spaces deflated to ~80 KB.
    bomb = zlib.compress(b" " * 80_000_000, 9)
    start = template.index(b"<< /Length")
    end = template.index(b"endstream", start) + len(b"endstream")
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    data = template[:start] + stream + template[end:]
    # The xref offsets are now wrong: pypdf rebuilds them (non-strict), as for real files.
    with pytest.raises(DocumentError) as exc:
        read_bytes(data, "bombe.pdf")
    assert exc.value.code in {"pdf_no_text", "unreadable"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        (
            'Réunion: ordre du jour? "final" <v2>|*.pdf',
            "Réunion_ ordre du jour_ _final_ _v2___.pdf",
        ),
        ("rapport final. . ", "rapport final"),
        ("CON.txt", "_CON.txt"),
        ("lpt1", "_lpt1"),
        ("lettre-\udce9t\udce9.txt", "lettre-_t_.txt"),
        ("...", "document"),
        ("", "document"),
    ],
)
def test_sanitize_filename(name: str, expected: str) -> None:
    assert sanitize_filename(name) == expected


@pytest.mark.parametrize("char", ["é", "x", "😀"])
def test_long_names_are_bounded_in_bytes(char: str) -> None:
    name = sanitize_filename(char * 300 + ".docx")
    assert name.endswith(".docx") and name.startswith(char)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    name.encode("utf-8")  # never half a character
