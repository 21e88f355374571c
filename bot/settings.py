"""Settings: environment and `.env` (secrets, deployment) over `config/relais.toml`.

Every mistake in the configuration becomes a ``SettingsError`` whose message, in French,
names the file, the key and what was expected, so that staff can fix it without reading code.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import RelaisError

REPO_DIR = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG_DIR = REPO_DIR / "config"


class SettingsError(RelaisError):
    """A configuration mistake, explained in French."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RelaisSection(_Section):
    timezone: str = "America/Montreal"
    staff_role: str = "Permanence"
    database: str = "data/relais.db"
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object per line (journald, docker)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"fuseau horaire inconnu « {value} »") from None
        return value


class RoutingRule(_Section):
    match: list[str] = Field(min_length=1)
    channel: str


class RoutingSection(_Section):
    default_channel: str = "general"
    rules: list[RoutingRule] = Field(default_factory=list)


class OutboxSection(_Section):
    max_attempts: int = Field(default=20, ge=1, le=100)
    base_delay_seconds: float = Field(default=2.0, gt=0)
    max_delay_seconds: float = Field(default=600.0, gt=0)
    # The worker sleeps until the earliest due row and wakes on every commit of the
    # database; this is its longest sleep (rows written by another process, clock jumps).
    poll_seconds: float = Field(default=30.0, gt=0)
    concurrency: int = Field(default=4, ge=1, le=50)
    # Discord enforces a nonce "for a few minutes": within this many seconds of a row's
    # first attempt a resend trusts it; later, the channel's history is read first.
    nonce_trust_seconds: float = Field(default=60.0, ge=0)
    # While Discord is unreachable, rows are tried again at most this far apart.
    outage_retry_seconds: float = Field(default=15.0, gt=0)


class RetentionSection(_Section):
    # Days after which the content of a sent post is emptied (its row, message id and
    # dedupe key stay); 0 keeps everything.
    sent_posts_days: float = Field(default=90, ge=0)
    # Days after an item left its feed before its identity is forgotten; 0 keeps them.
    feed_items_days: float = Field(default=90, ge=0)
    # Days after which a clock row that ran is deleted; 0 keeps them.
    done_timers_days: float = Field(default=30, ge=0)


class FeedsSection(_Section):
    file: str = "feeds.toml"
    default_interval_minutes: float = Field(default=5, ge=1)
    max_body_bytes: int = Field(default=5_000_000, ge=1024)
    timeout_seconds: float = Field(default=15, gt=0)
    max_failures_before_pause: int = Field(default=8, ge=1)
    # New items posted in full per poll of one feed; the rest go into one post of links.
    max_new_per_poll: int = Field(default=5, ge=1, le=50)
    allow_hosts: list[str] = Field(default_factory=list)
    user_agent: str = "Relais/0.1 (+bot de veille de la CTROC)"


class InboxRule(_Section):
    folder: str
    channel: str


class InboxSection(_Section):
    path: str = "inbox"
    mode: Literal["watch", "poll"] = "watch"
    poll_interval_seconds: float = Field(default=2.0, gt=0)
    stable_seconds: float = Field(default=0.5, ge=0)
    max_file_bytes: int = Field(default=50_000_000, ge=1)
    # How long a file that is still incomplete (being written, PDF without its end, zip
    # without its directory, e-mail without its closing boundary) may wait before it is
    # refused to erreurs/.
    incomplete_seconds: float = Field(default=600.0, gt=0)
    rules: list[InboxRule] = Field(default_factory=list)


_OFFSET = re.compile(r"^(J-\d+|H-\d+|M-\d+|J0 \d{1,2}:\d{2}|J-\d+ \d{1,2}:\d{2})$")


class RemindersSection(_Section):
    meetings: list[str] = Field(default_factory=lambda: ["J-7", "J-1", "H-2"])
    deadlines: list[str] = Field(default_factory=lambda: ["J-14", "J-7", "J-1", "J0 08:00"])

    @field_validator("meetings", "deadlines")
    @classmethod
    def _offsets(cls, values: list[str]) -> list[str]:
        for value in values:
            if not _OFFSET.match(value):
                raise ValueError(
                    f"décalage « {value} » invalide : attendu J-7, H-2, M-30, J0 08:00 ou J-1 17:00"
                )
        return values


class DigestSection(_Section):
    enabled: bool = True
    cron: str = "0 8 * * mon"
    channel: str = "digest"
    untaken_after_days: int = Field(default=3, ge=1)

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("expression cron à 5 champs attendue, p. ex. « 0 8 * * mon »")
        return value


class SummarySection(_Section):
    sentences: int = Field(default=3, ge=1, le=6)
    llm_base_url: str = ""
    llm_model: str = ""
    llm_timeout_seconds: float = Field(default=20, gt=0)


