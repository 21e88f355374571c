"""Hostile documents made in code (never copied from anywhere): lying zips, deep e-mails."""

from __future__ import annotations

import io
import struct
import zipfile


def lying_docx(real_size: int, declared: int = 2048) -> bytes:
    """A .docx whose word/document.xml inflates to ``real_size`` bytes while its local header
    and central directory both declare ``declared``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=False) as member:
            head = b'<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>'
            member.write(head)
            left = real_size - len(head)
            chunk = b"a" * (1 << 20)
            while left > 0:
                member.write(chunk[: min(left, len(chunk))])
                left -= len(chunk)
    data = bytearray(out.getvalue())
    name = b"word/document.xml"
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        if data[local + 30 : local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        if data[central + 46 : central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def nested_eml(depth: int) -> bytes:
    """An e-mail forwarded ``depth`` times, each one attached inside the previous."""
    inner = (
        "From: origine@example.org\r\nSubject: Message d'origine\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "La rencontre aura lieu le 3 mars 2027.\r\n"
    )
    for level in range(depth):
        boundary = f"NIVEAU{level}"
        inner = (
            f"From: relais{level}@example.org\r\nSubject: TR: niveau {level}\r\n"
            f'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
            f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"Transfert numéro {level}.\r\n"
            f"--{boundary}\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n"
            f"--{boundary}--\r\n"
        )
    return inner.encode()
