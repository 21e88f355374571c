"""`relais ingest PATH... [--json]`: read documents and show what would be posted, post nothing."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.messages import t
from bot.models import Document
from bot.safe_text import for_terminal
from bot.settings import Settings
from bot.sources.documents.dispatch import read_document
from bot.sources.documents.errors import DocumentError
from bot.sources.documents.limits import Limits
from bot.text import analyse, reference_kind_of
from bot.timeutil import format_local, to_local, utc_now

# Below this many files a progress bar is noise.
PROGRESS_MIN_FILES = 5


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders expanded to their files (sorted, hidden ones skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if child.is_file() and not any(p.startswith(".") for p in relative):
                    yield child
        else:
            yield path


def _reference(doc: Document, settings: Settings) -> date:
    return to_local(doc.published or utc_now(), settings.timezone).date()


def describe(doc: Document, source: str, settings: Settings) -> dict[str, Any]:
    """The JSON shape of one document (and, recursively, of its attachments)."""
    analysis = analyse(
        doc.text,
        reference=_reference(doc, settings),
        title=doc.title,
        max_sentences=settings.config.summary.sentences,
        reference_kind=reference_kind_of(
            doc.kind, doc.published is not None, doc.meta.get("published_precision")
        ),
    )
    return {
        "source": source,
        "kind": doc.kind,
        "title": doc.title,
        "sender": doc.sender,
        "published": doc.published.isoformat() if doc.published else None,
        "text_chars": len(doc.text),
        "summary": list(analysis.summary),
        "dates": [d.to_dict() for d in analysis.dates],
        "attachments": [
            describe(a, f"{source}#{a.meta.get('filename', a.title)}", settings)
            for a in doc.attachments
        ],
    }


def shown_path(path: Path) -> str:
    """The path as text that can be printed: bytes of a name that are not UTF-8 (a file
    from an old system) become U+FFFD instead of crashing the output."""
    return os.fsencode(path).decode("utf-8", "replace")


def read_one(path: Path, settings: Settings) -> dict[str, Any]:
    limits = Limits(max_file_bytes=settings.config.inbox.max_file_bytes)
    source = shown_path(path)
    try:
        if not path.exists():
            return {"source": source, "error": t("inbox.cli.not_found")}
        doc = read_document(path, source_kind="inbox", source_name="ingest", limits=limits)
    except DocumentError as exc:
        return {"source": source, "error": exc.reason}
    return describe(doc, source, settings)


def _write(out: TextIO, text: str) -> None:
    # Titles, names and text come from strangers: inert in a terminal (no escape sequences,
    # bell or bidi reordering).
    out.write(for_terminal(text))


def human(result: dict[str, Any], out: TextIO, indent: str = "") -> None:
    """A readable French rendering for the terminal."""
    if "error" in result:
        _write(out, f"{indent}✗ {result['source']}\n{indent}  {result['error']}\n\n")
        return
    _write(out, f"{indent}■ {result['title']}  [{result['kind']}]\n")
    _write(out, f"{indent}  {result['source']}\n")
    if result["sender"]:
        _write(out, f"{indent}  De : {result['sender']}\n")
    if result["published"]:
        from datetime import datetime

        when = format_local(datetime.fromisoformat(result["published"]), with_time=False)
        _write(out, f"{indent}  Date : {when}\n")
    _write(out, f"{indent}  {result['text_chars']} caractères\n")
    for sentence in result["summary"]:
        _write(out, f"{indent}  • {sentence}\n")
    if result["dates"]:
        _write(out, f"{indent}  Dates à retenir :\n")
        for found in result["dates"][:12]:
            doubt = f" ({t('text.year_inferred')})" if found.get("doubtful") else ""
            _write(out,
                f"{indent}    - {found['date']}{doubt} — {found.get('label') or found['text']}\n"
            )
    _write(out, "\n")
    for attachment in result["attachments"]:
        human(attachment, out, indent + "    ")


class Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.enabled = total >= PROGRESS_MIN_FILES and stream.isatty()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(self.total, 1))
        label = t("inbox.cli.progress", done=done, total=self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {label}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


async def ingest_command(
    paths: list[Path],
    as_json: bool,
    settings: Settings,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Read each document (in order) and print it; exit code 1 if any could not be read."""
    out = out or sys.stdout
    err = err or sys.stderr
    files = list(expand(paths))
    progress = Progress(len(files), err)
    failed = 0
    for index, path in enumerate(files, start=1):
        result = await asyncio.to_thread(read_one, path, settings)
        failed += "error" in result
        if as_json:
            out.write(for_terminal(json.dumps(result, ensure_ascii=False)) + "\n")
        else:
            human(result, out)
        out.flush()
        progress.update(index)
    progress.close()
    return 1 if failed else 0
