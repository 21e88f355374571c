"""The shape of a text that dates depend on, computed once per text in linear time.

- sentences, paragraphs (blank lines) and sections (heading lines) as sorted start positions,
  so that "which sentence / paragraph / section holds this date" is a bisection, never a scan;
- the tense of the clause around a date (passé composé, imparfait vs futur), read once per
  sentence and cached;
- quoted messages: a forwarded or quoted e-mail (« De : … Envoyé : … », « Le … a écrit : »)
  starts a segment whose relative words are read against its own date.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

_SENT_END = re.compile(r"[.!?…](?=[ \t]+[A-ZÀ-Ý«\"“•\-\d])")
_ABBREV = frozenset(
    {"m", "mm", "mme", "mmes", "p", "pp", "no", "art", "dr", "st", "ste", "c", "d", "cf", "vol",
     "janv", "févr", "fevr", "fév", "avr", "juil", "sept", "oct", "nov", "déc", "dec"}
)  # fmt: skip
_LAST_WORD = re.compile(r"(\w{1,6})$")
_BULLET = re.compile(r"[ \t]*(?:[-•*✓▪◦–·►]|\d{1,2}[.)][ \t])")
_HEADING_NUMBER = re.compile(r"[ \t#*_]*(?:[IVX]{1,4}|\d{1,2}(?:\.\d{1,2})*)[.)-]?[ \t]+\S")

# A quoted or forwarded message's header; group "when" holds its date line.
MAIL_HEADER = re.compile(
    r"^(?P<block>(?:[ \t>]*(?:De|From|Envoyé|Sent|Date|À|A|To|Cc|Cci|Objet|Subject)[ \t]*:"
    r".*(?:\n|$)){2,7})|^(?P<wrote>[ \t>]*(?:Le|On)[ \t].{0,140}?"
    r"(?:a écrit|wrote)[ \t]*:)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_DATE_LINE = re.compile(
    r"^[ \t>]*(?:Envoyé|Sent|Date)[ \t]*:.*$", re.IGNORECASE | re.MULTILINE
)

# Tense cues: the nearest one to a date says whether the event is behind or ahead.
_PAST = (
    r"(?:a|ont|avons|avez|ai|as|avait|avaient|avions|était|étaient|sont[ \t]+allée?s"
    r"|est[ \t]+allée?|est[ \t]+venue?|sont[ \t]+venue?s|est[ \t]+arrivée?|sont[ \t]+arrivée?s)"
    r"(?:[ \t]+(?:déjà|bien|alors|ensuite|enfin|finalement|aussi|notamment|pu|dû|su))?"
    r"[ \t]+(?:été[ \t]+)?(?!lieu|prévu|reporté|déplacé|devancé|repoussé|convoqué|invité|attendu"
    r"|fixé|prévue|organisé|planifié|programmé|appelé|tenu de|tenue de|tenus de|tenues de)"
    r"[^\W\d_]{2,}(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|it|ite|its|ert|erte|eint|aint|ait)"
    r"|(?:[^\W\d_]{3,}(?<!r)(?:ait|aient))|eu lieu|lors de notre dernière|s['’]est[ \t]+\w+"
    r"|se sont[ \t]+\w+|passée?s?|dernière?s?|récemment|il y a|fut|furent|eut|eurent"
    r"|(?:nous[ \t]+nous[ \t]+sommes|vous[ \t]+vous[ \t]+êtes|je[ \t]+me[ \t]+suis"
    r"|s['’]étaient|s['’]était)[ \t]+\w+|vien(?:t|nent|s)[ \t]+d['’e]"
    r"|[^\W\d_]{2,}èrent|(?:tel(?:le)?s?[ \t]+qu(?:e[ \t]+|['’])|comme[ \t]+)[ \t]*"
    r"(?:convenu|discuté|annoncé|prévu|mentionné|indiqué|demandé|entendu|vu|dit)"
)
_FUTURE = (
    r"[^\W\d_]{2,}(?:ra|ront|rons|rez|rai|rait|raient)|aura lieu"
    r"|(?:va|vont|allons|allez)[ \t]+(?:se[ \t]+|nous[ \t]+|vous[ \t]+|s['’])?[^\W\d_]+"
    r"(?:er|ir|re)|à venir|prochaine?s?|est prévue?s?"
    r"|sont prévue?s?|invit\w*|convoqu\w*|inscri\w*|au plus tard|d['’]ici|avant le|date limite"
    r"|veuillez|merci de|réserve[rz]|prévo\w+|prévu\w*|reporté\w*|déplacé\w*|report\w*"
)
_TENSE = re.compile(rf"(?<!\w)(?:(?P<past>{_PAST})|(?P<future>{_FUTURE}))(?!\w)", re.IGNORECASE)
_YEAR_SHIFT = re.compile(
    r"(?<!\w)l['’][ \t]*(?:an|année)[ \t]+(prochaine?|dernière?|passée?)(?!\w)", re.IGNORECASE
)


@dataclass
class Segment:
    start: int
    anchor: date
    kind: str  # see FoundDate.anchor


@dataclass
class Structure:
    text: str
    sentence_starts: list[int] = field(default_factory=list)
    para_starts: list[int] = field(default_factory=list)
    heading_starts: list[int] = field(default_factory=list)
    heading_ends: list[int] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)
    _tense_cache: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)
    _shift_cache: dict[int, int] = field(default_factory=dict)

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self.sentence_starts, pos) - 1
        start = self.sentence_starts[i] if i >= 0 else 0
        end = self.sentence_starts[i + 1] if i + 1 < len(self.sentence_starts) else len(self.text)
        return start, end

    def sentence_index(self, pos: int) -> int:
        return bisect_right(self.sentence_starts, pos) - 1

    def paragraph(self, pos: int) -> int:
        return bisect_right(self.para_starts, pos) - 1

    def section(self, pos: int) -> int:
        return bisect_right(self.heading_starts, pos) - 1

    def in_heading(self, pos: int) -> bool:
        i = bisect_right(self.heading_starts, pos) - 1
        return i >= 0 and pos < self.heading_ends[i]

    def line_end(self, pos: int) -> int:
        i = bisect_right(self.line_starts, pos)
        return self.line_starts[i] - 1 if i < len(self.line_starts) else len(self.text)

    def line_start(self, pos: int) -> int:
        i = bisect_right(self.line_starts, pos) - 1
        return self.line_starts[i] if i >= 0 else 0

    def year_shift(self, pos: int) -> int:
        """+1 in a sentence about « l'an prochain », -1 for « l'an dernier », else 0."""
        ss, se = self.sentence(pos)
        shift = self._shift_cache.get(ss)
        if shift is None:
            m = _YEAR_SHIFT.search(self.text, ss, min(se, ss + 600))
            shift = 0 if m is None else (1 if m.group(1).lower().startswith("proch") else -1)
            self._shift_cache[ss] = shift
        return shift

    def tense(self, start: int, end: int) -> str | None:
        """ "past", "future" or None: the tense cue nearest to text[start:end]."""
        ss, se = self.sentence(start)
        cues = self._tense_cache.get(ss)
        if cues is None:
            cues = [
                (m.start(), m.end(), m.lastgroup or "")
                for m in _TENSE.finditer(self.text, ss, min(se, ss + 600))
            ]
            self._tense_cache[ss] = cues
        best: tuple[int, str] | None = None
        for cs, ce, kind in cues:
            if cs <= start < ce or cs < end <= ce:
                continue  # a cue inside the date itself ("dernier" is read by the grammar)
            dist = start - ce if ce <= start else (cs - end) * 2
            if dist < 0:
                continue
            if best is None or dist < best[0]:
                best = (dist, kind)
        return best[1] if best else None


def build(text: str) -> Structure:
    st = Structure(text)
    line_starts = [0]
    line_starts.extend(m.end() for m in re.finditer("\n", text))
    st.line_starts = line_starts
    sentence_starts = []
    para = [0]
    prev_blank = False
    for i, ls in enumerate(line_starts):
        le = line_starts[i + 1] - 1 if i + 1 < len(line_starts) else len(text)
        line = text[ls:le]
        stripped = line.strip()
        if not stripped:
            prev_blank = True
            continue
        if prev_blank:
            para.append(ls)
        prev_blank = False
        sentence_starts.append(ls)
        if _is_heading(stripped):
            st.heading_starts.append(ls)
            st.heading_ends.append(le)
    st.para_starts = para
    for m in _SENT_END.finditer(text):
        w = _LAST_WORD.search(text, max(0, m.start() - 6), m.start())
        if w is not None and (len(w.group(1)) == 1 or w.group(1).lower() in _ABBREV):
            if not (
                w.group(1).lower() == "h"
                and text[max(0, w.start() - 2) : w.start()].strip()[-1:].isdigit()
            ):
                continue
        nxt = m.end()
        while nxt < len(text) and text[nxt] in " \t":
            nxt += 1
        sentence_starts.append(nxt)
    sentence_starts.sort()
    st.sentence_starts = sentence_starts
    return st


def _is_heading(line: str) -> bool:
    """A section heading: a short line without the punctuation that ends a sentence, not a
    list item ("- 12 octobre 2018") and not a « date : item » line."""
    if len(line) > 80 or (_BULLET.match(line) and not _HEADING_NUMBER.match(line)):
        return False
    if line[-1] in ".;!?,":
        return False
    if ":" in line[:-1]:
        return False  # "30 juin 2018 : fin de la consultation", "Objet : …"
    return sum(map(str.isalpha, line)) >= 4


def quoted_segments(
    text: str, base: date, base_kind: str
) -> tuple[list[Segment], list[tuple[int, int]]]:
    """Segments of the text with the date their relative words are read against, and the
    spans of header date lines (the date a message was sent is no event)."""
    from bot.text.grammar import first_full_date

    segments = [Segment(0, base, base_kind)]
    spans: list[tuple[int, int]] = []
    if ":" not in text:
        return segments, spans
    for m in MAIL_HEADER.finditer(text):
        if m.group("wrote") is not None:
            span = (m.start("wrote"), m.end("wrote"))
            when = first_full_date(text, *span)
            spans.append(span)
        else:
            when = None
            for d in _HEADER_DATE_LINE.finditer(text, m.start("block"), m.end("block")):
                spans.append((d.start(), d.end()))
                when = when or first_full_date(text, d.start(), d.end())
        if when is not None:
            # A header block atop the text is the memo's or message's own: "header".
            own = len(segments) == 1 and not text[: min(m.start(), 400)].strip()
            segments.append(Segment(m.end(), when, "header" if own else "quoted"))
    return segments, spans
