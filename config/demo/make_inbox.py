# ruff: noqa: E501  (demo prose is kept as written)
"""Generate the demo inbox documents (our own French communications) and the writers
the tests and benchmarks use to build documents: a minimal PDF writer, .docx, .eml.

    .venv/bin/python config/demo/make_inbox.py        # (re)writes config/demo/inbox/

Nothing here is copied from the coalition's real samples.
"""

from __future__ import annotations

import base64
import io
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent


# --------------------------------------------------------------------------- PDF


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _pdf_text_string(text: str) -> bytes:
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().upper().encode() + b">"


def make_pdf(
    pages: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    author: str | None = None,
    created: str = "D:20261001090000-04'00'",
    width: int = 90,
) -> bytes:
    """A small valid PDF: each page a list of paragraphs, Helvetica, WinAnsi (French accents)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree number is known
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    info_parts = [b"/Producer (Relais demo)", b"/CreationDate " + _pdf_string(created)]
    if title:
        info_parts.append(b"/Title " + _pdf_text_string(title))
    if author:
        info_parts.append(b"/Author " + _pdf_text_string(author))
    info = add(b"<< " + b" ".join(info_parts) + b" >>")
    kids: list[int] = []
    for paragraphs in pages:
        lines: list[str] = []
        for paragraph in paragraphs:
            lines.extend(textwrap.wrap(paragraph, width) or [""])
            lines.append("")
        ops = [b"BT /F1 11 Tf 14 TL 60 780 Td"]
        for line in lines[:52]:
            ops.append(_pdf_string(line) + b" Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] " % pages_id
                + b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = (
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % k for k in kids)
        + b"] /Count %d >>" % len(kids)
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n" % (len(objects) + 1, catalog, info)
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def encrypt_pdf(data: bytes, password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --------------------------------------------------------------------------- DOCX


def make_docx(
    *,
    title: str | None,
    author: str | None,
    header: str | None,
    heading: str | None,
    paragraphs: Sequence[str],
    table: Sequence[Sequence[str]] = (),
) -> bytes:
    import docx

    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if heading:
        document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    document.add_paragraph("Veuillez agréer nos salutations distinguées.")
    props = document.core_properties
    props.title = title or ""
    props.author = author or ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- EML


def make_eml(
    *,
    subject: str,
    sender: str,
    date: str,
    body: str,
    charset: str = "utf-8",
    body_codec: str | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    message_id: str = "<demo@relais.local>",
) -> bytes:
    """A MIME message written by hand (so that labels can lie, as real mailers' do).

    ``charset`` is the label written; ``body_codec`` the codec really used (default: same).
    ``attachments`` are (file name as written in the header, content type, bytes).
    """
    from email.header import Header
    from email.utils import formataddr, parseaddr

    sender = formataddr(parseaddr(sender), "utf-8")
    encoded_subject = Header(subject, "utf-8").encode()
    head = (
        f"From: {sender}\r\nTo: info@coalition.example\r\nSubject: {encoded_subject}\r\n"
        f"Date: {date}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
    ).encode("ascii")
    body_bytes = body.replace("\n", "\r\n").encode(body_codec or charset)
    text_part = (
        f'Content-Type: text/plain; charset="{charset}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    ).encode("ascii") + base64.encodebytes(body_bytes).replace(b"\n", b"\r\n")
    if not attachments:
        return head + text_part
    boundary = "==relais-demo-boundary=="
    out = [head, f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode("ascii")]
    out.append(f"--{boundary}\r\n".encode("ascii") + text_part + b"\r\n")
    for name, content_type, payload in attachments:
        out.append(
            (
                f"--{boundary}\r\nContent-Type: {content_type}\r\n"
                f'Content-Disposition: attachment; filename="{name}"\r\n'
                "Content-Transfer-Encoding: base64\r\n\r\n"
            ).encode()
            + base64.encodebytes(payload).replace(b"\n", b"\r\n")
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(out)


# --------------------------------------------------------------------------- demo content

LETTER = """Québec, le 2 septembre 2026

Madame la Coordonnatrice,

Objet : Convocation à la rencontre du comité de liaison sur le PSOC

Le ministère de la Santé et des Services sociaux vous remercie de votre collaboration aux travaux sur le Programme de soutien aux organismes communautaires (PSOC).

La prochaine rencontre du comité de liaison se tiendra le 14 octobre 2026, de 9 h 30 à 12 h, dans nos bureaux de Québec et en visioconférence. L’ordre du jour portera sur l’indexation du financement à la mission globale et sur le calendrier de la reddition de comptes.

Nous vous demandons de nous transmettre vos commentaires sur le document de travail d’ici le 30 septembre 2026. Les délégations pourront tenir leur rencontre préparatoire d’ici là ; nos équipes restent disponibles pour répondre à vos questions.

Veuillez agréer, Madame la Coordonnatrice, l’expression de nos sentiments distingués.

Direction des services sociaux généraux et des activités communautaires
"""

AGENDA = """Ordre du jour — comité de liaison du 14 octobre 2026

1. Mot de bienvenue
2. Indexation du financement à la mission globale 2026-2027
3. Calendrier de la reddition de comptes : dépôt des rapports d’activités au plus tard le 30 novembre 2026
4. Varia
"""

BULLETIN = """Bulletin de la Coalition — septembre 2026

Bonjour à toutes et à tous,

La rentrée est chargée pour nos délégations. Le ministère a confirmé la tenue du comité de liaison le 14 octobre 2026 et attend nos commentaires sur le document de travail.

Dates à retenir
- 23 septembre 2026 : rencontre préparatoire de la délégation au comité de liaison
- 30 septembre 2026 : date limite pour transmettre nos commentaires au ministère
- 14 octobre 2026 : rencontre du comité de liaison
- 21 octobre 2026 : rencontre de rétroaction

Les membres qui souhaitent contribuer à l’avis peuvent écrire à l’équipe de coordination avant le 25 septembre.

Bonne rentrée !
L’équipe de coordination
"""

DOCX_PARAGRAPHS = [
    "Québec, le 15 août 2026",
    "Objet : Cadre de financement à la mission globale — consultation des regroupements",
    "Madame, Monsieur,",
    "La Coalition vous invite à participer à la consultation sur le cadre de financement à la mission globale. "
    "Les regroupements régionaux sont appelés à déposer un avis écrit d’ici le 1er octobre 2026.",
    "Une séance d’information en ligne se tiendra le 10 septembre 2026 à 13 h 30. Le calendrier complet "
    "figure dans le tableau ci-dessous.",
]
DOCX_TABLE = [
    ["Étape", "Date"],
    ["Séance d’information", "10 septembre 2026"],
    ["Dépôt des avis écrits", "1er octobre 2026"],
    ["Rencontre de synthèse", "22 octobre 2026"],
]

PDF_PAGES = [
    [
        "INFO-PSOC numéro 5",
        "Octobre 2026",
        "Par ce bulletin, la Coalition tient les organismes communautaires informés des travaux entourant "
        "le Programme de soutien aux organismes communautaires.",
        "Indexation 2026-2027 : le ministère a annoncé une indexation de 3,1 % du financement à la mission "
        "globale, versée avec le premier versement de l’année.",
    ],
    [
        "Prochaines étapes",
        "Le comité de liaison se réunira le 14 octobre 2026. Une rencontre de rétroaction suivra le "
        "21 octobre 2026 pour faire le point avec les délégations.",
        "Les organismes doivent transmettre leur rapport d’activités au plus tard le 30 novembre 2026.",
    ],
]


def _month_name(redate: Callable[[str], str]) -> str:
    """« septembre-2026 » for the bulletin's file name, moved with the rest."""
    months = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
              "septembre", "octobre", "novembre", "decembre"]  # fmt: skip
    year, month = redate("2026-09-15")[:7].split("-")
    return f"{months[int(month) - 1]}-{year}"


