"""Relative and partial dates: « demain », « jeudi qui vient », « d'ici vendredi », « dans trois
semaines », « le 10 du mois prochain », « au plus tard le mercredi 18 », « le 9 et le 10 »,
« le deuxième mardi de mai », « la semaine prochaine », « au printemps ».

Each is read against its anchor (the document's date, or a quoted message's own date) or,
for a day without its month, against the month of the date just before it in the same or the
previous sentence. Only windows around cue words are scanned, each character once.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.text.grammar import MONTH, WD
from bot.text.lexicon import WEEKDAYS, month_number
from bot.text.model import Precision
from bot.text.structure import Structure

AnchorAt = Callable[[int], tuple[date, str]]
TenseOf = Callable[[int, int], str | None]

_NUM_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
    "trente": 30,
}  # fmt: skip
_NUM = (
    r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente"
    r"|\d{1,2})"
)
_ORD = {
    "premier": 1, "1er": 1, "deuxième": 2, "2e": 2, "second": 2, "troisième": 3, "3e": 3,
    "quatrième": 4, "4e": 4, "dernier": -1,
}  # fmt: skip
_A = "['’]"
_DAY = r"(?:1er|[0-3]?\d)"
# What may follow a bare day number for it to be a day: never a unit, an hour or a noun.
_DAY_END = rf"(?![ \t]*(?:h(?!\w)|heures?|:\d|%|\$|[.,/]\d|\d|{MONTH}|e(?!\w)|ème))"

RELATIVE = re.compile(
    rf"""(?<!\w)(?:
      (?P<d2>après-demain)|(?P<dm2>avant-hier)
    | (?P<d1>demain)(?!\w)|(?P<dm1>hier)(?!\w)
    | (?P<eve>la[ \t]+veille)|(?P<nextday>le[ \t]+lendemain)
    | (?P<inn>(?P<inn_pre>dans|d{_A}ici)[ \t]+(?P<n>{_NUM})[ \t]+(?P<unit>jours?|semaines?|mois)
        (?![ \t]+(?:suiva\w+|après|de[ \t]+la|de[ \t]+l{_A}|à[ \t]+compter|ouvrables)))
    | (?P<ago>il[ \t]+y[ \t]+a[ \t]+(?P<n2>{_NUM})[ \t]+(?P<unit2>jours?|semaines?|mois))
    | (?P<dom>(?:le[ \t]+)?(?P<dom_day>{_DAY})[ \t]+(?:du|de[ \t]+ce)[ \t]+mois
        (?:[ \t]+(?P<dom_rel>prochain|dernier|suivant|courant|en[ \t]+cours))?)
    | (?P<ordinal>(?:le[ \t]+)?(?P<ord>premier|1er|deuxième|2e|second|troisième|3e|quatrième|4e
        |dernier)[ \t]+(?P<ord_wd>{WD})[ \t]+(?:de[ \t]+|d{_A}[ \t]*|du[ \t]+)
        (?:(?P<ord_month>{MONTH})|(?P<ord_this>mois(?:[ \t]+(?P<ord_rel>prochain|courant))?)))
    | (?P<week>(?:la[ \t]+semaine[ \t]+(?P<week_rel>prochaine|dernière|passée|suivante
        |qui[ \t]+vient|en[ \t]+cours))|(?P<week_this>cette[ \t]+semaine)
        |(?P<week_end>(?:la[ \t]+)?(?:fin|début)[ \t]+de[ \t]+la[ \t]+semaine
        |(?:cette|la|en)[ \t]+fin[ \t]+de[ \t]+semaine(?P<weekend_next>[ \t]+prochaine)?)
        (?![ \t]+(?:prochaine|dernière|passée|suivante|qui|du|de|d['’])))
    | (?P<monthrel>le[ \t]+mois[ \t]+(?P<mrel>prochain|dernier|passé)|ce[ \t]+mois-ci
        |(?:la[ \t]+)?(?:fin|début|milieu)[ \t]+(?:du|de[ \t]+ce)[ \t]+mois
        (?:[ \t]+(?P<mrel2>prochain|dernier))?)
    | (?P<season>(?P<season_pre>au|le|ce|cet|du|l{_A}|en|à[ \t]+l{_A}|dès[ \t]+l{_A}
        |fin[ \t]+de[ \t]+l{_A}|début[ \t]+de[ \t]+l{_A}|d{_A}ici[ \t]+l{_A})[ \t]*
        (?P<season_name>printemps|été|automne|hiver)(?!\w)
        (?:[ \t]+(?P<season_year>(?:19|20)\d\d)|[ \t]+(?P<season_rel>prochain|dernier))?)
    | (?P<cueday>(?P<cue>jusqu{_A}au|d{_A}ici[ \t]+(?:au|le)|au[ \t]+plus[ \t]+tard[ \t]+le
        |avant[ \t]+le|dès[ \t]+le|à[ \t]+partir[ \t]+du|à[ \t]+compter[ \t]+du
        |après[ \t]+le|vers[ \t]+le|autour[ \t]+du|en[ \t]+date[ \t]+du
        |(?:report|déplac|devanc|repouss|remis|fixé|prévu)\w*[ \t]+(?:au|le|pour[ \t]+le)
        |(?:se[ \t]+)?[^\W\d_]{{3,}}(?:ra|ront)(?:[ \t]+(?:à|de)[ \t]+nouveau)?[ \t]+le
        |(?:rencontre|réunion|séance|assemblée|formation|atelier|webinaire|forum|colloque
        |conférence|consultation)[ \t]+du)
        [ \t]+(?:(?P<cue_wd>{WD})[ \t]+)?(?P<cue_d>{_DAY}){_DAY_END}
        (?P<cue_more>(?:[ \t]*,[ \t]*|[ \t]+(?:et|ou)[ \t]+(?:le[ \t]+)?){_DAY}{_DAY_END})*
        (?![ \t]*(?:au|-)[ \t]*\d))
    | (?P<wdnum>(?:le[ \t]+|ce[ \t]+)?(?P<wdn_wd>{WD})[ \t]+(?:le[ \t]+)?
        (?P<wdn_day>{_DAY}){_DAY_END}
        (?![ \t]*(?:au|-)[ \t]*(?:{WD})))
    | (?P<wdrel>(?P<wd_pre>ce|d{_A}ici|dès|à[ \t]+compter[ \t]+de|à[ \t]+partir[ \t]+de
        |jusqu{_A}à|avant|pour|depuis|le|les|tous[ \t]+les|chaque|du|au|premier|deuxième
        |troisième|quatrième|dernier|second|1er|2e|3e|4e)?[ \t]*
        (?P<wd>{WD})(?!\w)(?![ \t]+(?:de[ \t]+Pâques|saint|gras))
        (?P<wd_post>[ \t]+(?:qui[ \t]+vient|prochain|passé|dernier|gras
        |au[ \t]+(?:{WD})))?)
    )(?!\w)""",
    re.IGNORECASE | re.VERBOSE,
)

# A bare list of days after a month: « en avril : les 7, 14 et 28 », « le 9 et le 10 ».
BARE_DAYS = re.compile(
    rf"(?<!\w)(?:le|les|du|au)[ \t]+(?P<days>{_DAY}(?:(?:[ \t]*,[ \t]*|[ \t]+(?:et|ou|au)[ \t]+"
    rf"(?:le[ \t]+)?){_DAY})*)(?=[ \t]*(?:[.;,:)!?\n]|$|(?:à|en|dès|pour|avec|afin|sur|dans"
    rf"|prochain|de[ \t]+\d|au[ \t]+matin|en[ \t]+soirée)(?!\w)))",
    re.IGNORECASE,
)
_DAY_IN_LIST = re.compile(rf"(?<!\w)({_DAY})(?!\w)", re.IGNORECASE)

_KEYWORDS = (
    "demain", "hier", "veille", "lendemain", "lundi", "mardi", "mercredi", "jeudi",
    "vendredi", "samedi", "dimanche", "semaine", "mois", "jours", "jour ", "ici", "il y a",
    "jusqu", "tard", "avant le", "dès le", "partir du", "compter du", "report", "déplacé",
    "prévu", "printemps", "été", "automne", "hiver", "devanc", "repouss", "remis", "fixé",
    "après le", "vers le", "autour du", "date du", "ra le ", "ront le ", "nouveau le ",
    "rencontre du ", "réunion du ", "séance du ",
    "assemblée du ", "formation du ", "atelier du ", "forum du ", "colloque du ",
    "webinaire du ", "conférence du ", "consultation du ",
)  # fmt: skip
MAX_MATCHES = 1000  # relative words read per text (see dates.MAX_DATES)
_WINDOW_BEFORE = 45
_WINDOW_AFTER = 60


@dataclass
class Mention:
    """A date the grammar read, as context for partial dates after it."""

    pos: int
    end: int
    day: int | None
    month: int
    year: int | None


@dataclass
class Relative:
    start: int
    end: int
    text: str
    date: str
    end_date: str | None
    precision: Precision
    year_from: str
    doubtful: bool
    override: bool = False  # wins over a grammar date on the same words (ordinals)
    extra: list[str] | None = None  # the other days of a list (« le 18 et le 25 »)


_DIGIT_SOON = re.compile(r"[^\d\n]{0,32}\d")
# Cue words that only matter with a day number after them (« prévu le 12 », « se réunira le
# 29 »): checked cheaply before any full match is tried.
_NEED_DIGIT = frozenset(
    {"devanc", "repouss", "remis", "fixé", "ra le ", "ront le ", "nouveau le ", "rencontre du ",
     "réunion du ", "séance du ", "assemblée du ", "formation du ", "atelier du ", "forum du ",
     "colloque du ", "webinaire du ", "conférence du ", "consultation du ", "report", "déplacé",
     "prévu", "avant le", "dès le", "partir du", "compter du", "après le", "vers le",
     "autour du", "date du"}
)  # fmt: skip


def _worth(word: str, low: str, i: int) -> bool:
    if word in _NEED_DIGIT:
        return _DIGIT_SOON.match(low, i + len(word), i + len(word) + 40) is not None
    if word == "été":  # « a été » is no season; « l'été », « cet été », « en été » are
        return low[max(0, i - 3) : i].endswith(("l'", "l’", "et ", "en "))
    if word == "ici":
        return low[max(0, i - 2) : i] in ("d'", "d’")
    if word == "tard":
        return low[max(0, i - 5) : i] == "plus "
    return True


def hits(low: str) -> list[int]:
    """Positions of cue words, sorted (a few ``str.find`` loops: most text holds none)."""
    anchors: list[int] = []
    for word in _KEYWORDS:
        i = low.find(word)
        while i >= 0:
            if _worth(word, low, i):
                anchors.append(i)
            i = low.find(word, i + len(word))
    anchors.sort()
    return anchors


_WORD_START = re.compile(r"(?<![\w-])\w")


def matches(text: str, low: str) -> list[re.Match[str]]:
    """RELATIVE matched only at the starts of the few words before each cue word: anchored
    matches at a handful of positions instead of a scan of every position."""
    out: list[re.Match[str]] = []
    done = -1
    for hit in hits(low):
        if hit < done:
            continue
        starts = [
            w.start() for w in _WORD_START.finditer(text, max(0, hit - _WINDOW_BEFORE), hit + 1)
        ]
        for start in starts[-5:]:
            if start < done:
                continue
            m = RELATIVE.match(text, start)
            if m is not None and m.end() > hit:
                out.append(m)
                if len(out) >= MAX_MATCHES:
                    return out
                done = m.end()
                break
    return out


def _num(word: str) -> int:
    w = word.lower()
    return int(w) if w.isdigit() else _NUM_WORDS.get(w, 0)


def _day(word: str) -> int:
    w = word.lower()
    return 1 if w.endswith(("er", "re")) else int(w)


def _add_months(d: date, n: int) -> tuple[int, int]:
    m = d.month - 1 + n
    return d.year + m // 12, m % 12 + 1


def _iso(d: date) -> str:
    return d.isoformat()


def _safe(y: int, m: int, d: int) -> date | None:
    if 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]:
        return date(y, m, d)
    return None


_SEASONS = {"printemps": (3, 6), "été": (6, 9), "automne": (9, 12), "hiver": (12, 3)}


def find_relative(
    text: str,
    st: Structure,
    anchor_at: AnchorAt,
    covered: list[tuple[int, int]],
    mentions: list[Mention],
    day_dates: list[tuple[int, date]],
    tense_of: TenseOf,
    absorbed: list[int] | None = None,
) -> list[Relative]:
    """``anchor_at(pos) -> (date, kind)``; ``tense_of(start, end) -> "past"|"future"|None``;
    ``covered``: sorted spans the grammar already read; ``mentions``: grammar dates in text
    order; ``day_dates``: resolved day-level dates (position, day) for « la veille »."""
    low = text.lower()
    cov_starts = [a for a, _ in covered]
    out: list[Relative] = []

    def overlaps(a: int, b: int) -> bool:
        i = bisect_left(cov_starts, b)
        return i > 0 and covered[i - 1][1] > a

    for m in matches(text, low):
        if True:
            r = _resolve(m, text, st, anchor_at, mentions, day_dates, tense_of)
            if r is None:
                continue
            if not r.override and overlaps(r.start, r.end):
                continue
            out.append(r)
    # Bare day lists after a month: scan from each mention to the end of the next sentence.
    last_end = 0
    for i, mention in enumerate(mentions):
        start = max(mention.end, last_end)
        s_idx = st.sentence_index(mention.pos)
        limit_idx = s_idx + 2
        end = st.sentence_starts[limit_idx] if limit_idx < len(st.sentence_starts) else len(text)
        end = min(end, mention.end + 400)
        if i + 1 < len(mentions):
            end = min(end, mentions[i + 1].pos)
        if end <= start:
            continue
        last_end = end
        for m in BARE_DAYS.finditer(text, start, end):
            if overlaps(m.start(), m.end()) or st.paragraph(m.start()) != st.paragraph(mention.pos):
                continue
            found = _bare_list(m, text, mention)
            out.extend(found)
            if found and mention.day is None and absorbed is not None:
                if st.sentence_index(m.start()) == st.sentence_index(mention.pos):
                    absorbed.append(
                        mention.pos
                    )  # « En avril : les 8, 15 et 22 »: days, not a month
    return out


def _bare_list(m: re.Match[str], text: str, ctx: Mention) -> list[Relative]:
    if ctx.year is None:
        return []
    found = []
    is_range = re.search(r"(?<!\w)au(?!\w)", m.group("days"), re.IGNORECASE) is not None
    days = [
        (_day(d.group(1)), d.start(1), d.end(1))
        for d in _DAY_IN_LIST.finditer(text, m.start("days"), m.end("days"))
    ]
    year, month = ctx.year, ctx.month
    if ctx.day is not None and days and days[0][0] <= ctx.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    dates = []
    prev = 0
    for d, s, e in days:
        if d < prev:  # "les 28, 30 et 2": the next month
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        prev = d
        when = _safe(year, month, d)
        if when is None:
            return []
        dates.append((when, s, e))
    if is_range and len(dates) == 2:
        (a, s, _), (b, _, e) = dates
        if b > a:
            return [
                Relative(s, e, text[m.start() : m.end()], _iso(a), _iso(b), "day", "list", False)
            ]
    for when, s, e in dates:
        found.append(
            Relative(
                s, e, text[m.start() : m.end()].strip(), _iso(when), None, "day", "list", False
            )
        )
    return found


def _resolve(
    m: re.Match[str],
    text: str,
    st: Structure,
    anchor_at: AnchorAt,
    mentions: list[Mention],
    day_dates: list[tuple[int, date]],
    tense_of: TenseOf,
) -> Relative | None:
    g = m.lastgroup
    # The named group of the alternative that matched (lastgroup may be an inner group).
    for name in ("d2", "dm2", "d1", "dm1", "eve", "nextday", "inn", "ago", "dom", "ordinal",
                 "week", "monthrel", "season", "cueday", "wdnum", "wdrel"):  # fmt: skip
        if m.group(name) is not None:
            g = name
            break
    anchor, kind = anchor_at(m.start())
    doubtful = kind in ("today", "metadata", "latest_date")
    found = m.group(0).strip()
    s, e = m.start(), m.end()

    def day(d: date, how: str = "relative") -> Relative:
        return Relative(s, e, found, _iso(d), None, "day", how, doubtful)

    if g in ("d1", "d2", "dm1", "dm2"):
        before = text[max(0, s - 12) : s].lower()
        if g == "d1" and re.search(r"(?<!\w)(?:de|d['’])\s*$", before):
            if not re.search(
                r"(?:journée|rencontre|réunion|séance)\s+de\s*$", text[max(0, s - 30) : s].lower()
            ):
                return None  # « le monde de demain »
        delta = {"d1": 1, "d2": 2, "dm1": -1, "dm2": -2}[g]
        return day(anchor + timedelta(days=delta))
    if g in ("eve", "nextday"):
        # The day before / after the event named next in the sentence, else the one before.
        _, se = st.sentence(s)
        target = None
        i = bisect_left(day_dates, (e, date.min))
        if i < len(day_dates) and day_dates[i][0] < se:
            target = day_dates[i][1]
        elif (
            i > 0
            and st.paragraph(day_dates[i - 1][0]) == st.paragraph(s)
            and (st.sentence_index(s) - st.sentence_index(day_dates[i - 1][0]) <= 1)
        ):
            target = day_dates[i - 1][1]
        if target is None:
            return None
        r = day(target + timedelta(days=-1 if g == "eve" else 1), "relative")
        r.doubtful = False
        return r
    if g in ("inn", "ago"):
        n = _num(m.group("n") or m.group("n2"))
        unit = (m.group("unit") or m.group("unit2")).lower()
        if not 0 < n <= 60:
            return None
        sign = 1 if g == "inn" else -1
        if unit.startswith("mois"):
            y, mo = _add_months(anchor, sign * n)
            return Relative(s, e, found, f"{y:04d}-{mo:02d}", None, "month", "relative", doubtful)
        days = n * (7 if unit.startswith("semaine") else 1)
        return day(anchor + timedelta(days=sign * days))
    if g == "dom":
        rel = (m.group("dom_rel") or "").lower()
        shift = 1 if rel in ("prochain", "suivant") else -1 if rel == "dernier" else 0
        y, mo = _add_months(anchor, shift)
        when = _safe(y, mo, _day(m.group("dom_day")))
        return day(when) if when else None
    if g == "ordinal":
        n = _ORD[m.group("ord").lower()]
        wd = WEEKDAYS[m.group("ord_wd").lower()]
        if m.group("ord_month"):
            month = month_number(m.group("ord_month"))
            assert month is not None
            from bot.text.years import anchor_year

            y, how = anchor_year(month, None, anchor, tense_of(s, e))
        else:
            shift = 1 if (m.group("ord_rel") or "").lower() == "prochain" else 0
            y, month = _add_months(anchor, shift)
            how = "relative"
        when = _nth_weekday(y, month, wd, n)
        if when is None:
            return None
        r = day(when, how)
        r.override = True
        return r
    if g == "week":
        rel = (m.group("week_rel") or "").lower()
        shift = (
            7
            if rel.startswith(("prochaine", "suivante", "qui")) or m.group("weekend_next")
            else -7
            if rel in ("dernière", "passée")
            else 0
        )
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(days=shift)
        return Relative(
            s,
            e,
            found,
            _iso(monday),
            _iso(monday + timedelta(days=6)),
            "week",
            "relative",
            doubtful,
        )
    if g == "monthrel":
        rel = (m.group("mrel") or m.group("mrel2") or "").lower()
        shift = 1 if rel == "prochain" else -1 if rel else 0
        y, mo = _add_months(anchor, shift)
        return Relative(s, e, found, f"{y:04d}-{mo:02d}", None, "month", "relative", doubtful)
    if g == "season":
        name = m.group("season_name").lower()
        pre = m.group("season_pre").lower()
        if name == "été" and pre in ("le",):
            return None
        first, last = _SEASONS[name]
        if m.group("season_year"):
            y = int(m.group("season_year"))
            how = "written"
            if name == "hiver":
                y -= 1  # « l'hiver 2025 »: December 2024 to March 2025
        else:
            rel = (m.group("season_rel") or "").lower()
            tense = (
                "future" if rel == "prochain" else "past" if rel == "dernier" else tense_of(s, e)
            )
            y = anchor.year
            end_y = y + 1 if name == "hiver" else y
            end_d = date(end_y, last, calendar.monthrange(end_y, last)[1])
            start_d = date(y, first, 1)
            if rel == "dernier":
                if end_d >= anchor:
                    y -= 1  # « l'été dernier » in June: last year's
            elif rel == "prochain":
                if start_d <= anchor:
                    y += 1
            elif tense == "past":
                if start_d > anchor:
                    y -= 1
            elif end_d < anchor:
                y += 1
            how = "relative"
        end_y = y + 1 if name == "hiver" else y
        return Relative(
            s,
            e,
            found,
            f"{y:04d}-{first:02d}",
            f"{end_y:04d}-{last:02d}",
            "season",
            how,
            doubtful and how != "written",
        )
    tense = tense_of(s, e)
    if g == "cueday" and re.match(r"(?:report|déplac|devanc|repouss|remis)", m.group("cue"), re.I):
        tense = "future"  # « devancée au vendredi 14 »: the new date is ahead
    if g == "cueday" and m.group("cue_more"):
        # « se dérouleront le 18 et le 25 »: every day of the list, one month.
        head = _resolve_cue_day(m, _day(m.group("cue_d")), st, mentions, anchor, tense, s)
        if head is None:
            return None
        out_days: list[date] = [head]
        for dm in _DAY_IN_LIST.finditer(text, m.end("cue_d"), m.end("cue_more")):
            n_day = _day(dm.group(1))
            prev = out_days[-1]
            y, mo = prev.year, prev.month
            if n_day <= prev.day:
                y, mo = _add_months(prev.replace(day=1), 1)
            when = _safe(y, mo, n_day)
            if when is None:
                return None
            out_days.append(when)
        r = day(out_days[0])
        r.extra = [x.isoformat() for x in out_days[1:]]
        return r
    if g == "cueday":
        d = _day(m.group("cue_d"))
        cue_wd = WEEKDAYS.get((m.group("cue_wd") or "").lower())
        ctx = _month_context(st, mentions, s)
        if ctx is not None and ctx.year is not None:
            when = _day_after_context(ctx, ctx.year, d)
            if when is None:
                return None
            return Relative(m.start("cue_d"), e, found, _iso(when), None, "day", "list", False)
        when = _day_without_month(anchor, d, cue_wd, "future" if tense != "past" else "past")
        return day(when) if when else None
    if g == "wdnum":
        d = _day(m.group("wdn_day"))
        wd = WEEKDAYS[m.group("wdn_wd").lower()]
        ctx = _month_context(st, mentions, s)
        if ctx is not None and ctx.year is not None:
            when = _safe(ctx.year, ctx.month, d)
            if when is not None and when.weekday() == wd:
                return Relative(s, e, found, _iso(when), None, "day", "list", False)
        when = _day_without_month(anchor, d, wd, tense)
        return day(when) if when else None
    # A bare weekday.
    pre = re.sub(r"\s+", " ", (m.group("wd_pre") or "").lower())
    post = re.sub(r"\s+", " ", (m.group("wd_post") or "").strip().lower())
    if pre in _HABIT or post.startswith(("gras", "au ")):
        if not (pre == "le" and post in ("qui vient", "prochain")):
            return None  # habits (« le lundi », « du lundi au vendredi »), never one day
    if post in ("prochain", "dernier"):
        return None  # the grammar reads « jeudi prochain »
    wd = WEEKDAYS[m.group("wd").lower()]
    back = post in ("passé",) or pre == "depuis" or (tense == "past" and not pre and not post)
    if back:
        delta = (anchor.weekday() - wd) % 7 or 7
        return day(anchor - timedelta(days=delta))
    delta = (wd - anchor.weekday()) % 7
    if not delta and pre != "ce":
        delta = 7
    return day(anchor + timedelta(days=delta))


_HABIT = frozenset(
    {"les", "tous les", "chaque", "du", "au", "le", "premier", "deuxième", "troisième",
     "quatrième", "dernier", "second", "1er", "2e", "3e", "4e"}
)  # fmt: skip


def _resolve_cue_day(
    m: re.Match[str],
    d: int,
    st: Structure,
    mentions: list[Mention],
    anchor: date,
    tense: str | None,
    s: int,
) -> date | None:
    ctx = _month_context(st, mentions, s)
    if ctx is not None and ctx.year is not None:
        return _day_after_context(ctx, ctx.year, d)
    return _day_without_month(anchor, d, None, "future" if tense != "past" else "past")


def _day_after_context(ctx: Mention, year: int, d: int) -> date | None:
    """Day ``d`` of the month the context names (its year known), or of the next month when
    the context's own day is already past it (« le 28 mars … au plus tard le 3 »)."""
    when = _safe(year, ctx.month, d)
    if when is not None and ctx.day is not None and d <= ctx.day:
        y, mo = _add_months(when.replace(day=1), 1)
        when = _safe(y, mo, d)
    return when


def _nth_weekday(y: int, month: int, wd: int, n: int) -> date | None:
    if n > 0:
        first = date(y, month, 1)
        d = first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
        return d if d.month == month else None
    last = date(y, month, calendar.monthrange(y, month)[1])
    return last - timedelta(days=(last.weekday() - wd) % 7)


def _month_context(st: Structure, mentions: list[Mention], pos: int) -> Mention | None:
    """The date mentioned last before ``pos`` in the same or the previous sentence."""
    i = _bisect(mentions, pos)
    if not i:
        return None
    mn = mentions[i - 1]
    if st.paragraph(mn.pos) != st.paragraph(pos):
        return None
    if st.sentence_index(pos) - st.sentence_index(mn.pos) > 1:
        return None
    return mn


def _bisect(mentions: list[Mention], pos: int) -> int:
    lo, hi = 0, len(mentions)
    while lo < hi:
        mid = (lo + hi) // 2
        if mentions[mid].pos < pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _day_without_month(anchor: date, d: int, wd: int | None, tense: str | None) -> date | None:
    """« au plus tard le mercredi 18 », « jusqu'au 22 »: the month around the anchor where that
    day (and weekday) falls, ahead of it unless the sentence speaks of the past."""
    candidates = []
    for shift in range(-3, 4):
        y, mo = _add_months(anchor.replace(day=1), shift)
        when = _safe(y, mo, d)
        if when is not None and (wd is None or when.weekday() == wd):
            candidates.append(when)
    if tense == "past":
        past = [c for c in candidates if c <= anchor + timedelta(days=1)]
        return past[-1] if past else None
    ahead = [c for c in candidates if c >= anchor - timedelta(days=1)]
    return ahead[0] if ahead else None
