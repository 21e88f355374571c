"""`relais feed SOURCE [--json]` through feed_command: files, URLs, unreadable feeds."""

from __future__ import annotations

import io
import json
from pathlib import Path

from aiohttp import web

from bot.sources.feeds.cli import feed_command
from tests.feeds.conftest import FeedServer, make_settings


async def test_json_lines_for_the_demo_feed(tmp_path: Path, repo_dir: Path) -> None:
    settings = make_settings(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    source = str(repo_dir / "config" / "demo" / "feeds" / "msss-communiques.xml")
    assert await feed_command(source, True, settings, out=out, err=err) == 0
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert err.getvalue() == ""
    assert len(lines) == 4
    first = lines[0]
    assert set(first) == {"id", "title", "link", "published", "summary", "dates", "categories"}
    assert first["id"] == "demo-msss-2026-11-20-psoc"
    assert first["published"] == "2026-11-20T15:00:00+00:00"
    assert first["link"].startswith("https://msss.exemple.gouv.qc.ca/salle-de-presse/")
    assert first["categories"] == ["PSOC", "Financement"]
    assert isinstance(first["summary"], list) and first["summary"]
    assert all({"date", "text", "kind"} <= set(d) for d in first["dates"])
    assert lines[3]["published"] is None  # an item without a date


async def test_text_output_shows_posts(tmp_path: Path, feed_server: FeedServer, repo_dir: Path) -> None:
    body = (repo_dir / "config" / "demo" / "feeds" / "ctroc-nouvelles.atom").read_bytes()
    url = feed_server.serve("/coalition.atom", body, content_type="application/atom+xml")
    settings = make_settings(tmp_path, allow=["127.0.0.1"])
    out, err = io.StringIO(), io.StringIO()
    assert await feed_command(url, False, settings, out=out, err=err) == 0
    text = out.getvalue()
    assert "2 élément(s)" in text
    assert "Bulletin Info-PSOC no 14 : les négociations reprennent" in text
    assert "Semaine de visibilité" in text


async def test_unreadable_feeds_exit_2_with_one_french_line(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    async def broken(request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text="panne")

    feed_server.route("/panne.xml", broken)
    cases = {
        str(tmp_path / "absent.xml"): "introuvable",
        feed_server.url("/panne.xml"): "500",  # allow-listed below
        "http://10.0.0.1/flux.xml": "non publique",
    }
    settings = make_settings(tmp_path, allow=["127.0.0.1"])
    (tmp_path / "page.html").write_text("<html><body>Bonjour</body></html>", encoding="utf-8")
    cases[str(tmp_path / "page.html")] = "pas un flux"
    for source, expected in cases.items():
        out, err = io.StringIO(), io.StringIO()
        assert await feed_command(source, True, settings, out=out, err=err) == 2, source
        assert out.getvalue() == ""
        lines = err.getvalue().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Flux illisible : ") and expected in lines[0]
