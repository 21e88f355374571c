"""Feed definitions: `config/feeds.toml` (and feeds added from Discord), validated.

```toml
[[feed]]
name = "MSSS — Communiqués"          # shown as the post's source; unique (case-insensitive)
url = "demo/feeds/msss-communiques.xml"  # http(s) URL; config-declared feeds may use a local path
channels = ["msss"]                   # logical channel keys of relais.toml [channels]
interval_minutes = 5                  # default [feeds] default_interval_minutes, minimum 1
role = "Délégation PSOC"              # optional: role pinged for each new item
include = ["PSOC"]                    # optional: relay only items mentioning one of these
exclude = ["maintenance"]             # optional: never relay items mentioning one of these
```

Every mistake is a ``SettingsError`` in French naming the file, the feed and the key.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from bot.messages import t
from bot.settings import Settings, SettingsError
from bot.sources.feeds.safety import AllowList, FeedSafetyError, check_http_url

Origin = Literal["config", "discord"]
MIN_INTERVAL_MINUTES = 1.0
_KEYS = {"name", "url", "channels", "channel", "interval_minutes", "role", "include", "exclude"}
# Names show up in posts and commands: letters, digits, spaces and mild punctuation only.
_NAME = re.compile(r"^[\w][\w .,'’()«»:–—-]{0,79}$")


def fold(text: str) -> str:
    """Lower case without accents, for keyword and name matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class FeedDef:
    name: str
    url: str
    channels: tuple[str, ...] = ()
    interval_minutes: float = 5.0
    role: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    origin: Origin = "config"
    _folded: tuple[tuple[str, ...], tuple[str, ...]] = field(
        default=((), ()), compare=False, repr=False
    )

    @property
    def is_remote(self) -> bool:
        return urlsplit(self.url).scheme.lower() in ("http", "https")

    @property
    def key(self) -> str:
        return fold(self.name)

    def accepts(self, title: str, text: str) -> bool:
        """Keyword filters: include (any) and exclude (none), accents and case ignored."""
        if not self.include and not self.exclude:
            return True
        haystack = fold(f"{title}\n{text}")
        include = [fold(k) for k in self.include]
        exclude = [fold(k) for k in self.exclude]
        if include and not any(k in haystack for k in include):
            return False
        return not any(k in haystack for k in exclude)


class FeedDefinitionError(SettingsError):
    """A bad feed definition; ``message`` alone (without file and place) suits a Discord reply."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(text)
        self.message = message


def _error(source: str, where: str, message: str) -> FeedDefinitionError:
    text = t("feeds.config.error", file=source, where=where, message=message)
    return FeedDefinitionError(text, message[:1].upper() + message[1:])


def _str_list(value: Any, source: str, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _error(source, where, t("feeds.config.expected_list", key=key))
    return tuple(v.strip() for v in value)


def validate_feed(
    raw: Mapping[str, Any],
    *,
    source: str,
    where: str,
    default_interval: float,
    known_channels: Iterable[str] | None,
    origin: Origin,
) -> FeedDef:
    """One feed definition, checked key by key (French errors)."""
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        expected = ", ".join(sorted(_KEYS))
        message = t("feeds.config.unknown_key", key=unknown[0], expected=expected)
        raise _error(source, where, message)
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name.strip()):
        raise _error(source, where, t("feeds.config.bad_name", value=name))
    name = name.strip()
    where = f"{where} « {name} »"
    url = raw.get("url")
    if not isinstance(url, str) or not url.strip():
        raise _error(source, where, t("feeds.config.missing", key="url"))
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https") or origin == "discord":
        try:
            check_http_url(url)
        except FeedSafetyError as exc:
            raise _error(source, where, t(exc.key, **exc.values)) from None
    elif scheme not in ("", "file") and not re.match(r"^[a-zA-Z]:[\\/]", url):
        raise _error(source, where, t("feeds.error.scheme", url=url))
    channels = raw.get("channels", raw.get("channel", []))
    channel_list = _str_list(channels, source, where, "channels") if channels else ()
    if known_channels is not None:
        known = set(known_channels)
        for channel in channel_list:
            if channel not in known:
                names = ", ".join(sorted(known))
                message = t("feeds.config.unknown_channel", channel=channel, known=names)
                raise _error(source, where, message)
    interval = raw.get("interval_minutes", default_interval)
    if isinstance(interval, bool) or not isinstance(interval, int | float):
        raise _error(source, where, t("feeds.config.bad_interval", value=interval))
    if interval < MIN_INTERVAL_MINUTES:
        raise _error(source, where, t("feeds.config.bad_interval", value=interval))
    role = raw.get("role")
    if role is not None and (not isinstance(role, str) or not role.strip()):
        raise _error(source, where, t("feeds.config.bad_role", value=role))
    include = _str_list(raw.get("include", []), source, where, "include")
    exclude = _str_list(raw.get("exclude", []), source, where, "exclude")
    return FeedDef(
        name=name,
        url=url,
        channels=channel_list,
        interval_minutes=float(interval),
        role=role.strip() if isinstance(role, str) else None,
        include=include,
        exclude=exclude,
        origin=origin,
    )


def parse_feeds_toml(
    data: Mapping[str, Any],
    *,
    source: str,
    default_interval: float = 5.0,
    known_channels: Iterable[str] | None = None,
) -> list[FeedDef]:
    unknown = sorted(set(data) - {"feed"})
    if unknown:
        message = t("feeds.config.unknown_key", key=unknown[0], expected="feed")
        raise _error(source, "(racine)", message)
    entries = data.get("feed", [])
    if not isinstance(entries, list):
        raise _error(source, "feed", t("feeds.config.expected_tables"))
    feeds: list[FeedDef] = []
    names: set[str] = set()
    channels = list(known_channels) if known_channels is not None else None
    for index, entry in enumerate(entries, start=1):
        where = f"[[feed]] n° {index}"
        if not isinstance(entry, dict):
            raise _error(source, where, t("feeds.config.expected_tables"))
        feed = validate_feed(
            entry,
            source=source,
            where=where,
            default_interval=default_interval,
            known_channels=channels,
            origin="config",
        )
        if feed.key in names:
            raise _error(source, where, t("feeds.config.duplicate", name=feed.name))
        names.add(feed.key)
        feeds.append(feed)
    return feeds


def feeds_file(settings: Settings) -> Path:
    return settings.config_path(settings.config.feeds.file)


def load_feeds(settings: Settings) -> list[FeedDef]:
    """The feeds declared in config (none when the file does not exist)."""
    path = feeds_file(settings)
    if not path.is_file():
        return []
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(t("feeds.config.toml", file=str(path), detail=str(exc))) from None
    return parse_feeds_toml(
        data,
        source=str(path),
        default_interval=settings.config.feeds.default_interval_minutes,
        known_channels=settings.config.channels.keys(),
    )


def allow_list(settings: Settings) -> AllowList:
    return AllowList.parse(settings.config.feeds.allow_hosts)


def validate_settings(settings: Settings) -> list[FeedDef]:
    """`relais check`: the feeds file is valid (raises SettingsError in French otherwise)."""
    return load_feeds(settings)
