"""Scoring found dates against the hand-labelled set (used by the tests and the benchmark)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.text import FoundDate


@dataclass(frozen=True)
class Expected:
    key: str  # "2023-09-14", "2018-05" or "2021-10-18..2021-10-24"
    kind: str | None

    @property
    def precision(self) -> str:
        return "month" if len(self.key.split("..")[0]) == 7 else "day"


def parse_expected(item: str) -> Expected:
    key, _, kind = item.partition("@")
    return Expected(key, kind or None)


def key_of(found: FoundDate) -> str:
    return found.date + (f"..{found.end}" if found.end else "")


def _no_year(key: str) -> str:
    return "..".join(part[5:] for part in key.split(".."))


@dataclass
class Score:
    day_tp: int = 0
    day_pred: int = 0
    day_gold: int = 0
    month_tp: int = 0
    month_gold: int = 0
    month_pred: int = 0
    year_right: int = 0
    year_seen: int = 0
    kind_right: int = 0
    kind_seen: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, name: str, found: list[FoundDate], expected: list[str]) -> None:
        gold = [parse_expected(e) for e in expected]
        pred = {key_of(f): f for f in found}
        gold_keys = {g.key for g in gold}
        for g in gold:
            hit = g.key in pred
            if g.precision == "day":
                self.day_gold += 1
                self.day_tp += hit
            else:
                self.month_gold += 1
                self.month_tp += hit
            if hit and g.kind:
                self.kind_seen += 1
                if pred[g.key].kind == g.kind:
                    self.kind_right += 1
                else:
                    self.errors.append(
                        f"{name}: kind of {g.key} is {pred[g.key].kind}, not {g.kind}"
                    )
            if not hit:
                self.errors.append(f"{name}: missed {g.key}")
        gold_no_year = {_no_year(k): k for k in gold_keys if len(k) != 7}
        for key, f in pred.items():
            if f.precision == "day":
                self.day_pred += 1
                if key in gold_no_year.values():
                    self.year_right += 1
                    self.year_seen += 1
                elif _no_year(key) in gold_no_year:
                    self.year_seen += 1
                    self.errors.append(f"{name}: wrong year {key}")
                elif key not in gold_keys:
                    self.errors.append(f"{name}: spurious {key} ({f.text!r})")
            else:
                self.month_pred += 1
                if key not in gold_keys:
                    self.errors.append(f"{name}: spurious month {key} ({f.text!r})")

    @property
    def precision(self) -> float:
        return self.day_tp / self.day_pred if self.day_pred else 1.0

    @property
    def recall(self) -> float:
        return self.day_tp / self.day_gold if self.day_gold else 1.0

    @property
    def right_year(self) -> float:
        return self.year_right / self.year_seen if self.year_seen else 1.0

    @property
    def month_recall(self) -> float:
        return self.month_tp / self.month_gold if self.month_gold else 1.0

    @property
    def kind_agreement(self) -> float:
        return self.kind_right / self.kind_seen if self.kind_seen else 1.0


def score_sentences(sentences: list[tuple[str, str, list[str]]]) -> Score:
    from bot.text import find_dates

    score = Score()
    for i, (text, ref, expected) in enumerate(sentences):
        score.add(f"#{i} {text[:40]!r}", find_dates(text, date.fromisoformat(ref)), expected)
    return score


# --- Issue 12: one scoring for Relais and its peers (dateparser, Duckling) -----------------
#
# Every system's answer becomes a set of days (a range gives its first and its last day) and
# a set of coarse mentions (weeks, months, seasons). Day-level precision and recall compare
# the day sets; "right year" is, among predicted days whose day and month match an expected
# day, the share whose year is right too. Coarse mentions are scored apart (recall, precision).


def gold_units(expected: list[str]) -> tuple[set[str], set[str]]:
    days: set[str] = set()
    coarse: set[str] = set()
    for key in expected:
        key = key.split("@")[0]
        if key.startswith(("week:", "season:")) or len(key) == 7:
            coarse.add(key)
        else:
            days.update(key.split(".."))
    return days, coarse


def unit_key(f: FoundDate) -> str:
    """A found date as the set writes it: ``week:D``, ``season:D..E``, ``D`` or ``D..E``."""
    if f.precision == "week":
        return f"week:{f.date}"
    if f.precision == "season":
        return f"season:{f.date}..{f.end}"
    return f.date + (f"..{f.end}" if f.end else "")


def found_units(found: list[FoundDate]) -> tuple[set[str], set[str]]:
    days: set[str] = set()
    coarse: set[str] = set()
    for f in found:
        if f.precision == "day":
            days.add(f.date)
            if f.end:
                days.add(f.end)
        else:
            coarse.add(unit_key(f))
    return days, coarse


@dataclass
class DayScore:
    tp: int = 0
    pred: int = 0
    gold: int = 0
    year_right: int = 0
    year_seen: int = 0
    coarse_tp: int = 0
    coarse_pred: int = 0
    coarse_gold: int = 0
    seconds: float = 0.0
    bytes: int = 0
    docs: int = 0
    worst_ms_per_10kb: float = 0.0
    errors: list[str] = field(default_factory=list)

    def add(
        self,
        name: str,
        pred: tuple[set[str], set[str]],
        gold: tuple[set[str], set[str]],
    ) -> None:
        pdays, pcoarse = pred
        gdays, gcoarse = gold
        self.tp += len(pdays & gdays)
        self.pred += len(pdays)
        self.gold += len(gdays)
        by_day = {g[5:]: g for g in gdays}
        for p in pdays:
            if p[5:] in by_day:
                self.year_seen += 1
                self.year_right += p in gdays
        self.coarse_tp += len(pcoarse & gcoarse)
        self.coarse_pred += len(pcoarse)
        self.coarse_gold += len(gcoarse)
        for p in sorted(pdays - gdays):
            self.errors.append(f"{name}: spurious or wrong {p}")
        for g in sorted(gdays - pdays):
            self.errors.append(f"{name}: missed {g}")
        for g in sorted(gcoarse - pcoarse):
            self.errors.append(f"{name}: missed coarse {g}")
        for p in sorted(pcoarse - gcoarse):
            self.errors.append(f"{name}: spurious coarse {p}")

    def timed(self, seconds: float, size: int) -> None:
        self.seconds += seconds
        self.bytes += size
        self.docs += 1
        self.worst_ms_per_10kb = max(self.worst_ms_per_10kb, seconds * 1000 * 10_240 / max(size, 1))

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def right_year(self) -> float:
        return self.year_right / self.year_seen if self.year_seen else 1.0

    @property
    def coarse_recall(self) -> float:
        return self.coarse_tp / self.coarse_gold if self.coarse_gold else 1.0

    @property
    def coarse_precision(self) -> float:
        return self.coarse_tp / self.coarse_pred if self.coarse_pred else 1.0

    @property
    def ms_per_10kb(self) -> float:
        return self.seconds * 1000 * 10_240 / self.bytes if self.bytes else 0.0


def split_reference(ref: str) -> tuple[date, str]:
    day, _, kind = ref.partition("@")
    return date.fromisoformat(day), kind or "given"


def concatenated(
    items: list[tuple[str, bool, str, str, list[str]]], per_doc: int = 8
) -> list[tuple[str, str, list[str], bool]]:
    """Items sharing a reference, joined as paragraphs of one document: (text, reference,
    expected, hard). Paragraphs of one line are joined freely; an item with its own lines
    (headings, a quoted message) closes its document, since what follows a heading belongs to
    its section. Items whose reference is not a plain date stay alone."""
    groups: dict[str, list[tuple[str, bool, str, str, list[str]]]] = {}
    for item in items:
        groups.setdefault(item[3], []).append(item)
    docs: list[tuple[str, str, list[str], bool]] = []
    for ref, members in groups.items():
        if "@" in ref:
            docs.extend((m[2], ref, list(m[4]), m[1]) for m in members)
            continue
        flat = [m for m in members if "\n" not in m[2]]
        shaped = [m for m in members if "\n" in m[2]]
        chunks = [flat[i : i + per_doc] for i in range(0, len(flat), per_doc)] or [[]]
        for i, extra in enumerate(shaped):
            chunks[i % len(chunks)].append(extra) if i < len(chunks) else chunks.append([extra])
        for chunk in chunks:
            if not chunk:
                continue
            text = "\n\n".join(m[2] for m in chunk)
            expected = sorted({e for m in chunk for e in m[4]})
            docs.append((text, ref, expected, any(m[1] for m in chunk)))
    return docs
