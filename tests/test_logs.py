"""Logs an operator can use: one line per event, JSON on request, no traceback for the
failures Relais expects (network, Discord, a feed that 404s)."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.logs import setup_logging

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def capture() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def _raise(exc: BaseException) -> None:
    try:
        raise exc
    except BaseException:
        logging.getLogger("relais.test").exception("feed MSSS failed")


def test_expected_failures_are_one_line_naming_the_error(capture: io.StringIO) -> None:
    setup_logging("INFO", "text", capture)
    _raise(ConnectionRefusedError(111, "Connect call failed"))
    _raise(aiohttp.ClientResponseError(None, (), status=404, message="Not Found"))  # type: ignore[arg-type]
    _raise(TimeoutError())
    lines = capture.getvalue().splitlines()
    assert len(lines) == 3, lines
    assert "Traceback" not in capture.getvalue()
    assert "feed MSSS failed (ConnectionRefusedError: [Errno 111] Connect call failed)" in lines[0]
    assert "ClientResponseError" in lines[1] and "404" in lines[1]
    assert "(TimeoutError: TimeoutError)" in lines[2]


def test_a_bug_keeps_its_traceback_under_its_line(capture: io.StringIO) -> None:
    setup_logging("INFO", "text", capture)
    _raise(ZeroDivisionError("division by zero"))
    text = capture.getvalue()
    assert "Traceback" in text and "ZeroDivisionError" in text
    first, *rest = text.rstrip("\n").split("\n")
    assert first.endswith("feed MSSS failed")
    assert rest and all(line.startswith("    ") for line in rest)  # one event, one block


def test_json_is_one_object_per_line(capture: io.StringIO) -> None:
    setup_logging("INFO", "json", capture)
    log = logging.getLogger("relais.test")
    log.info("outbox row %s sent", 12, extra={"row": 12})
    _raise(ConnectionResetError("reset"))
    _raise(KeyError("bug"))
    lines = capture.getvalue().splitlines()
    assert len(lines) == 3
    documents = [json.loads(line) for line in lines]
    assert documents[0]["message"] == "outbox row 12 sent" and documents[0]["row"] == 12
    assert documents[0]["level"] == "INFO" and documents[0]["logger"] == "relais.test"
    assert "exception" not in documents[1] and "ConnectionResetError" in documents[1]["message"]
    assert "Traceback" in documents[2]["exception"]


def test_log_format_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import SettingsError, load_settings

    monkeypatch.setenv("RELAIS_LOG_FORMAT", "json")
    assert load_settings(env_file=tmp_path / "no.env").config.relais.log_format == "json"
    monkeypatch.setenv("RELAIS_LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="text ou json"):
        load_settings(env_file=tmp_path / "no.env")


def test_discord_unreachable_at_start_is_retried_in_french_without_traceback(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens there once the probe is closed
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RELAIS_"))}
    env.update(
        {
            "DISCORD_TOKEN": "MTIzNDU2.abc.def",
            "DISCORD_GUILD_ID": "1234",
            "DISCORD_API_BASE": f"http://127.0.0.1:{closed}/api/v10",
            "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{closed}/gateway",
            "RELAIS_DATABASE": str(tmp_path / "relais.db"),
            "RELAIS_INBOX": str(tmp_path / "inbox"),
            "RELAIS_WEB_LISTEN": "off",
            "PYTHONPATH": str(REPO),
        }
    )
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "nouvel essai" not in log.read_text(encoding="utf-8", errors="replace"):
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)  # while it waits to try again: a clean stop
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    output = log.read_text(encoding="utf-8")
    assert "Discord est injoignable" in output
    assert "Traceback" not in output
