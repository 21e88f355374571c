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
