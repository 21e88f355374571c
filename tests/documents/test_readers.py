"""Each reader on well-formed documents: real samples and our own generated ones."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest

from bot.sources.documents import DocumentError, read_bytes, read_document
from bot.timeutil import MONTREAL


def local_day(dt: datetime | None) -> date | None:
    return dt.astimezone(MONTREAL).date() if dt else None


# ----------------------------------------------------------------- the coalition's samples


def test_shared_email_sample(shared_dir: Path) -> None:
    doc = read_document(shared_dir / "samples/inbox/2023-06-28-lettre-ministre-carmant.eml")
    assert doc.kind == "eml"
    assert doc.title == "Pour mieux démarrer la suite des travaux avec le MSSS"
    assert doc.sender == "CTROC <info@ctroc.org>"
    assert doc.published == datetime(2023, 6, 28, 14, 15, tzinfo=UTC)
    assert "Monsieur le Ministre" in doc.text
    assert "14 septembre" in doc.text
    assert len(doc.external_id) == 64


def test_shared_pdf_sample(shared_dir: Path) -> None:
    doc = read_document(shared_dir / "samples/inbox/info-psoc-4-janvier-2018.pdf")
    assert doc.kind == "pdf"
    assert doc.title == "INFO-PSOC #4"
    assert doc.sender == "CTROC"
    # The bulletin's own heading « Janvier 2018 » wins over the PDF's generation date.
    assert local_day(doc.published) == date(2018, 1, 1)
    assert doc.meta["published_precision"] == "month"
    assert doc.meta["pages"] == 8
    assert "18 octobre 2017" in doc.text
    assert len(doc.text) > 5000


def test_shared_docx_sample(shared_dir: Path) -> None:
    doc = read_document(shared_dir / "samples/inbox/2021-01-13-regroupements-sectoriels.docx")
    assert doc.kind == "docx"
    assert "regroupements sectoriels" in doc.title
    assert doc.sender == "CTROC"
    # The letterhead « Québec, le 13 janvier 2021 » wins over the template's 2013 metadata.
    assert local_day(doc.published) == date(2021, 1, 13)
    assert "Monsieur Garneau" in doc.text


# ----------------------------------------------------------------- our own documents


def test_email_labelled_latin1_is_read_as_cp1252(demo_files: dict[str, bytes]) -> None:
    data = demo_files["2026-09-02-convocation-comite-liaison.eml"]
    doc = read_bytes(data, "convocation.eml")
    assert doc.title == "Convocation au comité de liaison du 14 octobre 2026"
    assert doc.sender == "Direction des services sociaux généraux <dssgac@msss.example>"
    assert doc.published == datetime(2026, 9, 2, 18, 5, tzinfo=UTC)
    assert "L’ordre du jour" in doc.text  # U+2019, not the C1 control \x92 of Latin-1
    assert not any("\x80" <= ch <= "\x9f" for ch in doc.text)
    assert doc.meta["message_id"] == "<convocation-2026-09-02@msss.example>"


def test_email_attachment_is_its_own_document(demo_files: dict[str, bytes]) -> None:
    doc = read_bytes(demo_files["2026-09-02-convocation-comite-liaison.eml"], "c.eml")
    assert len(doc.attachments) == 1
    agenda = doc.attachments[0]
    assert agenda.kind == "txt"
    assert agenda.title == "Ordre du jour — comité de liaison du 14 octobre 2026"
    assert agenda.meta["filename"] == "ordre-du-jour.txt"
    assert "30 novembre 2026" in agenda.text
    assert agenda.external_id != doc.external_id


def test_email_html_only_body(maker: ModuleType) -> None:
    raw = (
        b"From: a@b.example\r\nSubject: Avis\r\nDate: Mon, 01 Jun 2026 09:00:00 -0400\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + "<p>Dépôt au plus tard le 1<sup>er</sup> avril 2027.</p>".encode()
    )
    doc = read_bytes(raw, "avis.eml")
    assert "1er avril 2027" in doc.text


def test_forward_prefix_removed_from_title() -> None:
    raw = b"From: a@b.example\r\nSubject: TR : RE: Lettre du ministre\r\n\r\nBonjour."
    assert read_bytes(raw, "x.eml").title == "Lettre du ministre"


def test_docx_tables_and_headers(demo_files: dict[str, bytes]) -> None:
    doc = read_bytes(demo_files["psoc/2026-08-15-cadre-financement.docx"], "cadre.docx")
    assert doc.title == "Cadre de financement à la mission globale"
    assert doc.sender == "Coalition des tables régionales"
    assert local_day(doc.published) == date(2026, 8, 15)
    assert "Dépôt des avis écrits | 1er octobre 2026" in doc.text
    assert "Coalition des tables régionales — document de consultation" in doc.text


def test_docx_title_falls_back_to_heading(maker: ModuleType) -> None:
    data = maker.make_docx(
        title=None,
        author=None,
        header=None,
        heading="Rencontre préparatoire",
        paragraphs=["La délégation se réunira le 3 mars 2027."],
    )
    doc = read_bytes(data, "r.docx")
    assert doc.title == "Rencontre préparatoire"
    assert doc.sender is None


def test_pdf_pages_and_metadata(demo_files: dict[str, bytes]) -> None:
    doc = read_bytes(demo_files["2026-10-info-psoc-5.pdf"], "info.pdf")
    assert doc.title == "INFO-PSOC numéro 5"
    assert doc.sender == "Coalition"
    assert doc.meta["pages"] == 2
    assert "rapport d’activités" in doc.text
    assert local_day(doc.published) == date(2026, 10, 1)


def test_pdf_without_letterhead_uses_creation_date(maker: ModuleType) -> None:
    data = maker.make_pdf([["Compte rendu", "Rien à signaler."]], created="D:20250304120000Z")
    doc = read_bytes(data, "cr.pdf")
    assert doc.title == "Compte rendu"
    assert doc.published == datetime(2025, 3, 4, 12, tzinfo=UTC)


def test_pdf_with_owner_password_only_is_read(maker: ModuleType) -> None:
    plain = maker.make_pdf([["Avis public", "Consultation ouverte."]])
    protected = maker.encrypt_pdf(plain, "")  # empty user password: opens for anyone
    assert "Consultation ouverte" in read_bytes(protected, "avis.pdf").text


@pytest.mark.parametrize(
    ("codec", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
        ("cp1252", b""),
    ],
)
def test_text_encodings(codec: str, bom: bytes) -> None:
    text = "Bulletin d’automne\n\nLa rencontre du comité aura lieu le 1er décembre 2026 à Québec.\n"
    doc = read_bytes(bom + text.encode(codec), "bulletin.txt")
    assert doc.title == "Bulletin d’automne"
    assert "1er décembre 2026 à Québec" in doc.text
    assert doc.external_id  # SHA-256 of the bytes as dropped


def test_markdown_heading_is_title() -> None:
    doc = read_bytes("Intro\n\n# Dates à retenir\n\n- 5 mai".encode(), "notes.md")
    assert doc.kind == "md"
    assert doc.title == "Dates à retenir"


def test_html_page() -> None:
    page = (
        "<html><head><meta charset='windows-1252'><title>Avis &amp; consultation</title>"
        "<meta name='author' content='MSSS'></head><body><h1>Avis</h1>"
        "<p>Date limite : 1<sup>er</sup> avril 2027. L’avis compte.</p></body></html>"
    ).encode("cp1252")
    doc = read_bytes(page, "avis.html")
    assert doc.title == "Avis & consultation"
    assert doc.sender == "MSSS"
    assert "1er avril 2027" in doc.text
    assert "L’avis" in doc.text


def test_read_document_sets_original_path(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Note de service\n\nTexte.", encoding="utf-8")
    doc = read_document(path, source_kind="upload", source_name="staff")
    assert doc.original_path == path
    assert doc.source_kind == "upload"
    assert doc.source_name == "staff"


def test_name_override_chooses_reader(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_bytes(b"Titre\n\nCorps du texte.")
    assert read_document(path, name="upload.txt").kind == "txt"
    with pytest.raises(DocumentError):
        read_document(path)


def test_latin1_encoded_word_header_read_as_cp1252() -> None:
    raw = (
        b"From: =?iso-8859-1?q?Minist=E8re_de_la_Sant=E9?= <msss@example.org>\r\n"
        b"Subject: =?iso-8859-1?q?L=92avis_du_minist=E8re_=96_=9Cuvre?=\r\n"
        b"Content-Type: text/plain; charset=latin-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        b"C\x92est l\x92\x9cuvre de la Coalition \x96 bravo.\r\n"
    )
    doc = read_bytes(raw, "avis.eml")
    assert doc.title == "L’avis du ministère – œuvre"
    assert doc.sender == "Ministère de la Santé <msss@example.org>"
    assert "C’est l’œuvre de la Coalition – bravo." in doc.text


RAGGED = (
    "Bulletin de l’automne\n\n"
    "Le ﬁnancement des organis-\nmes communautaires est au cœur\n"
    "de la négociation. Les organismes seront rencontrés le 1\ner\njuin 2027. Le RQ-\n"
    "ACA sera présent.\n"
)


def _as_eml(text: str) -> bytes:
    return (
        b"From: a@b.example\r\nSubject: Bulletin\r\nDate: Mon, 01 Jun 2026 09:00:00 -0400\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + text.encode()
    )


def _as_html(text: str) -> bytes:
    paragraphs = text.split("\n\n")
    return (
        "<html><body>" + "".join(f"<pre>{p}</pre>" for p in paragraphs) + "</body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("b.txt", RAGGED.encode()),
        ("b.md", RAGGED.encode("utf-16")),
        ("b.eml", _as_eml(RAGGED)),
        ("b.html", _as_html(RAGGED)),
    ],
)
def test_readers_clean_the_text(name: str, data: bytes) -> None:
    """Ligatures, line-end hyphens, split ordinals and hard line breaks, in every reader."""
    text = read_bytes(data, name).text
    assert "Le financement des organismes communautaires est au cœur de la négociation." in text
    assert "le 1er juin 2027" in text
    assert "RQ-ACA" in text  # « ACA » alone is no word of the text: the hyphen stays
    assert "ﬁ" not in text


def test_committed_demo_inbox_matches_its_generator(
    repo_dir: Path, demo_files: dict[str, bytes]
) -> None:
    """config/demo/inbox/ (used by `relais demo`) is what make_inbox.py writes."""
    root = repo_dir / "config/demo/inbox"
    for relative, data in demo_files.items():
        committed = (root / relative).read_bytes()
        if relative.endswith(".docx"):  # zip entries carry their write time
            assert read_bytes(committed, relative).text == read_bytes(data, relative).text
        else:
            assert committed == data, relative
