"""Logging for operators: one line per event, as text or as JSON (journald, containers).

``RELAIS_LOG_FORMAT=json`` (or ``[relais] log_format = "json"``) writes one JSON object per
line. Either way, an *expected* failure of the environment (a feed that answers 404, Discord or
the network unreachable, a timeout) is logged as one line naming the error, never as a
traceback: a traceback means a bug and is worth reporting.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Exceptions Relais meets in normal operation (network, Discord, timeouts): the message is
# enough. Named by module and class so that this core module never imports discord.
_EXPECTED_NAMES = {
    ("discord.errors", "ConnectionClosed"),
    ("discord.errors", "GatewayNotFound"),
    ("discord.errors", "DiscordServerError"),
    ("aiohttp.client_exceptions", "ClientError"),
}
_EXPECTED_TYPES: tuple[type[BaseException], ...] = (OSError, TimeoutError, EOFError)

# Attributes every LogRecord has; anything else was passed with ``extra=`` and is kept in JSON.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def is_expected(exc: BaseException) -> bool:
    if isinstance(exc, _EXPECTED_TYPES):
        return True
    for klass in type(exc).__mro__:
        if (klass.__module__, klass.__name__) in _EXPECTED_NAMES:
            return True
    return False


class ExpectedErrorsFilter(logging.Filter):
    """Turn the traceback of an expected failure into `` (ErrorType: message)`` on the line."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = record.exc_info
        if info and info[1] is not None and is_expected(info[1]):
            exc = info[1]
            try:
                detail = str(exc).strip() or type(exc).__name__
            except Exception:  # a logging filter must never raise: some __str__ do
                detail = repr(exc)
            record.msg = f"{record.getMessage()} ({type(exc).__name__}: {detail})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


class OneLineFormatter(logging.Formatter):
    """Text lines; a traceback (a real bug) stays, indented so each event still starts a line."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\n", "\n    ")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                document[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False)


def setup_logging(level: str = "INFO", fmt: str = "text", stream: TextIO | None = None) -> None:
    """Configure the root logger once for a `relais` command (replacing earlier handlers)."""
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else OneLineFormatter(TEXT_FORMAT))
    handler.addFilter(ExpectedErrorsFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # discord.py and aiohttp are chatty at INFO; our own lines are what an operator needs.
    numeric = logging.getLevelName(level)
    for noisy in ("discord", "apscheduler", "aiosqlite", "watchfiles", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(max(numeric, logging.WARNING))
