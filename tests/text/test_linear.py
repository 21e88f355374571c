"""Hostile text shapes cost linear time: one-line documents, long tokens, CJK, runs of points.

Each shape runs in a child interpreter that is killed past a generous limit: the limit only
bounds a broken (quadratic) run, which took minutes on these inputs; a linear one takes well
under a second. The child keeps a pattern that holds the GIL from hanging the test run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from bot.text import SUMMARY_BUDGET, analyse, clean_text, split_sentences, summarize, summary_prefix
from bot.text.summary import _has_link

LIMIT = 30.0  # seconds; quadratic code needs minutes on every shape below

SENTENCE = (
    "La rencontre du comité de liaison aura lieu le 3 mars 2027 à Québec, et nous vous "
    "demandons de confirmer la présence de votre organisme. "
)

SHAPES = {
    # A PDF extracted without line breaks: one line of ordinary sentences.
    "one_line_500k": f"({SENTENCE!r} * (500_000 // {len(SENTENCE)}))",
    # A feed item whose text is one long word.
    "token_200k": "'a' * 200_000",
    "token_at_200k": "('x' * 50 + '@') * 4_000",
    # Chinese text has no spaces.
    "cjk_200k": "'会议将于明年三月举行请确认出席' * 14_000",
    "dots_100k": "'.' * 100_000",
    "toc_dots": "'Table des matières ' + '.' * 100_000 + ' 12'",
    "bold_unclosed": "'**a ' * 100_000",
    "hyphen_token": "'a' * 200_000 + '-\\nb'",
    "joined_lines": "'une ligne qui continue la phrase de\\n' * 60_000",
}


def _run_in_child(expression: str) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(
        f"""
        from datetime import date
        from bot.text import analyse, clean_text, split_sentences, summarize
        text = {expression}
        split_sentences(text)
        summarize(text)
        clean_text(text)
        a = analyse(text, reference=date(2027, 1, 1))
        print(len(a.summary), len(a.dates))
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=LIMIT, check=True
    )


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_hostile_shape_is_analysed_in_linear_time(shape: str) -> None:
    try:
        done = _run_in_child(SHAPES[shape])
    except subprocess.TimeoutExpired:
        pytest.fail(f"{shape}: analysis still running after {LIMIT:.0f} s (not linear)")
    summary_count, _ = done.stdout.split()
    assert int(summary_count) <= 4


def test_one_line_document_still_splits_and_finds_dates() -> None:
    text = SENTENCE * 2_000  # 260 KB, one line
    sentences = split_sentences(text)
    assert len(sentences) == 2_000
    assert sentences[0] == SENTENCE.strip()
    analysis = analyse(text, reference=date(2027, 1, 1))
    assert analysis.dates and analysis.dates[0].date == "2027-03-03"
    assert analysis.summary  # from the bounded prefix


def test_summary_reads_a_bounded_prefix_dates_read_everything() -> None:
    # Distinct lines (repeated short lines are dropped as page furniture).
    head = "".join(
        f"Nous vous demandons de transmettre votre avis numéro {n} au comité de liaison.\n"
        for n in range(SUMMARY_BUDGET // 70)
    )
    tail = "Le forum régional aura lieu le 9 juin 2027 à Rimouski, au centre des congrès.\n"
    text = head + tail
    cleaned = clean_text(text)
    assert len(summary_prefix(cleaned)) <= SUMMARY_BUDGET
    analysis = analyse(text, reference=date(2027, 1, 1))
    assert "2027-06-09" in [d.date for d in analysis.dates]
    assert all("Rimouski" not in s for s in analysis.summary)


def test_text_without_spaces_gives_a_short_summary() -> None:
    (sentence,) = summarize("会议将于明年三月举行请确认出席" * 14_000)
    assert len(sentence) <= 400


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("écrire à info@rq-aca.org pour s'inscrire", True),
        ("https://example.org", True),
        ("voir www.quebec.ca", True),
        ("mailto:x", True),
        ("le @ seul et a@b", False),
        ("@compte.org sans nom", False),
        ("un nom@domaine sans point", False),
        ("a@b.c", True),
        ("a@.c", False),
        ("a" * 200_000, False),
    ],
)
def test_link_detection_matches_the_old_pattern(text: str, expected: bool) -> None:
    assert _has_link(text) is expected


def test_sentence_rules_survive_the_linear_rewrite() -> None:
    assert split_sentences("La séance est à 10 h. L'assemblée suit. Voir M. Roy.") == [
        "La séance est à 10 h.",
        "L'assemblée suit.",
        "Voir M. Roy.",
    ]
    long_word = "x" * 100 + "m"
    assert split_sentences(f"Le mot {long_word}. Tremblay vient.") == [
        f"Le mot {long_word}.",
        "Tremblay vient.",
    ]
    assert split_sentences("Fin... Début !!! Suite ?! Oui.") == [
        "Fin...",
        "Début !!!",
        "Suite ?!",
        "Oui.",
    ]