class CalendarSection(_Section):
    file: str = "calendar.toml"
    # "auto": the demo calendar is loaded only on embedded defaults (no Discord token), so a
    # real deployment never gets invented meetings unless staff ask for them with true.
    load_demo: bool | Literal["auto"] = "auto"
    mirror_scheduled_events: bool = True


class WebListenError(ValueError):
    """``[web] listen`` is not ``host:port``."""


def parse_listen(listen: str) -> tuple[str, int] | None:
    """``"127.0.0.1:8765"`` → ("127.0.0.1", 8765); ``"[::1]:0"`` → ("::1", 0); "" / "off" → None."""
    value = listen.strip()
    if value.lower() in ("", "off"):
        return None
    host, sep, port_text = value.rpartition(":")
    if not sep or not port_text.isdigit() or not host or int(port_text) > 65535:
        raise WebListenError(value)
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, int(port_text)


class WebSection(_Section):
    # The listener for /sante, /metrics and calendars; "" or "off" disables it.
    listen: str = "127.0.0.1:8765"
    # Links given out (calendar subscriptions); empty → http://listen.
    public_url: str = ""

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        try:
            parse_listen(value)
        except WebListenError:
            raise ValueError(
                f"adresse « {value} » invalide : attendu hôte:port (p. ex. 127.0.0.1:8765), "
                "ou \"off\" pour désactiver"
            ) from None
        return value


class RelaisConfig(_Section):
    relais: RelaisSection = Field(default_factory=RelaisSection)
    channels: dict[str, str] = Field(
        default_factory=lambda: {
            "staff": "permanence",
            "general": "general",
            "msss": "msss",
            "psoc": "psoc",
            "annonces": "annonces",
            "digest": "general",
        }
    )
    routing: RoutingSection = Field(default_factory=RoutingSection)
    outbox: OutboxSection = Field(default_factory=OutboxSection)
    retention: RetentionSection = Field(default_factory=RetentionSection)
    feeds: FeedsSection = Field(default_factory=FeedsSection)
    inbox: InboxSection = Field(default_factory=InboxSection)
    reminders: RemindersSection = Field(default_factory=RemindersSection)
    digest: DigestSection = Field(default_factory=DigestSection)
    summary: SummarySection = Field(default_factory=SummarySection)
    calendar: CalendarSection = Field(default_factory=CalendarSection)
    web: WebSection = Field(default_factory=WebSection)


