"""Issue 16, point 3: web pages without a feed, watched against a loopback server."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import App
from bot.sources.feeds import store
from bot.sources.feeds.service import FeedAdminError, FeedService
from bot.sources.pages.extract import added_lines, extract, noise_key
from tests.feeds.conftest import FeedServer, make_settings
from tests.feeds.test_service import app, feeds_app, posts  # noqa: F401

CONSULTATION = (
    "<p>Le ministère lance une consultation sur le Programme de soutien aux organismes "
    "communautaires.</p>"
)
ADDED = (
    "<p>Nouveau : les mémoires doivent être déposés au plus tard le 15 janvier 2027 à 16 h, "
    "et une séance d’information aura lieu le 8 janvier 2027.</p>"
)


class NoisyPage:
    """A page whose chrome changes at every load: date banner, counter, tokens, scripts."""

    def __init__(self) -> None:
        self.loads = 0
        self.paragraphs = [CONSULTATION]
        self.sidebar = "<p>Autres nouvelles</p>"
        self.etag = False

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        self.loads += 1
        n = self.loads
        token = secrets.token_hex(16)
        html = f"""<!doctype html><html><head><title>Consultation PSOC</title>
<script>var t = "{secrets.token_urlsafe(12)}";</script></head><body>
<header><p>Mardi {n} décembre 2026, {8 + n % 10} h {n % 60:02d}</p></header>
<nav><a href="/">Accueil</a> <a href="/x?session={token}">Mon compte</a></nav>
<main>
<h1>Consultation sur le PSOC</h1>
<p>Mis à jour il y a {n} minutes</p>
<p>Dernière mise à jour : le {n} décembre 2026 à {n % 24} h 15</p>
{''.join(self.paragraphs)}
<p>{1000 + n * 7} visites</p>
<p>Jeton de session : {token}</p>
<form><input type="hidden" name="csrf" value="{secrets.token_hex(8)}"><button>Envoyer</button></form>
</main>
<aside>{self.sidebar}</aside>
<footer><p>© 2026 — page générée en {n * 3} ms le {n}/12/2026</p></footer>
</body></html>"""
        return web.Response(text=html, content_type="text/html")


async def communications(app: App) -> list[dict[str, object]]:  # noqa: F811
    rows = await app.db.fetchall(
        "SELECT title, text, dates_json, external_id FROM communications WHERE source_kind='feed'"
        " ORDER BY id"
    )
    return [dict(row) for row in rows]


async def test_noise_never_makes_a_change_and_a_real_change_is_posted_once(
    app: App, feed_server: FeedServer  # noqa: F811
) -> None:
    page = NoisyPage()
    url = feed_server.route("/consultation", page)
    service = FeedService(app)
    await service.add("Consultation PSOC", url, kind="page", channel="psoc")
    for _ in range(6):
        await service.run_once()
    assert page.loads == 6
    assert await communications(app) == []  # first version stored, five noisy reloads
    page.paragraphs.append(ADDED)
    for _ in range(3):
        await service.run_once()
    posted = await communications(app)
    assert len(posted) == 1
    change = posted[0]
    assert "15 janvier 2027" in str(change["text"]) and "Programme de soutien" not in str(change["text"])
    assert "Consultation PSOC" in str(change["title"])
    dates = json.loads(str(change["dates_json"]))
    assert any(d.get("date", "").startswith("2027-01-15") for d in dates), dates
    outbox = await posts(app.db)
    assert len(outbox) == 1 and outbox[0]["channel"] == "psoc"
    record = await store.get_feed(app.db, "Consultation PSOC")
    assert record is not None and record.items_relayed == 1 and not record.failures
    await service.stop()


async def test_a_selector_limits_what_is_watched(app: App, feed_server: FeedServer) -> None:  # noqa: F811
    page = NoisyPage()
    url = feed_server.route("/selecteur", page)
    service = FeedService(app)
    await service.add("Zone précise", url, kind="page", selector="main")
    await service.run_once()
    page.sidebar = "<p>Une nouvelle sans rapport, dans la colonne</p>"
    await service.run_once()
    assert await communications(app) == []
    page.paragraphs.append(ADDED)
    await service.run_once()
    assert len(await communications(app)) == 1
    await service.stop()


async def test_a_selector_that_matches_nothing_pauses_the_page_once(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    # 3 failures before the pause
    async with feeds_app(make_settings(tmp_path, allow=["127.0.0.1"])) as (application, service):
        url = feed_server.route("/structure", NoisyPage())
        await service.add("Structure changée", url, kind="page", selector="#disparu")
        for _ in range(5):
            await service.run_once()
            await application.db.execute("UPDATE feed_state SET next_poll = NULL")
        record = await store.get_feed(application.db, "Structure changée")
        assert record is not None and record.paused
        assert record.last_error is not None and "#disparu" in record.last_error
        notices = await posts(application.db, "feeds.paused")
        assert len(notices) == 1
        assert notices[0]["embeds"][0]["title"] == "Page mise en pause : Structure changée"  # type: ignore[index]


async def test_pages_use_conditional_get(app: App, feed_server: FeedServer) -> None:  # noqa: F811
    async def handler(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"p1"':
            return web.Response(status=304, headers={"ETag": '"p1"'})
        return web.Response(text=f"<main>{CONSULTATION}</main>", content_type="text/html",
                            headers={"ETag": '"p1"'})

    url = feed_server.route("/etag", handler)
    service = FeedService(app)
    await service.add("Avec ETag", url, kind="page")
    await service.run_once()
    await service.run_once()
    assert feed_server.requests[-1].headers.get("If-None-Match") == '"p1"'
    await service.stop()


async def test_pages_get_the_feeds_address_guard(tmp_path: Path, feed_server: FeedServer) -> None:
    async with feeds_app(make_settings(tmp_path, allow=[])) as (_, service):
        with pytest.raises(FeedAdminError) as caught:
            await service.add("Interne", feed_server.url("/x"), kind="page")
        assert "non publique" in caught.value.message


async def test_a_page_declared_in_feeds_toml(tmp_path: Path, feed_server: FeedServer) -> None:
    page = NoisyPage()
    url = feed_server.route("/toml", page)
    toml = f'[[feed]]\nname = "Page du ministère"\nurl = "{url}"\nkind = "page"\nselector = "main"\n'
    settings = make_settings(tmp_path, allow=["127.0.0.1"], feeds_toml=toml)
    async with feeds_app(settings) as (application, service):
        await service.run_once()
        page.paragraphs.append(ADDED)
        await service.run_once()
        assert len(await communications(application)) == 1


def test_noise_keys() -> None:
    assert noise_key("Mardi 1er décembre 2026") == noise_key("Mercredi 2 décembre 2026")
    assert noise_key("Mis à jour il y a 3 minutes") == noise_key("Mis à jour il y a 12 minutes")
    assert noise_key("1 234 visites") == noise_key("1 240 visites")
    assert noise_key("Jeton : a8f9c0d1e2b3f4a5b6c7") == noise_key("Jeton : 00ff11ee22dd33cc44bb")
    # A date inside a sentence is content: a moved deadline is a change.
    assert noise_key("Date limite : le 11 décembre, pour tous.") != noise_key(
        "Date limite : le 18 décembre, pour tous."
    )


def test_added_lines_ignore_noise_and_keep_order() -> None:
    old = extract(f"<main><p>Mardi 1 décembre 2026</p>{CONSULTATION}</main>")
    new = extract(f"<main><p>Mercredi 2 décembre 2026</p>{CONSULTATION}{ADDED}<p>Fin</p></main>")
    assert added_lines(old.keys, new) == [extract(ADDED).lines[0], "Fin"]


async def test_relais_page_shows_what_would_be_posted(tmp_path: Path, feed_server: FeedServer) -> None:
    import io

    from bot.sources.pages.cli import page_command

    settings = make_settings(tmp_path, allow=["127.0.0.1"])
    url = feed_server.route("/cli", NoisyPage())
    out, err = io.StringIO(), io.StringIO()
    assert await page_command(url, "main", True, settings, out=out, err=err) == 0
    payload = json.loads(out.getvalue())
    assert payload["page_title"] == "Consultation PSOC"
    assert any("Programme de soutien" in line for line in payload["lines"])
    assert not any("Accueil" in line for line in payload["lines"])  # outside the selector
    out = io.StringIO()
    assert await page_command(url, None, False, settings, out=out, err=err) == 0
    assert "Consultation PSOC" in out.getvalue()
    assert await page_command(url, "#absent", False, settings, out=out, err=err) == 2
    assert "#absent" in err.getvalue()
    (tmp_path / "autre").mkdir()
    private = make_settings(tmp_path / "autre", allow=[])
    err = io.StringIO()
    assert await page_command(url, None, False, private, out=out, err=err) == 2
    assert "non publique" in err.getvalue()


async def test_a_pdf_or_a_cp1252_page(app: App, feed_server: FeedServer) -> None:  # noqa: F811
    service = FeedService(app)
    pdf = feed_server.serve("/doc.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    await service.add("Un PDF", pdf, kind="page")
    body = "<main><p>Échéance : dépôt des mémoires.</p></main>".encode("cp1252")

    async def latin_page(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, headers={"Content-Type": "text/html; charset=windows-1252"})

    latin = feed_server.route("/latin.html", latin_page)
    await service.add("Latin", latin, kind="page")
    await service.run_once()
    record = await store.get_feed(app.db, "Un PDF")
    assert record is not None and record.last_error is not None
    assert "pas une page web" in record.last_error and "application/pdf" in record.last_error
    row = await app.db.fetchone("SELECT text FROM page_versions")
    assert row is not None and row["text"] == "Échéance : dépôt des mémoires."
    await service.stop()


async def test_a_big_page_is_read_in_the_sandbox(app: App, feed_server: FeedServer) -> None:  # noqa: F811
    from bot.sources.pages.extract import INLINE_TAGS

    filler = "<div><span>remplissage</span></div>" * (INLINE_TAGS // 2)
    state = {"extra": ""}

    async def big(request: web.Request) -> web.StreamResponse:
        html = f"<main>{CONSULTATION}{state['extra']}{filler}</main>"
        return web.Response(text=html, content_type="text/html")

    url = feed_server.route("/grosse", big)
    service = FeedService(app)
    await service.add("Grosse page", url, kind="page")
    await service.run_once()
    state["extra"] = ADDED
    await service.run_once()
    [change] = await communications(app)
    assert "15 janvier 2027" in str(change["text"])
    await service.stop()


def test_everyday_words_do_not_turn_content_into_noise() -> None:
    # « consultation », « vue », « session » are content: a moved date there is a change.
    for line in ("La consultation se termine le {} décembre.", "En vue de la rencontre du {} mai.",
                 "Session d’information le {} janvier 2027."):
        assert noise_key(line.format(11)) != noise_key(line.format(18)), line
    assert noise_key("Il y a eu 12 vues") == noise_key("Il y a eu 12 345 vues")
