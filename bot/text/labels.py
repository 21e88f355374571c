"""What happens on a found date (its label) and what kind of date it is.

Label: the other cells of a table row (``Rencontre de synthèse | 22 octobre 2026``), the text
after ``date :``, the text before ``(date)`` or ``: le date``, the heading of a list of dates,
else the clause of the sentence holding the date (clauses end at ``;``, `` : `` and ``, et``),
capped at ``LABEL_LIMIT`` characters between words with "…". Kind: the cue word nearest the date
(``se tiendra``, ``au plus tard``, ``du … au …``…), see ``lexicon.KIND_CUES``.
"""

from __future__ import annotations

import re

from bot import safe_text
from bot.text.grammar import TOKEN, Run
from bot.text.lexicon import KIND_RE, MONTH_NAMES, STOP_WORDS, WEEKDAYS
from bot.text.model import DateKind
from bot.text.structure import Structure

_BULLET = re.compile(r"^\s*(?:[-•*✓▪◦–·►>]+|\d{1,2}[.)])\s*")

_LEADING = re.compile(r"^(?:(?:(?:les|le|et|ou|au|à)(?!\w)|[,&–-])\s*)+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:\s*(?:et|ou|au|à|du|le|les|entre|,|-|–|&))+$", re.IGNORECASE)


def run_text(text: str, run: Run) -> str:
    # Keep an opening "du" / "entre le" / weekday just before the first date word.
    words = text[max(0, run.start - 25) : run.start].split()
    take = 0
    if words and words[-1].lower() in WEEKDAYS:
        take = 1
    if len(words) > take and words[-1 - take].lower() in ("du", "le", "les"):
        take += 1
        if words[-take].lower() in ("le", "les") and len(words) > take:
            take += words[-1 - take].lower() == "entre"
    start = run.start
    if take:
        start = text.rfind(words[-take], max(0, run.start - 25), run.start)
    chunk = " ".join(text[start : run.end].split())
    chunk = _ONE_ER.sub(r"1\1", _TRAILING.sub("", chunk))
    return _LEADING.sub("", chunk) if not chunk.lower().startswith(("du ", "entre ")) else chunk


_ONE_ER = re.compile(r"(?<!\w)1 (er|re)(?!\w)")


_SENT_END = re.compile(r"[.!?…](?:\s+|$)(?=[A-ZÀ-Ý«\"“•\-\d]|$)")


_REACH = 400  # characters around a date that its label is read from
LABEL_LIMIT = 140  # characters: a label is read at a glance beside its date


def _tidy(label: str, limit: int = LABEL_LIMIT) -> str:
    label = " ".join(label.split()).strip(" :;,-–—•*_")
    if label.endswith(".") and not label.endswith(".."):
        label = label[:-1]
    label = re.sub(r"\*\*|__", "", label)
    if len(label) > limit:
        # Cut where safe_text cuts (a sentence end or a word), no comma before the « … ».
        shortened = safe_text.cut(label, limit)
        if shortened.endswith("…"):
            shortened = shortened[:-1].rstrip(" ,;:") + "…"
        label = shortened
    return label


