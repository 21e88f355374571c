"""Readers on hostile documents: memory stays bounded, XML is never expanded, depth degrades."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from bot.sources.documents import DocumentError, read_bytes

from .hostile import lying_docx, nested_eml

MEMORY_LIMIT_MB = 300


def _peak_rss_mb_reading(path: Path) -> tuple[float, str]:
    code = textwrap.dedent(
        f"""
        from pathlib import Path
        from bot.sources.documents import DocumentError, read_document
        try:
            read_document(Path({str(path)!r}))
            outcome = "read"
        except DocumentError as exc:
            outcome = exc.code
        # VmHWM is this process's own peak (ru_maxrss keeps the parent's across exec).
        status = Path("/proc/self/status").read_text()
        peak_kb = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1])
        print(peak_kb / 1024, outcome)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    peak, outcome = done.stdout.split()
    return float(peak), outcome


def test_lying_zip_directory_costs_bounded_memory(tmp_path: Path) -> None:
    # Declares 2 KB, inflates to 1 GB: inflated in bounded chunks, stopped at the cap.
    path = tmp_path / "menteur.docx"
    path.write_bytes(lying_docx(1_000_000_000))
    assert path.stat().st_size < 5_000_000
    peak, outcome = _peak_rss_mb_reading(path)
    assert outcome in ("unreadable", "zip_bomb")
    assert peak < MEMORY_LIMIT_MB


def test_office_xml_entities_are_never_expanded() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{"&lol" + (str(i - 1) if i > 1 else "") + ";" * 1}' * 10 + '">'
            for i in range(1, 10)
        )
        + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", laughs)
    with pytest.raises(DocumentError) as exc:
        read_bytes(out.getvalue(), "rire.docx")
    assert exc.value.code == "not_docx"


def test_real_docx_still_reads_tables_headers_and_title(maker: ModuleType) -> None:
    data = maker.make_docx(
        title=None,
        author="Table régionale",
        header="En-tête de la table",
        heading="Avis de consultation",
        paragraphs=["Nous vous invitons à la consultation du 3 mars 2027."],
        table=[["Étape", "Date"], ["Dépôt des avis", "1er octobre 2026"]],
    )
    doc = read_bytes(data, "avis.docx")
    assert doc.title == "Avis de consultation"
    assert doc.sender == "Table régionale"
    assert "Dépôt des avis | 1er octobre 2026" in doc.text
    assert "En-tête de la table" in doc.text


def test_email_nested_200_deep_is_read_to_the_limit_with_inner_parts_listed() -> None:
    doc = read_bytes(nested_eml(200), "transfert.eml")
    assert doc.title == "niveau 199"
    listed = doc.meta.get("skipped_attachments") or doc.meta.get("nested_not_read") or []
    # Nothing is lost silently: the parts beyond the depth limit are named.
    assert listed
    depth = 0
    level = doc
    while level.attachments:
        level = level.attachments[0]
        depth += 1
    assert depth >= 2
