"""Pure parts: query sanitising, splitting, announcement checks and rendering, file headers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.announcements.draft import (
    PART_MAX,
    AnnouncementError,
    check,
    normalise_channels,
    render,
)
from bot.announcements.mdfile import parse_file
from bot.announcements.split import TooLong, paragraphs, split_text
from bot.search.query import parse_query
from tests.announcements.conftest import draft

CHANNELS = {"general": "général", "psoc": "psoc", "staff": "permanence", "annonces": "annonces"}


# -- query ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "terms"),
    [
        ('"cadre normatif', ("cadre", "normatif")),
        ("financement*", ("financement",)),
        ("santé NEAR(mentale)", ("santé", "NEAR", "mentale")),
        ("((PSOC", ("PSOC",)),
        ("l'implication des regroupements", ("implication", "regroupements")),
        ("RQ-ACA 2021-2022", ("RQ ACA", "2021 2022")),
        ("santé santé SANTÉ", ("santé",)),
        ("de la", ("de", "la")),  # only stop words: kept rather than searching nothing
    ],
)
def test_query_terms(typed: str, terms: tuple[str, ...]) -> None:
    parsed = parse_query(typed)
    assert parsed is not None
    assert parsed.terms == terms


def test_query_quotes_every_term() -> None:
    parsed = parse_query('cadre OR "x" AND -w NOT z')
    assert parsed is not None
    assert parsed.all_of() == '"cadre" "OR" "x" "AND" "w" "NOT" "z"'
    assert parsed.any_of().startswith('"cadre" OR "OR"')


@pytest.mark.parametrize("typed", ["", "   ", '"""', "*", "()", "- : ^ +"])
def test_query_nothing_searchable(typed: str) -> None:
    assert parse_query(typed) is None


@given(st.text(max_size=200))
def test_query_never_contains_syntax(typed: str) -> None:
    parsed = parse_query(typed)
    if parsed is not None:
        for term in parsed.terms:
            assert not set(term) & set('"*()^:+-{}')


# -- splitting --------------------------------------------------------------------------------


def test_split_at_paragraphs() -> None:
    paras = [f"Paragraphe {i}. " + "mot " * 40 for i in range(10)]
    parts = split_text("\n\n".join(paras), 500)
    assert len(parts) > 1
    assert all(len(p) <= 500 for p in parts)
    # Nothing lost, nothing cut inside a paragraph.
    found = [p.strip() for part in parts for p in part.split("\n\n")]
    assert found == [p.strip() for p in paras]


def test_split_short_text_is_one_part() -> None:
    assert split_text("Bonjour\n\n\n\nà tous", 2000) == ["Bonjour\n\nà tous"]


def test_split_long_paragraph_falls_back_to_lines() -> None:
    para = "\n".join(f"ligne {i} " + "x" * 80 for i in range(30))
    parts = split_text(para, 1000)
    assert all(len(p) <= 1000 for p in parts)
    assert "\n".join(parts).count("ligne") == 30


def test_split_refuses_a_line_too_long() -> None:
    with pytest.raises(TooLong) as err:
        split_text("court\n\n" + "y" * 3000, 2000)
    assert err.value.reason == "line"
    assert err.value.length == 3000


def test_split_refuses_too_many_parts() -> None:
    with pytest.raises(TooLong) as err:
        split_text("\n\n".join("z" * 90 for _ in range(50)), 100, max_parts=10)
    assert err.value.reason == "parts"


def test_code_fence_stays_one_paragraph() -> None:
    text = "Avant\n\n```\ncode\n\nencore du code\n```\n\nAprès"
    assert paragraphs(text) == ["Avant", "```\ncode\n\nencore du code\n```", "Après"]


# -- drafts -----------------------------------------------------------------------------------


def test_render_pings_nobody_by_default() -> None:
    posts = render(draft(body="Salut @everyone et @here"))
    assert len(posts) == 1
    assert posts[0].ping_roles == [] and posts[0].ping_everyone is False
    assert posts[0].embeds[0].title == "Assemblée générale"


def test_render_long_body_split_pings_once_per_channel() -> None:
    body = "\n\n".join("Paragraphe " + "mot " * 300 for _ in range(8))
    posts = render(draft(body=body, channels=["general", "psoc"], ping_roles=["PSOC"],
                         ping_everyone=True))
    per_channel = [p for p in posts if p.channel == "general"]
    assert len(per_channel) > 1
    assert all(len(p.embeds[0].description or "") <= PART_MAX for p in posts)
    assert [p.ping_roles for p in per_channel] == [["PSOC"]] + [[]] * (len(per_channel) - 1)
    assert [p.ping_everyone for p in per_channel][1:] == [False] * (len(per_channel) - 1)
    assert per_channel[0].ping_everyone is True
    assert per_channel[1].embeds[0].title is None


