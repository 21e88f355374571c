"""Property tests: whatever the bytes, readers return a Document or raise DocumentError."""

from __future__ import annotations

import os
import random
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Document
from bot.sources.documents import SUPPORTED_SUFFIXES, DocumentError, Limits, read_bytes
from bot.sources.documents.common import ReadContext, suffix_of
from bot.sources.documents.dispatch import READERS

from .conftest import load_maker

SMALL = Limits(max_file_bytes=1_000_000, pdf_seconds=5.0)
PROPS = settings(
    max_examples=int(os.environ.get("RELAIS_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Prefixes that get random bytes past each reader's first checks.
PREFIXES = {
    ".pdf": [b"", b"%PDF-1.4\n", b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"],
    ".docx": [b"", b"PK\x03\x04", b"PK\x05\x06" + b"\0" * 18],
    ".eml": [
        b"",
        b"From: a@b\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n",
    ],
    ".txt": [b"", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"],
    ".md": [b"", b"# "],
    ".html": [b"", b"<html><head><meta charset='utf-8'><title>"],
}


def check(data: bytes, name: str) -> None:
    # Each reader is called directly too: the dispatcher's last-resort wrapping must not be
    # what keeps foreign exceptions in.
    _, reader = READERS[suffix_of(name)]
    ctx = ReadContext(name=name, limits=SMALL, read_nested=_nested)
    for attempt in (lambda: reader(data, ctx), lambda: read_bytes(data, name, limits=SMALL)):
        try:
            result = attempt()
        except DocumentError as exc:
            assert isinstance(exc.reason, str) and exc.reason
            continue
        assert isinstance(result, Document)
        assert isinstance(result.text, str) and isinstance(result.title, str)


def _nested(data: bytes, name: str, depth: int) -> Document:
    return read_bytes(data, name, limits=SMALL, depth=depth)


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
@PROPS
@given(data=st.binary(max_size=4096), prefix_index=st.integers(min_value=0, max_value=3))
def test_random_bytes(suffix: str, data: bytes, prefix_index: int) -> None:
    prefixes = PREFIXES.get(suffix, [b""])
    prefix = prefixes[prefix_index % len(prefixes)]
    suffix_bytes = b"\n%%EOF\n" if suffix == ".pdf" and prefix_index % 2 else b""
    check(prefix + data + suffix_bytes, "doc" + suffix)


def _valid_documents(maker: ModuleType) -> dict[str, bytes]:
    files = maker.demo_files()
    return {
        "a.eml": files["2026-09-02-convocation-comite-liaison.eml"],
        "a.pdf": files["2026-10-info-psoc-5.pdf"],
        "a.docx": files["psoc/2026-08-15-cadre-financement.docx"],
        "a.txt": files["bulletin-septembre-2026.txt"],
    }


VALID = _valid_documents(load_maker())


@pytest.mark.parametrize("name", sorted(VALID))
@PROPS
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    flips=st.integers(1, 40),
    cut=st.floats(0.0, 1.0),
)
def test_mutated_valid_documents(name: str, seed: int, flips: int, cut: float) -> None:
    """Damaged copies of real-shaped documents reach deep into the parsers."""
    rng = random.Random(seed)
    data = bytearray(VALID[name])
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if cut < 0.3:
        data = data[: max(1, int(len(data) * (0.5 + cut)))]
    check(bytes(data), name)
