"""Refuse what a hostile feed URL or body could do to us.

Two guards live here:

* server-side request forgery: a URL must not make Relais talk to loopback, private, link-local
  or otherwise non-public addresses (the staff's own network, cloud metadata endpoints) unless
  the host is allow-listed in ``config/relais.toml`` (``[feeds] allow_hosts``). The check runs at
  connection time, in the resolver aiohttp uses, so a redirect or a DNS answer that changes
  between check and connect cannot slip through;
* entity expansion: a DOCTYPE that declares entities (billion laughs, external entities) is
  refused before feedparser sees it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class FeedSafetyError(Exception):
    """A URL or body refused for safety; ``key`` names the French message in the catalog."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(f"{key} {values}")
        self.key = key
        self.values = values


@dataclass(frozen=True)
class AllowList:
    """Hosts and networks staff declared as legitimately internal."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AllowList:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for raw in entries:
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry.rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host.lower().rstrip(".").strip("[]") in self.hosts

    def allows_ip(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self.networks if net.version == ip.version)


def is_public_ip(ip: IPAddress) -> bool:
    """True for an address on the public Internet.

    ``is_global`` already excludes loopback, private, link-local, shared (CGNAT), reserved and
    documentation ranges; multicast is tested apart because some multicast ranges are "global".
    """
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return is_public_ip(mapped)
        if ip.teredo is not None:
            return False
    return ip.is_global and not ip.is_multicast and not ip.is_unspecified


def check_ip(host: str, ip: IPAddress, allow: AllowList) -> None:
    if is_public_ip(ip) or allow.allows_host(host) or allow.allows_ip(ip):
        return
    raise FeedSafetyError("feeds.error.private_address", host=host, address=str(ip))


def ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def check_http_url(url: str) -> tuple[str, str]:
    """Syntax check of a URL that will be fetched over the network: http(s), with a host.

    Returns (scheme, host). Raises FeedSafetyError with a French message key.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise FeedSafetyError("feeds.error.bad_url", url=url) from None
    if parts.scheme not in ("http", "https"):
        raise FeedSafetyError("feeds.error.scheme", url=url)
    if not host:
        raise FeedSafetyError("feeds.error.bad_url", url=url)
    if parts.username or parts.password:
        # Credentials in a URL end up in logs and in Discord: refuse them.
        raise FeedSafetyError("feeds.error.credentials", url=url)
    return parts.scheme, host


class GuardedResolver(AbstractResolver):
    """An aiohttp resolver that only returns public addresses (or allow-listed ones).

    aiohttp skips the resolver for IP literals, so callers must also call ``check_ip`` on
    literal hosts (the fetcher does, at every redirect hop).
    """

    def __init__(self, allow: AllowList, inner: AbstractResolver | None = None) -> None:
        self._allow = allow
        self._inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        kept: list[ResolveResult] = []
        refused: FeedSafetyError | None = None
        for result in results:
            try:
                check_ip(host, ipaddress.ip_address(result["host"]), self._allow)
            except FeedSafetyError as exc:
                refused = exc
                continue
            except ValueError:
                continue
            kept.append(result)
        if not kept:
            if refused is not None:
                raise refused
            raise OSError(f"no usable address for {host}")
        return kept

    async def close(self) -> None:
        await self._inner.close()


async def check_url_resolves_public(url: str, allow: AllowList) -> None:
    """Resolve the URL's host now and refuse it if any address is not public.

    Used when staff add a feed from Discord, to answer with a clear French refusal at once;
    the resolver check at connection time remains the real guard.
    """
    _, host = check_http_url(url)
    if allow.allows_host(host):
        return
    literal = ip_literal(host)
    if literal is not None:
        check_ip(host, literal, allow)
        return
    import asyncio

    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        raise FeedSafetyError("feeds.error.dns", host=host) from None
    for info in infos:
        address = info[4][0]
        check_ip(host, ipaddress.ip_address(str(address).split("%", 1)[0]), allow)


# --- entity-declaring DOCTYPE --------------------------------------------------------------

_DOCTYPE = re.compile(rb"<!doctype", re.IGNORECASE)
_ENTITY = re.compile(rb"<!entity", re.IGNORECASE)
_WIDE_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)


def _narrow(data: bytes) -> bytes:
    """An ASCII-compatible view of ``data`` for markup scanning (UTF-16/32 decoded)."""
    head = data[:4]
    encoding = None
    for bom, name in _WIDE_BOMS:
        if head.startswith(bom):
            encoding = name
            break
    if encoding is None and len(head) == 4 and b"\x00" in head:
        # No BOM but NUL bytes around "<?": guess the wide encoding from their position.
        if head == b"\x00\x00\x00<":
            encoding = "utf-32-be"
        elif head == b"<\x00\x00\x00":
            encoding = "utf-32-le"
        elif head[0] == 0:
            encoding = "utf-16-be"
        else:
            encoding = "utf-16-le"
    if encoding is None:
        return data
    return data.decode(encoding, errors="replace").encode("utf-8", errors="replace")


def refuse_entity_doctype(data: bytes) -> None:
    """Raise when the document declares entities in a DOCTYPE.

    Internal entities are how billion-laughs bodies blow up memory, external ones how a parser
    is made to read local files; no real feed needs either. A plain DOCTYPE (e.g. Netscape's
    RSS 0.91 DTD) is accepted. The fast path is two substring searches on the bytes.
    """
    view = data
    if b"\x00" in data[:4]:
        view = _narrow(data)
    doctype = _DOCTYPE.search(view)
    if doctype is None:
        return
    if _ENTITY.search(view, doctype.end()) is not None:
        raise FeedSafetyError("feeds.error.entities")