def label_and_kind(text: str, run: Run, st: Structure) -> tuple[str, DateKind]:
    rs = run.start
    re_ = run.end
    # A label is read within a few hundred characters of its date, whatever the line's
    # length (one 500 KB line must not be copied once per date).
    ls = max(st.line_start(rs), rs - _REACH)
    le = min(st.line_end(re_), re_ + _REACH)

    def sentence_bounds(text: str, ls: int, le: int, start: int, end: int) -> tuple[int, int]:
        ss, _ = st.sentence(start)
        _, se = st.sentence(max(start, end - 1))
        ss = max(ss, ls)
        se = min(se, le)
        # The sentence's end: its final point stays (as the scan would have kept it).
        while se > ss and text[se - 1].isspace():
            se -= 1
        return ss, se

    before = text[ls:rs]
    after = text[re_:le]
    bare_before = _BULLET.sub("", before)

    # A table row ("Rencontre de synthèse | 22 octobre 2026"): the other cells say what happens.
    if "|" in before or "|" in after:
        row = _table_row_label(text[ls:le], rs - ls)
        if row:
            return _tidy(row), _kind_of(text[ls:le], (rs - ls, re_ - ls))

    # "30 juin 2018 : fin de la consultation" / "Après le 30 juin : production d'un rapport"
    colon_after = re.match(r"^\s*(?:prochain\w*|derni\w*)?\s*[:–—]\s*(\S.*)", after)
    if colon_after and len(bare_before) <= 30 and ":" not in bare_before:
        label = _first_sentence(colon_after.group(1))
        kind = _kind_of(label, None)
        if kind == "autre":
            heading = _list_heading(text, ls)
            kind = _kind_of(heading, None) if heading else kind
        return _tidy(label), kind

    # "les séances de présentation du cadre normatif (18, 20 et 25 avril 2023)"
    if before.rstrip().endswith("(") and after.lstrip().startswith(")"):
        ss, _ = sentence_bounds(text, ls, le, rs, re_)
        head = text[ss:rs].rstrip()[:-1]
        parts = head.rsplit(", ", 1)
        if len(parts) == 2 and len(parts[1].split()) >= 3:
            head = parts[1]
        return _tidy(head), _kind_of(head, None)

    rest = re.sub(r"[\s.;,:)]+", "", after)
    # "Dates des rencontres : 12 et 14 octobre 2021"
    if not rest and bare_before.rstrip().endswith(":") and len(bare_before.strip()) > 1:
        head = bare_before.rstrip()[:-1]
        return _tidy(head), _kind_of(head, None)

    # A line that is only dates: the heading of the list gives the label.
    if not rest and not re.sub(
        r"[\s(]+|\b(?:le|les|du|entre)\b", "", bare_before, flags=re.IGNORECASE
    ):
        heading = _list_heading(text, ls)
        if heading:
            return _tidy(heading), _kind_of(heading, None)

    ss, se = sentence_bounds(text, ls, le, rs, re_)
    sentence = text[ss:se]
    kind = _kind_of(sentence, (rs - ss, re_ - ss))
    return _tidy(_clause(sentence, rs - ss, re_ - ss)), kind


# Where a long sentence changes subject: the label keeps the clause holding the date.
_CLAUSE_BREAK = re.compile(
    r"\s*(?:;|\(|(?<!\w)et (?=(?:qu|nous|vous|ils|elles|on|il|elle|que)(?!\w))"
    r"|, (?:et|mais|car|donc|puis|alors|afin|tandis|qui)(?!\w)|(?<!\w)mais(?!\w))",
    re.IGNORECASE,
)
_MIN_CLAUSE_WORDS = 4
# Clauses of any sentence: "…; …", "… : …" (French colon, a space after it) and ", et …"
# (not "12, et 14 mai", a list of days).
_CLAUSE_SEP = re.compile(r"\s*;\s*|\s*:\s+|,\s+et\s+(?!(?:le\s+)?\d)", re.IGNORECASE)
_CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")
# Words that never say what happens, beside a date.
_FILLER = frozenset(
    {"heure", "heures", "midi", "partir", "compter", "dès", "avant", "après", "vers", "environ",
     "inclusivement", "prochain", "prochaine", "dernier", "dernière", "jusqu"}
    | set(WEEKDAYS)
    | set(MONTH_NAMES)
)  # fmt: skip


def _thin(clause: str) -> bool:
    """No word that says what happens: "le 7 décembre 2026 à 10 h", "mardi 14 janvier"."""
    return not any(
        w.lower() not in STOP_WORDS and w.lower() not in _FILLER
        for w in _CONTENT_WORD.findall(clause)
    )


def _clause(sentence: str, start: int, end: int) -> str:
    seps = [m for m in _CLAUSE_SEP.finditer(sentence) if m.end() <= start or m.start() >= end]
    before = [m for m in seps if m.end() <= start]
    after = [m for m in seps if m.start() >= end]
    cs = before[-1].end() if before else 0
    ce = after[0].start() if after else len(sentence)
    if _thin(sentence[cs:ce]):
        # "Rencontre préparatoire : le 7 décembre à 10 h": the heading before the colon.
        if before and ":" in before[-1].group(0):
            ps = before[-2].end() if len(before) > 1 else 0
            if not _thin(sentence[ps : before[-1].start()]):
                return sentence[ps : before[-1].start()]
        # "Le 14 mai ; reprise des travaux": the thin clause joins its neighbour.
        if after:
            ce = after[1].start() if len(after) > 1 else len(sentence)
        elif before:
            cs = before[-2].end() if len(before) > 1 else 0
    return _long_clause(sentence[cs:ce], start - cs, end - cs)


def _long_clause(sentence: str, start: int, end: int) -> str:
    if len(sentence) <= 100:
        return sentence
    tail = _CLAUSE_BREAK.search(sentence, end)
    if tail is not None:
        sentence = sentence[: tail.start()]
    cut = None
    for m in _CLAUSE_BREAK.finditer(sentence, 0, start):
        cut = m
    if cut is not None and len(sentence[cut.end() :].split()) >= _MIN_CLAUSE_WORDS:
        start -= cut.end()
        sentence = sentence[cut.end() :].lstrip(" ,")
    if len(sentence) > LABEL_LIMIT:
        # Too long: drop the complements after the date at a comma ("…, dans nos bureaux").
        comma = sentence.rfind(", ", end, LABEL_LIMIT)
        if comma > 0:
            return sentence[:comma] + "…"
    if len(sentence) > LABEL_LIMIT:
        # Keep the words around the date: cut the opening when the date is far in.
        space = sentence.rfind(" ", 0, max(0, start - 60))
        sentence = "…" + sentence[space + 1 :] if space > 0 else sentence
    return sentence


def _table_row_label(line: str, at: int) -> str | None:
    """The cells of a table row (joined with " | ") other than those holding only dates."""
    cells = []
    pos = 0
    for cell in line.split("|"):
        holds = pos <= at <= pos + len(cell)
        pos += len(cell) + 1
        cell = _BULLET.sub("", cell).strip()
        if not cell or (holds and _is_only_dates(cell)):
            continue
        cells.append(cell)
    return " — ".join(cells) if cells else None


def _first_sentence(s: str) -> str:
    m = _SENT_END.search(s)
    return s[: m.start() + 1] if m and m.start() > 10 else s


def _list_heading(text: str, line_start: int) -> str | None:
    pos = line_start - 1
    for _ in range(12):
        if pos <= 0:
            return None
        ls = text.rfind("\n", 0, pos) + 1
        line = _BULLET.sub("", text[ls:pos]).strip()
        pos = ls - 1
        if not line:
            continue
        head, colon, _ = line.partition(":")
        if colon and _is_only_dates(head):
            continue  # another "date : item" line of the same list
        if not _is_only_dates(line):
            return line if len(line) <= 120 else None
    return None


def _is_only_dates(s: str) -> bool:
    rest = TOKEN.sub("", s)
    rest = re.sub(
        r"(?<!\w)(?:après|avant|autour|vers|dès|fin|début)(?!\w)", "", rest, flags=re.IGNORECASE
    )
    return not re.sub(r"[\s.;,:()•*✓-]+", "", rest)


def _kind_of(s: str, span: tuple[int, int] | None) -> DateKind:
    """The cue nearest the date decides; without a span, the first cue found."""
    best: tuple[float, str] | None = None
    for m in KIND_RE.finditer(s):
        if span is None:
            return m.lastgroup  # type: ignore[return-value]
        if m.end() <= span[0]:
            dist = float(span[0] - m.end())
        elif m.start() >= span[1]:
            dist = (m.start() - span[1]) * 1.5
        else:
            dist = 0.0
        if best is None or dist < best[0]:
            best = (dist, m.lastgroup or "autre")
    return best[1] if best else "autre"  # type: ignore[return-value]
