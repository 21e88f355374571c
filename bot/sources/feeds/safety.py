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

import codecs
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


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215 local-use translation
_SIIT = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765 IPv4-translated
_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated IPv4-compatible (::a.b.c.d)
_SITE_LOCAL = ipaddress.ip_network("fec0::/10")  # deprecated, still routed inside some sites


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, SIIT, NAT64, 6to4)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    low = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _NAT64 or ip in _SIIT:
        return low
    if ip in _COMPATIBLE and int(ip) > 1:  # :: and ::1 are not IPv4-compatible forms
        return low
    return None


def is_public_ip(ip: IPAddress) -> bool:
    """True for an address on the public Internet.

    ``is_global`` already excludes loopback, private, link-local, shared (CGNAT), reserved and
    documentation ranges; multicast is tested apart because some multicast ranges are "global".
    An IPv6 address that carries an IPv4 one (NAT64, SIIT, 6to4, mapped, compatible) is judged
    by the IPv4 it carries: a translator would deliver the request there. Python calls
    site-local (fec0::/10) and the NAT64 prefixes "global"; they are not.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        carried = embedded_ipv4(ip)
        if carried is not None:
            return is_public_ip(carried)
        if ip.teredo is not None or ip in _SITE_LOCAL or ip in _NAT64_LOCAL:
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
_DOCTYPE_TEXT = re.compile(r"<!doctype", re.IGNORECASE)
_ENTITY_TEXT = re.compile(r"<!entity", re.IGNORECASE)
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x2b\x2f\x76", "utf-7"),
)
# The EBCDIC code pages Python knows; they disagree on "!" and brackets, so each is tried.
_EBCDIC = ("cp037", "cp500", "cp1140", "cp273", "cp1026", "cp875", "cp424")
_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE)


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def header_codec(content_type: str | None) -> str | None:
    """The codec a Content-Type's ``charset`` names, or None (absent or unknown)."""
    match = _CHARSET.search(content_type or "")
    return _codec(match.group(1)) if match else None


def _ascii_compatible(codec: str) -> bool:
    """Whether markup in this encoding shows as ASCII bytes (then the byte scan sees it)."""
    try:
        # Both ways: UTF-7 writes "<" as itself but also reads "+ADw-" as "<".
        return (
            "<!ENTITY <!DOCTYPE".encode(codec) == b"<!ENTITY <!DOCTYPE"
            and b"+ADw-!ENTITY".decode(codec) == "+ADw-!ENTITY"
        )
    except (UnicodeError, LookupError):
        return False


def _sniffed(head: bytes) -> list[str]:
    """Encodings the first bytes point at (XML 1.0 appendix F), BOM or not."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return [name]
    if head == b"\x00\x00\x00<":
        return ["utf-32-be"]
    if head == b"<\x00\x00\x00":
        return ["utf-32-le"]
    if head == b"\x00<\x00?":
        return ["utf-16-be"]
    if head == b"<\x00?\x00":
        return ["utf-16-le"]
    if head[:2] in (b"\x4c\x6f", b"\x4c\x5a", b"\x4c\x4f"):  # "<?" / "<!" in EBCDIC
        return list(_EBCDIC)
    if len(head) == 4 and b"\x00" in head:
        return ["utf-16-be" if head[0] == 0 else "utf-16-le"]
    return []


def candidate_encodings(data: bytes, content_type: str | None = None) -> list[str]:
    """Every encoding a parser might read ``data`` in that hides markup from a byte scan.

    From the byte order mark or first bytes, the XML declaration (read in the sniffed
    encoding) and the HTTP charset: the check must hold whichever one the parser believes.
    """
    names = _sniffed(data[:64].lstrip(b"\x40\x25\x15\x0d\x05")[:4]) or _sniffed(data[:4])
    heads = [data[:200].decode("latin-1")]
    for name in list(names):
        try:
            heads.append(data[:400].decode(name, errors="replace"))
        except LookupError:
            continue
    for head in heads:
        match = _DECLARED.match(head.lstrip("\ufeff"))
        if match:
            names.append(match.group(1))
    if content_type:
        match = _CHARSET.search(content_type)
        if match:
            names.append(match.group(1))
    found: list[str] = []
    for name in names:
        codec = _codec(name)
        if codec is not None and codec not in found and not _ascii_compatible(codec):
            found.append(codec)
    return found


def _declares_entities(view: str) -> bool:
    doctype = _DOCTYPE_TEXT.search(view)
    return doctype is not None and _ENTITY_TEXT.search(view, doctype.end()) is not None


def refuse_entity_doctype(data: bytes, content_type: str | None = None) -> None:
    """Raise when the document declares entities in a DOCTYPE, whatever its encoding.

    Internal entities are how billion-laughs bodies blow up memory, external ones how a parser
    is made to read local files; no real feed needs either. A plain DOCTYPE (e.g. Netscape's
    RSS 0.91 DTD) is accepted. The bytes are scanned as they are (every ASCII-compatible
    encoding) and, decoded, in each ASCII-incompatible encoding the document could be read in
    (UTF-16/32, UTF-7, EBCDIC): re-encoding must not hide a declaration.
    """
    doctype = _DOCTYPE.search(data)
    if doctype is not None and _ENTITY.search(data, doctype.end()) is not None:
        raise FeedSafetyError("feeds.error.entities")
    for codec in candidate_encodings(data, content_type):
        try:
            view = data.decode(codec, errors="replace")
        except (LookupError, UnicodeError):
            continue
        if _declares_entities(view):
            raise FeedSafetyError("feeds.error.entities")
