"""Every file of feedparser's own test corpus goes through Relais' parsing path unharmed."""

from __future__ import annotations

import tarfile
from pathlib import Path

from bot.sources.feeds.parse import FeedParseError, parse_bytes, to_document

CORPUS = "corpora/feedparser-tests.tar.gz"


def test_feedparser_corpus_never_raises(shared_dir: Path) -> None:
    path = shared_dir / CORPUS
    assert path.is_file(), f"{path} is missing"
    files = parsed = refused = items = 0
    escaped: list[str] = []
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if not member.isfile() or not member.name.startswith("./tests/"):
                continue
            handle = archive.extractfile(member)
            assert handle is not None
            data = handle.read()
            files += 1
            try:
                feed = parse_bytes(data, url="https://exemple.org/flux.xml")
            except FeedParseError:
                refused += 1
                continue
            except Exception as exc:  # the point of the test: nothing else may escape
                escaped.append(f"{member.name}: {type(exc).__name__}: {exc}")
                continue
            parsed += 1
            for item in feed.items:
                try:
                    to_document(item, feed_name="corpus", feed=feed)
                except Exception as exc:
                    escaped.append(f"{member.name} (document): {type(exc).__name__}: {exc}")
                items += 1
    assert escaped == []
    assert files > 2000
    # Most of the corpus is well-formed feeds: they must be read, not refused wholesale.
    assert parsed > 1500, (parsed, refused)
    assert items > 1000
