import pytest

from bot.text import split_sentences


@pytest.mark.parametrize(
    "sentence",
    [
        "M. Tremblay et Mme Roy représentent la région.",
        "Voir le cadre de gestion, p. 6 et pp. 28-29, pour le détail.",
        "Le dépôt est prévu le 14 févr. 2024 au plus tard.",
        "Les organismes, c.-à-d. les membres, seront consultés.",
        "Les représentant.e.s du MSSS demeurent fermé.e.s à toute négociation.",
        "Les participant.es recevront le document.",
        "J. Tremblay et A.-M. Roy ont signé la lettre.",
    ],
)
def test_abbreviations_stay_whole(sentence: str) -> None:
    assert split_sentences(f"Première phrase. {sentence} Dernière phrase.") == [
        "Première phrase.",
        sentence,
        "Dernière phrase.",
    ]


def test_sentence_ends() -> None:
    text = "Nous demandons une rencontre ! Est-ce possible ? Les sujets, l'échéancier, etc. Nous attendons."
    assert split_sentences(text) == [
        "Nous demandons une rencontre !",
        "Est-ce possible ?",
        "Les sujets, l'échéancier, etc.",
        "Nous attendons.",
    ]


def test_inclusive_writing_at_the_end_of_a_sentence_ends_it() -> None:
    assert split_sentences("Vous serez interpellé.e.s. La suite viendra.") == [
        "Vous serez interpellé.e.s.",
        "La suite viendra.",
    ]


def test_lines_are_boundaries() -> None:
    assert split_sentences("Objet : demande\nMadame,\n\nNous écrivons") == [
        "Objet : demande",
        "Madame,",
        "Nous écrivons",
    ]


def test_no_split_before_lowercase() -> None:
    assert split_sentences("Il est 9 h. puis on commence.") == ["Il est 9 h. puis on commence."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Rencontre préparatoire des délégations : le 7 décembre 2026 à 10 h. "
            "L’assemblée générale se tiendra les 10 et 11 décembre 2026 à Drummondville.",
            [
                "Rencontre préparatoire des délégations : le 7 décembre 2026 à 10 h.",
                "L’assemblée générale se tiendra les 10 et 11 décembre 2026 à Drummondville.",
            ],
        ),
        ("Accueil à 9 h 30. Le comité suit.", ["Accueil à 9 h 30.", "Le comité suit."]),
        ("Fin à 16h. Merci.", ["Fin à 16h.", "Merci."]),
        ("La séance commence à 10 h.", ["La séance commence à 10 h."]),
        # An initial H. stays an initial: no hour before it.
        ("Signé : M. H. Tremblay. Fin.", ["Signé : M. H. Tremblay.", "Fin."]),
    ],
)
def test_an_hour_ends_the_sentence_before_a_capital(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected
