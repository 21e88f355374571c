"""The shape of config/calendar.toml, checked by pydantic: every mistake named in French
(file, item, key, what was expected), as `relais check` reports it. Dates and rules are
checked afterwards by ``bot.calendar.demo.plan_calendar`` (they need the calendar's zone)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.calendar.model import CalendarError
from bot.calendar.offsets import parse_offset


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _offsets(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    for value in values:
        try:
            parse_offset(value)
        except CalendarError as exc:
            raise ValueError(exc.message) from None
    return values


class DelegationItem(_Item):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)  # Discord role pinged by reminders (id or name)
    channel: str = Field(min_length=1)  # logical channel key, name or id
    delegates: list[str] = Field(default_factory=list)
    substitutes: list[str] = Field(default_factory=list)
    public: bool = False  # its meetings appear in the public calendar feed


class MeetingItem(_Item):
    key: str = Field(min_length=1)
    title: str = Field(min_length=1)
    date: str | None = None
    start: str | None = None
    end: str | None = None
    relative_to: str | None = None
    days: int = 0
    place: str | None = None
    video_link: str | None = None
    notes: str | None = None
    delegations: list[str] = Field(default_factory=list)
    prepares: str | None = None
    debriefs: str | None = None
    recurrence: str | None = None  # « le 3e mardi du mois », « toutes les 2 semaines »…
    reminders: list[str] | None = None  # this meeting's lead times: ["J-7", "H-2"]

    _reminders = field_validator("reminders")(_offsets)


class DeadlineItem(_Item):
    key: str = Field(min_length=1)
    title: str = Field(min_length=1)
    date: str | None = None
    time: str | None = None
    relative_to: str | None = None
    days: int = 0
    period_days: int | None = Field(default=None, ge=0, le=366)
    delegation: str | None = None
    notes: str | None = None
    reminders: list[str] | None = None

    _reminders = field_validator("reminders")(_offsets)


class CalendarFile(_Item):
    delegations: list[DelegationItem] = Field(default_factory=list)
    meetings: list[MeetingItem] = Field(default_factory=list)
    deadlines: list[DeadlineItem] = Field(default_factory=list)


_WHAT = {"delegations": "délégation", "meetings": "rencontre", "deadlines": "échéance"}
_EXPECTED = {
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "bool_parsing": "booléen attendu (true ou false)",
    "bool_type": "booléen attendu (true ou false)",
    "string_type": "texte attendu",
    "string_too_short": "texte non vide attendu",
    "list_type": 'liste attendue, p. ex. ["a", "b"]',
    "model_type": "table TOML attendue",
    "dict_type": "table TOML attendue",
}


def _where(data: dict[str, Any], loc: tuple[Any, ...]) -> tuple[str, str]:
    """(« rencontre « demo:gt » », key path) of an error location."""
    if len(loc) >= 2 and loc[0] in _WHAT and isinstance(loc[1], int):
        items = data.get(str(loc[0])) or []
        item = items[loc[1]] if loc[1] < len(items) else None
        label = item.get("key") or item.get("name") if isinstance(item, dict) else None
        where = (
            f"{_WHAT[str(loc[0])]} « {label} »"
            if label
            else f"{_WHAT[str(loc[0])]} n° {loc[1] + 1}"
        )
        return where, ".".join(str(p) for p in loc[2:])
    return "fichier", ".".join(str(p) for p in loc)


def explain(error: ValidationError, data: dict[str, Any], path: Path) -> CalendarError:
    lines = []
    for item in error.errors():
        where, key = _where(data, tuple(item["loc"]))
        kind = item["type"]
        if kind == "extra_forbidden":
            text = f"clé(s) inconnue(s) {key}"
        elif kind == "missing":
            text = f"clé « {key} » manquante"
        else:
            expected = _EXPECTED.get(kind) or str(item.get("msg", "")).removeprefix("Value error, ")
            if kind in ("greater_than_equal", "less_than_equal"):
                expected = "valeur de 0 à 366 attendue"
            text = f"clé « {key} » : {expected} (valeur reçue : {item.get('input')!r})"
        lines.append(f"{path} — {where} : {text}")
    return CalendarError("\n".join(lines))


def validate_file(data: Any, path: Path) -> dict[str, Any]:
    """The file's content, checked; plain dicts again (what ``plan_calendar`` reads)."""
    if not isinstance(data, dict):
        raise CalendarError(f"{path} — fichier : table TOML attendue")
    try:
        checked = CalendarFile.model_validate(data)
    except ValidationError as exc:
        raise explain(exc, data, path) from None
    return checked.model_dump(exclude_none=True)
