from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import clean_text


def test_nfkc_ligatures_and_superscript_ordinals() -> None:
    assert clean_text("Le ﬁnancement du 1ᵉʳ avril") == "Le financement du 1er avril"


def test_hyphen_joined_only_when_the_word_exists_elsewhere() -> None:
    raw = "La consul-\ntation commence. Cette consultation est importante pour le RQ-\nACA."
    cleaned = clean_text(raw)
    assert "La consultation commence." in cleaned
    assert "RQ-ACA" in cleaned
    assert "RQACA" not in cleaned


def test_compound_words_keep_their_hyphen() -> None:
    assert "sous-ministres" in clean_text("le comité de direction composé des sous-\nministres)")


def test_ordinal_split_over_lines_is_rejoined() -> None:
    assert (
        clean_text("entrée en vigueur le 1\ner\n juin 2009.")
        == "entrée en vigueur le 1er juin 2009."
    )


def test_hard_line_breaks_inside_a_sentence_are_joined() -> None:
    raw = (
        "Par ce bulletin, la Coalition souhaite tenir les organismes\n"
        "communautaires informés des travaux.\n"
        "Rappelons-nous\n"
        "En mai, le ministère a répondu."
    )
    assert clean_text(raw).split("\n") == [
        "Par ce bulletin, la Coalition souhaite tenir les organismes communautaires informés "
        "des travaux.",
        "Rappelons-nous",
        "En mai, le ministère a répondu.",
    ]


def test_pdf_column_break_across_a_blank_line_is_joined() -> None:
    raw = "La rencontre n’a porté que sur le processus de consultation, qui a \n \nété révisé."
    assert (
        clean_text(raw)
        == "La rencontre n’a porté que sur le processus de consultation, qui a été révisé."
    )


def test_list_items_and_paragraphs_stay_apart() -> None:
    raw = "Étapes envisagées :\n• première étape\n• deuxième étape\n\nNouveau paragraphe."
    assert (
        clean_text(raw)
        == "Étapes envisagées :\n• première étape\n• deuxième étape\n\nNouveau paragraphe."
    )


def test_page_furniture_is_dropped() -> None:
    raw = (
        "Bulletin de liaison\nPremier paragraphe du texte.\n- 2 -\nBulletin de liaison\n"
        "Page 3 de 12\nDeuxième paragraphe.\n12\nBulletin de liaison\nhttp://exemple.org/\n"
        "Fin.\nhttp://exemple.org/\nhttp://exemple.org/\n[bookmark: _gjdgxs]Suite.[image: ]"
    )
    cleaned = clean_text(raw)
    assert cleaned.count("Bulletin de liaison") == 1
    for furniture in ("- 2 -", "Page 3", "\n12\n", "exemple.org", "bookmark", "image"):
        assert furniture not in cleaned
    assert "Suite." in cleaned


def test_markdown_from_mail_bodies_is_flattened() -> None:
    raw = "**Objet : Suite des travaux**\n[info@exemple.org](mailto:info@exemple.org)"
    assert clean_text(raw) == "Objet : Suite des travaux\ninfo@exemple.org"


def test_empty_and_whitespace() -> None:
    assert clean_text("") == ""
    assert clean_text(" \n\t\u00a0\n") == ""


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from([*list("abcéèàAÉ1234 -\n\t.,:;!?•()«»’'"), "er", "RQ", "PSOC", "\n\n"]),
        max_size=120,
    ).map("".join)
)
def test_cleaning_is_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once


def test_a_date_wrapped_before_its_year_is_rejoined() -> None:
    raw = "Les organismes transmettent leur rapport au plus tard le 30 novembre\n2026.\nSuite."
    assert clean_text(raw).split("\n") == [
        "Les organismes transmettent leur rapport au plus tard le 30 novembre 2026.",
        "Suite.",
    ]


def test_a_number_ending_a_heading_stays_on_its_line() -> None:
    assert clean_text("INFO-PSOC numéro 5\nOctobre 2026\nPar ce bulletin").split("\n") == [
        "INFO-PSOC numéro 5",
        "Octobre 2026",
        "Par ce bulletin",
    ]
