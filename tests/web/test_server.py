"""The web listener: routes added by features, ephemeral ports, disabled, port taken."""

from __future__ import annotations

import socket
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app import App
from bot.settings import SettingsError, WebListenError, load_settings, parse_listen
from bot.web.server import WebServer
from tests.helpers import make_settings


async def _hello(request: web.Request) -> web.Response:
    return web.json_response({"bonjour": True})


async def test_serves_routes_added_before_start_on_an_ephemeral_port() -> None:
    server = WebServer("127.0.0.1:0")
    server.add_routes([web.get("/bonjour", _hello)])
    await server.start()
    try:
        assert server.port and server.port > 0
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{server.base_url}/bonjour") as response:
                assert response.status == 200
                assert await response.json() == {"bonjour": True}
        with pytest.raises(RuntimeError):
            server.add_routes([web.get("/tard", _hello)])
    finally:
        await server.stop()
    assert server.port is None
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as session:
            await session.get(f"http://127.0.0.1:{server.address[1] if server.address else 0}/x")


@pytest.mark.parametrize("listen", ["", "off", "OFF", "  "])
async def test_disabled_listener_starts_and_stops_as_nothing(listen: str) -> None:
    server = WebServer(listen)
    server.add_routes([web.get("/bonjour", _hello)])
    await server.start()
    assert not server.enabled and server.port is None and server.base_url == ""
    await server.stop()


def test_public_url_wins_for_links() -> None:
    assert WebServer("0.0.0.0:8765", public_url="https://relais.example.org/").base_url == (
        "https://relais.example.org"
    )
    assert WebServer("0.0.0.0:8765").base_url == "http://127.0.0.1:8765"
    assert WebServer("[::1]:9000").base_url == "http://[::1]:9000"


@pytest.mark.parametrize("bad", ["8765", "localhost", "hote:port", ":8765", "127.0.0.1:70000"])
def test_bad_listen_values_are_refused(bad: str) -> None:
    with pytest.raises(WebListenError):
        parse_listen(bad)


def test_environment_overrides_and_disables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELAIS_WEB_LISTEN", "0.0.0.0:9999")
    assert load_settings(env_file=tmp_path / "no.env").config.web.listen == "0.0.0.0:9999"
    monkeypatch.setenv("RELAIS_WEB_LISTEN", "")
    assert load_settings(env_file=tmp_path / "no.env").config.web.listen == ""
    monkeypatch.setenv("RELAIS_WEB_LISTEN", "n'importe quoi")
    with pytest.raises(SettingsError, match="RELAIS_WEB_LISTEN"):
        load_settings(env_file=tmp_path / "no.env")


def test_bad_listen_in_relais_toml_is_explained_in_french(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELAIS_WEB_LISTEN", raising=False)
    config = tmp_path / "config"
    config.mkdir()
    (config / "relais.toml").write_text('[web]\nlisten = "8765"\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(config_dir=config, env_file=tmp_path / "no.env")
    assert "web.listen" in str(caught.value) and "hôte:port" in str(caught.value)


async def test_app_starts_and_stops_its_listener(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    assert settings.config.web.listen == "127.0.0.1:0"  # tests/conftest.py
    app = await App.create(settings)
    try:
        await app.start()
        assert app.web.port
        port = app.web.port
    finally:
        await app.close()
    assert app.web.port is None
    with socket.socket() as probe:  # the port is free again
        probe.bind(("127.0.0.1", port))


async def test_a_taken_port_is_reported_and_relais_keeps_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        settings = make_settings(tmp_path)
        web_config = settings.config.web.model_copy(update={"listen": f"127.0.0.1:{taken}"})
        settings.config.web = web_config
        app = await App.create(settings)
        try:
            await app.start()
            assert app.web.port is None
            err = capsys.readouterr().err
            assert f"127.0.0.1:{taken}" in err and "RELAIS_WEB_LISTEN" in err
        finally:
            await app.close()


def test_relais_demo_never_listens_so_a_taken_port_is_no_matter(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        monkeypatch.setenv("RELAIS_WEB_LISTEN", f"127.0.0.1:{holder.getsockname()[1]}")
        assert main(["demo"]) == 0
    captured = capsys.readouterr()
    assert "Démonstration terminée" in captured.out
    assert "n’a pas pu ouvrir l’adresse web" not in captured.err
