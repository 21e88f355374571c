"""Polite, bounded HTTP fetching of feeds (aiohttp).

Polite: conditional GET (never an empty validator), a clear User-Agent, gzip, at most two
requests at once per host, ``Retry-After`` and ``Cache-Control: max-age`` reported to the
poller. Bounded: 15 s for the whole fetch (redirects included), at most 5 redirects, the body
capped (5 MB by default, counted after decompression), every hop checked against the SSRF guard.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp

from bot.sources.feeds.safety import (
    AllowList,
    FeedSafetyError,
    GuardedResolver,
    check_http_url,
    check_ip,
    ip_literal,
)

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "Relais/0.1 (+bot de veille de la CTROC)"
DEFAULT_MAX_BODY = 5_000_000
DEFAULT_TIMEOUT = 15.0
MAX_REDIRECTS = 5
PER_HOST = 2
MAX_AGE_CAP = 3600.0  # a server may slow our polling down, but not for more than an hour
RETRY_AFTER_CAP = 6 * 3600.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


class FetchError(Exception):
    """A feed could not be fetched; ``key``/``values`` give the French explanation."""

    def __init__(
        self,
        key: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        **values: Any,
    ) -> None:
        super().__init__(f"{key} {values}")
        self.key = key
        self.values = values
        self.retry_after = retry_after
        self.permanent = permanent


@dataclass
class FetchResult:
    status: int  # 200, or 304 (not modified)
    url: str  # after redirects
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    max_age: float | None = None  # seconds, capped
    headers: dict[str, str] = field(default_factory=dict)
    # Where permanent redirects (301/308, and only those, from the first request on) led:
    # the address to poll from now on. None when there was none, or a temporary one first.
    moved_to: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_CAP)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(delta, 0.0), RETRY_AFTER_CAP)


def parse_max_age(cache_control: str | None) -> float | None:
    if not cache_control:
        return None
    lowered = cache_control.lower()
    if "no-cache" in lowered or "no-store" in lowered:
        return 0.0
    match = _MAX_AGE.search(cache_control)
    if match is None:
        return None
    return min(float(match.group(1)), MAX_AGE_CAP)


def _validator(value: str | None) -> str | None:
    # An empty or blank validator makes some servers answer 304 forever: never send one.
    if value is None:
        return None
    value = value.strip()
    return value or None


class Fetcher:
    """One aiohttp session shared by every feed; use as an async context manager."""

    def __init__(
        self,
        *,
        allow_hosts: AllowList | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = DEFAULT_TIMEOUT,
        max_body: int = DEFAULT_MAX_BODY,
        max_redirects: int = MAX_REDIRECTS,
        per_host: int = PER_HOST,
    ) -> None:
        self.allow = allow_hosts or AllowList()
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_body = max_body
        self.max_redirects = max_redirects
        self.per_host = per_host
        self._host_slots: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self.per_host)
        )
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        self._ensure_session()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self.allow),
                limit=100,
                limit_per_host=self.per_host,
                ttl_dns_cache=300,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={
                    "User-Agent": self.user_agent,
                    "Accept": "application/rss+xml, application/atom+xml, "
                    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
                    "Accept-Encoding": "gzip, deflate",
                },
                # Each hop gets its own timeout below; this is only a backstop.
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.timeout),
                auto_decompress=True,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` (http/https only), following at most ``max_redirects`` redirects."""
        session = self._ensure_session()
        headers: dict[str, str] = {}
        if (value := _validator(etag)) is not None:
            headers["If-None-Match"] = value
        if (value := _validator(last_modified)) is not None:
            headers["If-Modified-Since"] = value
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        seen: set[str] = set()
        current = url
        moved_to: str | None = None
        permanent_so_far = True
        for _hop in range(self.max_redirects + 1):
            try:
                _, host = check_http_url(current)
            except FeedSafetyError as exc:
                raise FetchError(exc.key, **exc.values) from None
            literal = ip_literal(host)
            if literal is not None:
                try:
                    check_ip(host, literal, self.allow)
                except FeedSafetyError as exc:
                    raise FetchError(exc.key, **exc.values) from None
            seen.add(current)
            async with self._host_slots[host.lower()]:
                if deadline is None:
                    # The clock starts once a slot is ours: queueing behind other feeds of
                    # the same host is not this feed's fault.
                    deadline = loop.time() + self.timeout
                try:
                    async with asyncio.timeout_at(deadline):
                        result = await self._one_hop(session, current, headers)
                except TimeoutError:
                    raise FetchError(
                        "feeds.error.timeout", url=url, seconds=int(self.timeout)
                    ) from None
                except FeedSafetyError as exc:
                    raise FetchError(exc.key, **exc.values) from None
                except aiohttp.ClientError as exc:
                    cause = exc.__cause__ or exc.__context__
                    if isinstance(cause, FeedSafetyError):
                        raise FetchError(cause.key, **cause.values) from None
                    raise _client_error(exc, url, host) from None
                except OSError as exc:
                    raise FetchError("feeds.error.network", url=url, detail=_short(exc)) from None
            if isinstance(result, tuple):
                status, location = result
                target = urljoin(current, location)
                if target in seen:
                    raise FetchError("feeds.error.redirect_loop", url=url)
                permanent_so_far = permanent_so_far and status in _PERMANENT
                if permanent_so_far:
                    moved_to = target
                current = target
                continue
            result.moved_to = moved_to
            return result
        raise FetchError("feeds.error.too_many_redirects", url=url, limit=self.max_redirects)

    async def _one_hop(
        self, session: aiohttp.ClientSession, url: str, headers: dict[str, str]
    ) -> FetchResult | tuple[int, str]:
        """One request: a FetchResult, or (status, Location) of a redirect."""
        async with session.get(url, headers=headers, allow_redirects=False) as resp:
            if resp.status in _REDIRECTS:
                location = resp.headers.get("Location")
                if not location:
                    raise FetchError("feeds.error.http", url=url, status=resp.status)
                return resp.status, location
            retry_after = parse_retry_after(resp.headers.get("Retry-After"))
            max_age = parse_max_age(resp.headers.get("Cache-Control"))
            final_url = str(resp.url)
            etag = _validator(resp.headers.get("ETag"))
            last_modified = _validator(resp.headers.get("Last-Modified"))
            if resp.status == 304:
                return FetchResult(
                    status=304,
                    url=final_url,
                    etag=etag,
                    last_modified=last_modified,
                    max_age=max_age,
                )
            if resp.status != 200:
                raise FetchError(
                    "feeds.error.http",
                    url=url,
                    status=resp.status,
                    retry_after=retry_after,
                    permanent=resp.status == 410,
                )
            declared = resp.content_length
            if declared is not None and declared > self.max_body:
                raise FetchError("feeds.error.too_big", url=url, limit=_mb(self.max_body))
            chunks: list[bytes] = []
            total = 0
            async for chunk in resp.content.iter_chunked(65536):
                total += len(chunk)
                if total > self.max_body:
                    raise FetchError("feeds.error.too_big", url=url, limit=_mb(self.max_body))
                chunks.append(chunk)
            return FetchResult(
                status=200,
                body=b"".join(chunks),
                content_type=resp.headers.get("Content-Type"),
                headers={k.lower(): v for k, v in resp.headers.items()},
                url=final_url,
                etag=etag,
                last_modified=last_modified,
                max_age=max_age,
            )