def demo_files(redate: Callable[[str], str] = str) -> dict[str, bytes]:
    """Relative path -> bytes of every demo document; ``redate`` moves the dates of every
    text and name (`relais demo` moves them relative to the day it runs: bot/demo_dates.py)."""
    letter = make_eml(
        subject=redate("Convocation au comité de liaison du 14 octobre 2026"),
        sender="Direction des services sociaux généraux <dssgac@msss.example>",
        date=redate("Wed, 02 Sep 2026 14:05:00 -0400"),
        body=redate(LETTER),
        # Labelled Latin-1 but written by a Windows mailer: ’ and œ only exist in cp1252.
        charset="iso-8859-1",
        body_codec="cp1252",
        attachments=[
            ("ordre-du-jour.txt", "text/plain; charset=utf-8", redate(AGENDA).encode("utf-8"))
        ],
        message_id="<convocation-2026-09-02@msss.example>",
    )
    return {
        redate("2026-09-02") + "-convocation-comite-liaison.eml": letter,
        f"bulletin-{_month_name(redate)}.txt": redate(BULLETIN).encode("utf-8"),
        "psoc/" + redate("2026-08-15") + "-cadre-financement.docx": make_docx(
            title="Cadre de financement à la mission globale",
            author="Coalition des tables régionales",
            header="Coalition des tables régionales — document de consultation",
            heading=None,
            paragraphs=[redate(p) for p in DOCX_PARAGRAPHS],
            table=[[redate(cell) for cell in row] for row in DOCX_TABLE],
        ),
        redate("2026-10-15")[:7] + "-info-psoc-5.pdf": make_pdf(
            [[redate(p) for p in page] for page in PDF_PAGES],
            title="INFO-PSOC numéro 5",
            author="Coalition",
        ),
    }


def main(argv: Sequence[str] = ()) -> int:
    target = Path(argv[0]) if argv else HERE / "inbox"
    for relative, data in demo_files().items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{path} ({len(data)} octets)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
