"""Text as documents give it (PDF, e-mail, .docx, HTML) made readable and uniform.

- NFKC (ligatures, ``1ᵉʳ`` → ``1er``), no-break spaces, typographic oddities;
- line-end hyphens joined only where the joined word exists elsewhere in the text
  (``consul-\\ntation`` → ``consultation`` but ``RQ-\\nACA`` → ``RQ-ACA``);
- ordinals split over lines re-joined (``1\\ner\\n juin`` → ``1er juin``);
- hard line breaks inside a sentence joined, paragraphs and list items kept;
- page furniture dropped: page numbers, "Page 3 de 12", repeated header/footer lines,
  conversion markers such as ``[bookmark: _gjdgxs]`` and ``[image: ]``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_MARKERS = re.compile(r"\[(?:bookmark|image|cid|page)[^\]\n]{0,80}\]", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((?:mailto:|https?://)[^)\s]{1,300}\)")
# Bounded: an unclosed "**" must not make every later one scan to the end of the line.
_MD_BOLD = re.compile(r"\*\*(?=\S)([^*\n]{1,500}?)(?<=\S)\*\*|__(?=\S)([^_\n]{1,500}?)(?<=\S)__")
_PAGE_LINE = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page\s+)?\d{1,3}(?:\s*(?:/|de|sur|of)\s*\d{1,3})?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"(?<!\d)(1)\s*\n\s*(er|re|ère)\b[ \t]*\n?[ \t]*", re.IGNORECASE)
# Tried from a word's first letter only (linear on a 200,000-letter word).
_HYPHEN_BREAK = re.compile(r"(?<!\w)(\w++)-[ \t]*\n[ \t]*(\w+)")
_URL_LINE = re.compile(r"^(?:https?://|www\.|mailto:)\S+$|^\S+@\S+\.\w+$", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_BULLET_START = re.compile(r"^\s*(?:[-•*✓▪◦–·►]|\d{1,2}[.)]\s|[a-z][.)]\s)")
_MONTH_END = re.compile(
    r"(?<!\w)(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre"
    r"|décembre)$",
    re.IGNORECASE,
)
_YEAR_START = re.compile(r"(?:19|20)\d\d(?![\d/-])")
_FUNCTION_END = re.compile(
    r"(?<!\w)(?:de|du|des|la|le|les|l['’]|d['’]|à|au|aux|et|ou|en|un|une|pour|par|sur|avec"
    r"|dans|que|qui|a|sa|son|ses|leur|leurs|nos|notre|vos|votre|ce|cette|ces|est|sont)$",
    re.IGNORECASE,
)


def clean_text(raw: str) -> str:
    """Readable, normalised text; paragraphs separated by a blank line."""
    if not raw:
        return ""
    text = _in_pieces(_normalise, raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_in_pieces(_squeeze, line).strip() for line in text.split("\n")]
    lines = _drop_furniture(lines)
    text = "\n".join(lines)
    text = _join_hyphens(text)
    text = _join_lines(text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u00ad", "").replace("\ufeff", "")
    text = _MARKERS.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    return _ORDINAL.sub(lambda m: m.group(1) + m.group(2).lower().replace("ère", "re") + " ", text)


def _squeeze(line: str) -> str:
    return _SPACES.sub(" ", line)


# One call into C holds the GIL for its whole length: on a 2 MB line, NFKC and each pattern
# froze the event loop (of the thread that reads documents) for a few hundred ms. Long text is
# handled in pieces cut after a line break or a space, so the other threads get their turn.
_PIECE = 32_768


def _in_pieces(func: Callable[[str], str], text: str) -> str:
    if len(text) <= 2 * _PIECE:
        return func(text)
    out: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + _PIECE, len(text))
        if end < len(text):
            cut = max(
                text.rfind("\n", start + _PIECE // 2, end),
                text.rfind(" ", start + _PIECE // 2, end),
            )
            end = cut + 1 if cut > 0 else end
        out.append(func(text[start:end]))
        start = end
    return "".join(out)


def _drop_furniture(lines: list[str]) -> list[str]:
    counts = Counter(line for line in lines if line)
    out = []
    seen: set[str] = set()
    for line in lines:
        if line and _PAGE_LINE.match(line):
            continue
        # A short line repeated three times or more is a running header or footer: keep one.
        if line and counts[line] >= 3 and len(line) < 80:
            if _URL_LINE.match(line) or line in seen:
                continue
            seen.add(line)
        out.append(line)
    return out


def _join_hyphens(text: str) -> str:
    if "-\n" not in text and "- \n" not in text:
        return text
    # finditer, not findall: other threads get their turn between matches.
    vocabulary = {m.group().lower() for m in _WORD.finditer(text)}

    def repl(m: re.Match[str]) -> str:
        head, tail = m.group(1), m.group(2)
        if (head + tail).lower() in vocabulary:
            return head + tail
        return f"{head}-{tail}"

    return _HYPHEN_BREAK.sub(repl, text)


def _is_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return _caps_ratio(len(letters), sum(c.isupper() for c in letters))


def _caps_ratio(letters: int, upper: int) -> bool:
    return letters >= 3 and upper / letters > 0.8


# Lines that are never the second half of another: copy lists and mail headers
# (« c.c. : », « cc : », « p. j. », « Objet : », « De : »…).
_OWN_LINE = re.compile(
    r"^(?:c\.?[ ]?c\.?|cc|cci|bcc|p\.[ ]?j\.|pj|copie conforme|en copie(?: conforme)?|objet"
    r"|object|subject|de|from|à|a|to|envoyé|sent|date|réf\.?|n/réf\.?|v/réf\.?)[ ]?:",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(r"^(?:objet|object|subject|re|tr|fw)[ ]?:", re.IGNORECASE)


def _continues(
    prev: str,
    nxt: str,
    blank_between: bool,
    *,
    prev_len: int | None = None,
    prev_caps: bool | None = None,
) -> bool:
    """Does ``nxt`` continue the sentence that ``prev`` leaves open?

    ``prev`` may be only the head and tail of a long joined line, with its real length and
    capitals given apart (so that joining stays linear).
    """
    length = len(prev) if prev_len is None else prev_len
    if not prev or not nxt or _BULLET_START.match(nxt) or _OWN_LINE.match(nxt):
        return False
    if _HEADER_LINE.match(prev):
        # A wrapped « Objet : » line: its second half joins it (and leaves the summary with it).
        return (
            not blank_between
            and " " in nxt
            and not _URL_LINE.match(nxt)
            and (nxt[0].islower() or bool(_FUNCTION_END.search(prev)) or prev[-1] in ",–-")
        )
    caps = _is_caps(prev) if prev_caps is None else prev_caps
    if caps:
        return False
    if _is_caps(nxt) and not (length >= 40 and _FUNCTION_END.search(prev)):
        return False
    if prev[-1] in '.!?:;»"”)' or prev.endswith("…"):
        return False
    if _OWN_LINE.match(prev):
        return False
    if _YEAR_START.match(nxt) and _MONTH_END.search(prev):
        return True  # "au plus tard le 30 novembre\n2026.": a date wrapped before its year
    starts_lower = nxt[0].islower()
    if blank_between:
        # Across a blank line only an obviously unfinished sentence continues (PDF columns).
        return length >= 40 and (starts_lower or bool(_FUNCTION_END.search(prev)))
    if starts_lower:
        return True
    return length >= 50 and bool(_FUNCTION_END.search(prev) or prev[-1] == ",")


class _Joined:
    """One output line being built from input lines: its pieces, length and capitals.

    Re-reading (and re-copying) the whole joined line for each input line was quadratic on
    documents whose thousands of lines all continue one sentence.
    """

    __slots__ = ("length", "letters", "parts", "upper")

    def __init__(self, line: str) -> None:
        self.parts = [line]
        self.length = 0
        self.letters = 0
        self.upper = 0
        self._count(line)

    def _count(self, line: str) -> None:
        # In slices: one sum() over a 2 MB line would hold the GIL for its whole length.
        for at in range(0, len(line), _PIECE):
            piece = line[at : at + _PIECE]
            self.letters += sum(map(str.isalpha, piece))
            self.upper += sum(map(str.isupper, piece))
        self.length += len(line)

    def add(self, line: str) -> None:
        self.parts.append(line)
        self.length += 1
        self._count(line)

    def view(self) -> str:
        """The line itself when short, else its head and tail (all ``_continues`` reads)."""
        if len(self.parts) == 1 or self.length <= 200:
            return " ".join(self.parts)
        head = self.parts[0][:20]
        tail = self.parts[-1][-60:]
        return head + " … " + tail

    def text(self) -> str:
        return " ".join(self.parts)


def _join_lines(lines: list[str]) -> str:
    out: list[_Joined | None] = []  # None: a paragraph break
    blank = False
    for line in lines:
        if not line:
            blank = True
            continue
        last = out[-1] if out else None
        if last is not None and _continues(
            last.view(),
            line,
            blank,
            prev_len=last.length,
            prev_caps=_caps_ratio(last.letters, last.upper),
        ):
            last.add(line)
        else:
            if blank and out:
                out.append(None)
            out.append(_Joined(line))
        blank = False
    return "\n".join("" if j is None else j.text() for j in out)