def _client_error(exc: aiohttp.ClientError, url: str, host: str) -> FetchError:
    """aiohttp's English errors, told in French."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return FetchError("feeds.error.dns", host=host)
    if isinstance(exc, aiohttp.ClientSSLError):
        return FetchError("feeds.error.tls", host=host)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return FetchError("feeds.error.connect", host=host)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return FetchError("feeds.error.disconnected", url=url)
    return FetchError("feeds.error.network", url=url, detail=_short(exc))


_ERRNO_KEYS = {
    errno.ENOENT: "feeds.error.file_missing",
    errno.EACCES: "feeds.error.file_denied",
    errno.EISDIR: "feeds.error.file_is_dir",
}


_ERRNO_FRENCH = {
    errno.ECONNRESET: "connexion réinitialisée par le serveur",
    errno.ECONNREFUSED: "connexion refusée",
    errno.ETIMEDOUT: "délai de connexion dépassé",
    errno.EHOSTUNREACH: "hôte injoignable",
    errno.ENETUNREACH: "réseau injoignable",
    errno.EPIPE: "connexion interrompue",
    errno.ENOSPC: "disque plein",
    errno.EIO: "erreur d’entrée-sortie",
}


def _short(exc: BaseException) -> str:
    """A French cause: OS and aiohttp messages are English, so only the errno is kept."""
    code = getattr(exc, "errno", None)
    if not isinstance(code, int):
        code = getattr(exc.__cause__ or exc.__context__, "errno", None)
    if isinstance(code, int) and code in _ERRNO_FRENCH:
        return _ERRNO_FRENCH[code]
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"réponse HTTP invalide ({exc.status})"
    if isinstance(exc, aiohttp.ClientError):
        return "réponse invalide ou incomplète du serveur"
    return "erreur de connexion" + (f" (errno {code})" if isinstance(code, int) else "")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:g} Mo"


# --- local files (feeds declared in config/ only) ------------------------------------------


def is_remote(url: str) -> bool:
    return urlsplit(url).scheme.lower() in ("http", "https")


def resolve_local(url: str, config_dir: Path) -> Path:
    """The file a config-declared local feed points at (``file:`` URL or path)."""
    parts = urlsplit(url)
    raw = parts.path if parts.scheme == "file" else url
    path = Path(raw)
    if not path.is_absolute():
        path = config_dir / path
    return path


def read_local(path: Path, max_body: int = DEFAULT_MAX_BODY) -> bytes:
    """Read a local feed file, refusing one larger than the body cap (blocking: use a thread)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_body + 1)
    except OSError as exc:
        key = _ERRNO_KEYS.get(exc.errno or 0)
        if key is not None:
            raise FetchError(key, path=str(path)) from None
        raise FetchError("feeds.error.file", path=str(path), detail=_short(exc)) from None
    if len(data) > max_body:
        raise FetchError("feeds.error.too_big", url=str(path), limit=_mb(max_body))
    return data