@pytest.mark.parametrize(
    ("kw", "fragment"),
    [
        ({"title": " "}, "titre"),
        ({"title": "x" * 300}, "300 caractères"),
        ({"body": "  \n"}, "vide"),
        ({"channels": []}, "au moins un salon"),
        ({"channels": ["nulle-part"]}, "nulle-part"),
        ({"ping_roles": ["@everyone"]}, "cochez"),
        ({"body": "a" * 5000}, "5000 caractères"),
    ],
)
def test_check_refuses(kw: dict[str, object], fragment: str) -> None:
    with pytest.raises(AnnouncementError) as err:
        check(draft(**kw), CHANNELS)
    assert fragment in str(err.value)


def test_normalise_channels_by_key_or_name() -> None:
    assert normalise_channels(["#général", "PSOC", "general"], CHANNELS) == ["general", "psoc"]
    with pytest.raises(AnnouncementError, match="« inconnu »"):
        normalise_channels(["inconnu"], CHANNELS)


# -- files ------------------------------------------------------------------------------------


def test_file_full_header() -> None:
    parsed = parse_file(
        "---\ntitre: Fermeture des bureaux\ncanaux: general, psoc\nrôle: Délégation PSOC\n"
        "quand: 14 septembre 9 h 30\ntout_le_monde: non\n---\nLes bureaux seront fermés.\n",
        fallback_title="x",
    )
    assert parsed.title == "Fermeture des bureaux"
    assert parsed.channels == ["general", "psoc"]
    assert parsed.roles == ["Délégation PSOC"]
    assert parsed.when == "14 septembre 9 h 30"
    assert parsed.everyone is False
    assert parsed.body == "Les bureaux seront fermés."


def test_file_title_from_heading_and_now() -> None:
    parsed = parse_file(
        "\ufeff---\ncanaux: general\nquand: maintenant\n---\n# Rappel\n\nTexte", fallback_title="f"
    )
    assert (parsed.title, parsed.body, parsed.when) == ("Rappel", "Texte", None)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Pas d'en-tête\n", "ne commence pas"),
        ("---\ncanaux: general\nTexte sans fin d'en-tête", "refermé"),
        ("---\ncanaux general\n---\nx", "illisible"),
        ("---\ncanaux: general\ncouleur: rouge\n---\nx", "« couleur » inconnue"),
        ("---\ntitre: x\n---\nx", "où publier"),
        ("---\ncanaux: general\ncanaux: psoc\n---\nx", "deux fois"),
        ("---\ncanaux: general\ntout_le_monde: peut-être\n---\nx", "« oui » ou « non »"),
    ],
)
def test_file_bad_headers(text: str, fragment: str) -> None:
    with pytest.raises(AnnouncementError) as err:
        parse_file(text, fallback_title="f")
    assert fragment in str(err.value)


def test_split_long_line_between_sentences() -> None:
    from bot.announcements.split import sentences

    line = " ".join(f"Phrase numéro {i} sur le financement de M. Dupont." for i in range(40))
    parts = split_text(line, 500)
    assert len(parts) > 1 and all(len(p) <= 500 for p in parts)
    assert all(p.startswith("Phrase numéro") and p.endswith("Dupont.") for p in parts)
    assert " ".join(parts) == line  # nothing lost, cut only between sentences
    assert sentences("« Oui. » Non ? Voir p. 3 et M. Roy. Fin") == [
        "« Oui. »", "Non ?", "Voir p. 3 et M. Roy.", "Fin"]


def test_split_refuses_one_sentence_too_long() -> None:
    with pytest.raises(TooLong) as err:
        split_text("Court. Long " + "mot " * 600 + "fin.", 2000)
    assert err.value.reason == "line" and err.value.excerpt.startswith("Long mot mot")
    assert err.value.length == len("Long " + "mot " * 600 + "fin.")


def test_file_with_a_long_wrapped_paragraph_becomes_several_messages() -> None:
    # An editor wraps at 72 columns; the paragraph is joined, then cut between sentences.
    sentence = "Les organismes communautaires demandent un rehaussement du financement."
    wrapped = "\n".join([sentence] * 120)  # one paragraph of ~8,800 characters
    parsed = parse_file("---\ncanaux: general\n---\n# Bilan\n\n" + wrapped, fallback_title="f")
    assert "\n" not in parsed.body
    parts = check(draft(body=parsed.body), CHANNELS)
    assert len(parts) == 3 and all(p.endswith("financement.") for p in parts)


_SENTENCE = st.builds(
    lambda first, words: first + " ".join(words) + ".",
    st.sampled_from(["Le ", "La ", "Nous ", "Chaque "]),
    st.lists(st.sampled_from(["cadre", "normatif", "réseau", "organisme", "M.", "p.", "3"]),
             min_size=1, max_size=30),
)
_TEXT = st.lists(
    st.lists(st.lists(_SENTENCE, min_size=1, max_size=8).map(" ".join), min_size=1, max_size=3)
    .map("\n".join),
    min_size=1, max_size=12,
).map("\n\n".join)


@given(_TEXT, st.integers(min_value=300, max_value=1500))
def test_split_keeps_every_word_in_order_within_the_limit(text: str, limit: int) -> None:
    try:
        parts = split_text(text, limit, max_parts=1000)
    except TooLong as err:
        assert err.reason == "line" and err.length > limit
        return
    assert all(0 < len(p) <= limit for p in parts)
    assert " ".join(parts).split() == text.split()
