"""Feed and page definitions: `config/feeds.toml` (and sources added from Discord), validated.

```toml
[[feed]]
name = "MSSS — Communiqués"          # shown as the post's source; unique (case-insensitive)
url = "demo/feeds/msss-communiques.xml"  # http(s) URL; config-declared feeds may use a local path
kind = "feed"                         # "feed" (RSS/Atom, the default) or "page" (a web page)
channels = ["msss"]                   # logical channel keys of relais.toml [channels], or the
                                      # id of a Discord thread or forum channel
interval_minutes = 5                  # default [feeds] default_interval_minutes, minimum 1
role = "Délégation PSOC"              # optional: role pinged for each new item
include = ["PSOC"]                    # optional: relay only items mentioning one of these
exclude = ["maintenance"]             # optional: never relay items mentioning one of these
include_regex = ["consultation\\b"]   # optional: regular expressions (RE2: linear time)
exclude_regex = []
show = "full"                         # "full" (summary, dates), "summary" or "title"
selector = "main article"             # pages only: CSS selector of the part to watch
```

The shape is checked by pydantic models (``FeedEntry``, ``FeedsFile``); every mistake is a
``SettingsError`` in French naming the file, the feed and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from bot.fold import fold
from bot.messages import t
from bot.settings import Settings, SettingsError
from bot.sources.feeds.filters import FilterError, Filters, compile_patterns
from bot.sources.feeds.safety import AllowList, FeedSafetyError, check_http_url

Origin = Literal["config", "discord"]
SourceKind = Literal["feed", "page"]
Show = Literal["full", "summary", "title"]
SHOW_VALUES: tuple[str, ...] = ("full", "summary", "title")
MIN_INTERVAL_MINUTES = 1.0
# Names show up in posts and commands: letters, digits, spaces and mild punctuation only.
_NAME = re.compile(r"^[\w][\w .,'’()«»:–—-]{0,79}$")
# A Discord channel, thread or forum id (a snowflake) may stand for a channel key.
_SNOWFLAKE = re.compile(r"^\d{15,21}$")
MAX_SELECTOR_CHARS = 200


def is_thread_id(channel: str) -> bool:
    return bool(_SNOWFLAKE.match(channel))


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
    kind: SourceKind = "feed"
    include_regex: tuple[str, ...] = ()
    exclude_regex: tuple[str, ...] = ()
    show: Show = "full"
    selector: str | None = None
    _filters: list[Filters] = field(default_factory=list, compare=False, repr=False)

    @property
    def is_remote(self) -> bool:
        return urlsplit(self.url).scheme.lower() in ("http", "https")

    @property
    def key(self) -> str:
        return fold(self.name)

    @property
    def filters(self) -> Filters:
        # Compiled once per definition (frozen dataclass: the cache lives in a list field).
        if not self._filters:
            self._filters.append(
                Filters.build(self.include, self.exclude, self.include_regex, self.exclude_regex)
            )
        return self._filters[0]

    def accepts(self, title: str, text: str, categories: Iterable[str] = ()) -> bool:
        """Keyword and regex filters over title, summary/text and categories."""
        return self.filters.decide(title, text, categories).passed


class FeedDefinitionError(SettingsError):
    """A bad feed definition; ``message`` alone (without file and place) suits a Discord reply."""

    def __init__(self, text: str, message: str) -> None:
        super().__init__(text)
        self.message = message


def _error(source: str, where: str, message: str) -> FeedDefinitionError:
    text = t("feeds.config.error", file=source, where=where, message=message)
    return FeedDefinitionError(text, message[:1].upper() + message[1:])


def _refuse(message: str) -> PydanticCustomError:
    # The message is already French: pydantic carries it untouched to ``_explain``.
    return PydanticCustomError("relais", "{message}", {"message": message})


def _str_list(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and v.strip() for v in value
    ):
        raise _refuse(t("feeds.config.expected_list", key=key))
    return tuple(v.strip() for v in value)


class FeedEntry(BaseModel):
    """One ``[[feed]]`` table (or a `/flux ajouter|modifier` request), checked key by key.

    Validation context: ``origin`` ("config" or "discord"), ``known_channels`` (or None) and
    ``default_interval``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    url: str
    kind: SourceKind = "feed"
    channels: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    interval_minutes: float | None = None
    role: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_regex: tuple[str, ...] = ()
    exclude_regex: tuple[str, ...] = ()
    show: Show = "full"
    selector: str | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> str:
        if not isinstance(value, str) or not _NAME.match(value.strip()):
            raise _refuse(t("feeds.config.bad_name", value=value))
        return value.strip()

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, value: Any, info: ValidationInfo) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _refuse(t("feeds.config.missing", key="url"))
        url = value.strip()
        origin = (info.context or {}).get("origin", "config")
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("http", "https") or origin == "discord":
            try:
                check_http_url(url)
            except FeedSafetyError as exc:
                raise _refuse(t(exc.key, **exc.values)) from None
        elif scheme not in ("", "file") and not re.match(r"^[a-zA-Z]:[\\/]", url):
            raise _refuse(t("feeds.error.scheme", url=url))
        return url

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str:
        if value not in ("feed", "page"):
            raise _refuse(t("feeds.config.bad_kind", value=value))
        return str(value)

    @field_validator("show", mode="before")
    @classmethod
    def _show(cls, value: Any) -> str:
        if value not in SHOW_VALUES:
            raise _refuse(t("feeds.config.bad_show", value=value))
        return str(value)

    @field_validator("channels", "channel", mode="before")
    @classmethod
    def _channels(cls, value: Any, info: ValidationInfo) -> tuple[str, ...]:
        channels = _str_list(value, "channels") if value else ()
        known = (info.context or {}).get("known_channels")
        if known is not None:
            for channel in channels:
                if channel not in known and not is_thread_id(channel):
                    names = ", ".join(sorted(known))
                    raise _refuse(t("feeds.config.unknown_channel", channel=channel, known=names))
        return channels

    @field_validator("interval_minutes", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _refuse(t("feeds.config.bad_interval", value=value))
        if value < MIN_INTERVAL_MINUTES:
            raise _refuse(t("feeds.config.bad_interval", value=value))
        return float(value)

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: Any) -> str | None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise _refuse(t("feeds.config.bad_role", value=value))
        return value.strip() if isinstance(value, str) else None

    @field_validator("include", "exclude", mode="before")
    @classmethod
    def _keywords(cls, value: Any, info: ValidationInfo) -> tuple[str, ...]:
        return _str_list(value, str(info.field_name))

    @field_validator("include_regex", "exclude_regex", mode="before")
    @classmethod
    def _patterns(cls, value: Any, info: ValidationInfo) -> tuple[str, ...]:
        patterns = _str_list(value, str(info.field_name))
        try:
            compile_patterns(patterns)
        except FilterError as exc:
            raise _refuse(exc.message) from None
        return patterns

    @field_validator("selector", mode="before")
    @classmethod
    def _selector(cls, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_SELECTOR_CHARS:
            raise _refuse(t("feeds.config.bad_selector", value=value))
        from bot.sources.pages.extract import SelectorError, check_selector

        try:
            check_selector(value.strip())
        except SelectorError:
            raise _refuse(t("feeds.config.bad_selector", value=value)) from None
        return value.strip()

    def to_def(self, *, origin: Origin, default_interval: float) -> FeedDef:
        return FeedDef(
            name=self.name,
            url=self.url,
            channels=self.channels or self.channel,
            interval_minutes=self.interval_minutes or float(default_interval),
            role=self.role,
            include=self.include,
            exclude=self.exclude,
            origin=origin,
            kind=self.kind,
            include_regex=self.include_regex,
            exclude_regex=self.exclude_regex,
            show=self.show,
            selector=self.selector,
        )


class FeedsFile(BaseModel):
    """The whole ``feeds.toml``: a list of ``[[feed]]`` tables, nothing else."""

    model_config = ConfigDict(extra="forbid")

    feed: list[dict[str, Any]] = []

    @field_validator("feed", mode="before")
    @classmethod
    def _tables(cls, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise _refuse(t("feeds.config.expected_tables"))
        return value


def _explain(exc: ValidationError, expected: Iterable[str]) -> str:
    """The first problem pydantic found, as a French sentence."""
    problem = exc.errors()[0]
    kind = problem["type"]
    key = ".".join(str(part) for part in problem["loc"]) or "?"
    if kind == "relais":
        return str((problem.get("ctx") or {}).get("message") or problem["msg"])
    if kind == "extra_forbidden":
        return t("feeds.config.unknown_key", key=key, expected=", ".join(sorted(expected)))
    if kind == "missing":
        if key == "name":
            return t("feeds.config.bad_name", value=None)
        return t("feeds.config.missing", key=key)
    return t("feeds.config.bad_value", key=key)


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
    name = raw.get("name")
    if isinstance(name, str) and _NAME.match(name.strip()):
        where = f"{where} « {name.strip()} »"
    context = {
        "origin": origin,
        "known_channels": set(known_channels) if known_channels is not None else None,
    }
    try:
        entry = FeedEntry.model_validate(dict(raw), context=context)
    except ValidationError as exc:
        raise _error(source, where, _explain(exc, set(FeedEntry.model_fields))) from None
    if entry.selector and entry.kind != "page":
        raise _error(source, where, t("feeds.config.selector_without_page"))
    return entry.to_def(origin=origin, default_interval=default_interval)


def parse_feeds_toml(
    data: Mapping[str, Any],
    *,
    source: str,
    default_interval: float = 5.0,
    known_channels: Iterable[str] | None = None,
) -> list[FeedDef]:
    try:
        document = FeedsFile.model_validate(dict(data))
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = "(racine)" if problem["type"] == "extra_forbidden" else "feed"
        raise _error(source, where, _explain(exc, {"feed"})) from None
    feeds: list[FeedDef] = []
    names: set[str] = set()
    channels = list(known_channels) if known_channels is not None else None
    for index, entry in enumerate(document.feed, start=1):
        where = f"[[feed]] n° {index}"
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


_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_detail(message: str) -> str:
    """tomllib's English message → where the mistake is, in French."""
    place = _TOML_PLACE.search(message)
    if place:
        return t("feeds.config.toml_at", line=place.group(1), column=place.group(2))
    if "end of document" in message:
        return t("feeds.config.toml_end")
    return t("feeds.config.toml_somewhere")


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
        detail = toml_detail(str(exc))
        raise SettingsError(t("feeds.config.toml", file=str(path), detail=detail)) from None
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