class Settings(BaseModel):
    """Everything Relais needs to run; built by ``load_settings``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    discord_token: SecretStr | None = None
    discord_guild_id: int | None = None
    discord_api_base: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg"
    config_dir: Path = DEFAULT_CONFIG_DIR
    config_file: Path | None = None
    database_path: Path = REPO_DIR / "data" / "relais.db"
    inbox_path: Path = REPO_DIR / "inbox"
    llm_api_key: SecretStr | None = None
    config: RelaisConfig = Field(default_factory=RelaisConfig)

    @property
    def console_mode(self) -> bool:
        """No token: run on embedded defaults and print posts to the terminal."""
        return self.discord_token is None or not self.discord_token.get_secret_value()

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.config.relais.timezone)

    @property
    def base_dir(self) -> Path:
        """Relative paths of the configuration are relative to the folder holding config/."""
        return self.config_dir.parent

    def config_path(self, name: str) -> Path:
        """A file named in relais.toml (feeds.toml, calendar.toml), relative to config/."""
        path = Path(name)
        return path if path.is_absolute() else self.config_dir / path


class Environment(BaseSettings):
    """The process environment and `.env` (the environment wins), read by pydantic-settings.

    Values stay text here: ``Settings`` validates them, so that a mistake is explained in
    French with the variable's name, like a mistake in relais.toml.
    """

    model_config = SettingsConfigDict(extra="ignore", env_file_encoding="utf-8")

    discord_token: str | None = Field(default=None, validation_alias="DISCORD_TOKEN")
    discord_guild_id: str | None = Field(default=None, validation_alias="DISCORD_GUILD_ID")
    discord_api_base: str | None = Field(default=None, validation_alias="DISCORD_API_BASE")
    discord_gateway_url: str | None = Field(default=None, validation_alias="DISCORD_GATEWAY_URL")
    config_dir: str | None = Field(default=None, validation_alias="RELAIS_CONFIG_DIR")
    database_path: str | None = Field(default=None, validation_alias="RELAIS_DATABASE")
    inbox_path: str | None = Field(default=None, validation_alias="RELAIS_INBOX")
    llm_api_key: str | None = Field(default=None, validation_alias="RELAIS_LLM_API_KEY")
    log_level: str | None = Field(default=None, validation_alias="RELAIS_LOG_LEVEL")
    web_listen: str | None = Field(default=None, validation_alias="RELAIS_WEB_LISTEN")
    log_format: str | None = Field(default=None, validation_alias="RELAIS_LOG_FORMAT")

    @classmethod
    def read(cls, dotenv: Path) -> Environment:
        return cls(_env_file=dotenv if dotenv.is_file() else None)  # type: ignore[call-arg]


# Variable name → field name, read from the class: one list of variables to keep.
ENV_KEYS: dict[str, str] = {
    str(field.validation_alias): name for name, field in Environment.model_fields.items()
}


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


_EXPECTED = {
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "bool_parsing": "booléen attendu (true ou false)",
    "bool_type": "booléen attendu (true ou false)",
    "string_type": "texte attendu",
    "list_type": 'liste attendue, p. ex. ["a", "b"]',
    "dict_type": "table attendue",
    "model_type": "table attendue",
    "too_short": "liste non vide attendue",
}


def _expectation(item: Any) -> str:
    kind = item["type"]
    ctx = item.get("ctx") or {}
    if kind in _EXPECTED:
        return _EXPECTED[kind]
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {
            "greater_than_equal": "≥",
            "greater_than": ">",
            "less_than_equal": "≤",
            "less_than": "<",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        return f"valeur {sign} {bound} attendue"
    if kind == "literal_error":
        return f"valeurs possibles : {ctx.get('expected', '?')}"
    return str(item.get("msg", "")).removeprefix("Value error, ")


def _explain(
    error: ValidationError, source: str, names: dict[str, str] | None = None
) -> SettingsError:
    lines = [f"Configuration invalide dans {source} :"]
    for item in error.errors():
        loc = tuple((names or {}).get(str(p), p) for p in item["loc"])
        key = _location(loc) or "(racine)"
        kind = item["type"]
        if kind == "extra_forbidden":
            lines.append(f"- clé inconnue « {key} » (vérifiez l’orthographe ; voir .env.example)")
        elif kind == "missing":
            lines.append(f"- clé « {key} » manquante")
        else:
            got = item.get("input")
            lines.append(f"- clé « {key} » : {_expectation(item)} (valeur reçue : {got!r})")
    return SettingsError("\n".join(lines))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"Fichier de configuration introuvable : {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"Fichier {path} illisible (TOML invalide) : {exc}") from None


def load_settings(config_dir: Path | None = None, env_file: Path | None = None) -> Settings:
    """Read `.env` and the environment (the environment wins), then `config/relais.toml`."""
    environment = Environment.read(env_file if env_file is not None else Path(".env"))
    values: dict[str, Any] = {
        name: raw.strip()
        for name, raw in environment.model_dump().items()
        if raw is not None and raw.strip() and name not in ("log_level", "log_format", "web_listen")
    }
    log_level = (environment.log_level or "").strip() or None
    log_format = (environment.log_format or "").strip() or None
    # RELAIS_WEB_LISTEN is read even when empty: "" is how a container turns the listener off.
    web_listen = environment.web_listen

    if config_dir is not None:
        values["config_dir"] = config_dir
    folder = Path(values.get("config_dir", DEFAULT_CONFIG_DIR)).resolve()
    values["config_dir"] = folder
    config_file = folder / "relais.toml"

    raw_config = _read_toml(config_file) if config_file.is_file() else {}
    try:
        config = RelaisConfig.model_validate(raw_config)
    except ValidationError as exc:
        raise _explain(exc, str(config_file)) from None
    if log_level:
        config.relais.log_level = log_level
    if log_format:
        if log_format.lower() not in ("text", "json"):
            raise SettingsError(
                f"RELAIS_LOG_FORMAT « {log_format} » invalide : valeurs possibles text ou json."
            )
        config.relais.log_format = "json" if log_format.lower() == "json" else "text"
    if web_listen is not None:
        try:
            config.web = WebSection.model_validate(
                {**config.web.model_dump(), "listen": web_listen.strip()}
            )
        except ValidationError as exc:
            raise _explain(exc, "l’environnement (RELAIS_WEB_LISTEN)") from None

    base = folder.parent
    values.setdefault("database_path", base / config.relais.database)
    values.setdefault("inbox_path", base / config.inbox.path)
    for key in ("database_path", "inbox_path"):
        path = Path(values[key])
        values[key] = path if path.is_absolute() else (Path.cwd() / path)
    values["config"] = config
    values["config_file"] = config_file if config_file.is_file() else None
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        names = {v: k for k, v in ENV_KEYS.items()}
        raise _explain(exc, "l’environnement (.env)", names) from None
