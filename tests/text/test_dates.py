from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import FoundDate, clean_text, document_date, find_dates
from bot.text.lexicon import MONTHS_FR
from tests.text.data.labelled_dates import CHECK, SAMPLES, SENTENCES
from tests.text.scoring import Score, key_of, score_sentences

REF = date(2024, 3, 15)


def keys(text: str, reference: date = REF) -> list[str]:
    return [key_of(f) for f in find_dates(text, reference)]


def test_labelled_set_meets_the_targets() -> None:
    assert len(SENTENCES) + len(CHECK) >= 80
    score = score_sentences(SENTENCES + CHECK)
    detail = "\n".join(score.errors)
    assert score.precision >= 0.97, detail
    assert score.recall >= 0.95, detail
    assert score.right_year >= 0.95, detail
    assert score.month_recall >= 0.9, detail


def test_samples_give_every_date(shared_dir) -> None:
    score = Score()
    for name, (ref, expected) in SAMPLES.items():
        text = clean_text((shared_dir / "samples" / "texts" / name).read_text(encoding="utf-8"))
        score.add(name, find_dates(text, date.fromisoformat(ref)), expected)
    assert score.errors == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La rencontre aura lieu le 14 septembre.", ["2024-09-14"]),
        ("Rencontre le 1er oct. et le 1ᵉʳ novembre", ["2024-10-01", "2024-11-01"]),
        ("les 12 et 14 octobre 2021", ["2021-10-12", "2021-10-14"]),
        (
            "les 9 et 29 avril, 8 et 9 juin 2022",
            ["2022-04-09", "2022-04-29", "2022-06-08", "2022-06-09"],
        ),
        ("les 4, 11 et 18 septembre", ["2024-09-04", "2024-09-11", "2024-09-18"]),
        ("du 18 au 24 octobre 2021", ["2021-10-18..2021-10-24"]),
        ("28 au 31 mars 2022", ["2022-03-28..2022-03-31"]),
        ("du 15 avril au 15 mai", ["2024-04-15..2024-05-15"]),
        ("du 30 novembre 2021 au 15 janvier 2022", ["2021-11-30..2022-01-15"]),
        ("le jeudi 14 novembre", ["2024-11-14"]),
        ("le 14 févr. 2024", ["2024-02-14"]),
        ("avant le 31/05/2024 ou le 2024-06-30", ["2024-05-31", "2024-06-30"]),
        ("le 14 mai prochain", ["2024-05-14"]),
        ("le 14 mai dernier", ["2023-05-14"]),
        ("Mai et juin 2018 : auditions", ["2018-05", "2018-06"]),
        ("à la fin du mois de mars", ["2024-03"]),
        ("en avril dernier", ["2023-04"]),
        ("jeudi prochain", ["2024-03-21"]),
        ("Le 1\ner\n juin 2009", ["2009-06-01"]),
        ("Rencontre le 14 sept à 9 h, puis le 3 déc", ["2024-09-14", "2024-12-03"]),
        ("réunion jeudi 14/11, puis du 2/12 au 6/12", ["2024-11-14", "2024-12-02..2024-12-06"]),
        ("Semaine de l'ACA : 21-27 octobre 2024", ["2024-10-21..2024-10-27"]),
        ("Jeudi le 14 mars", ["2024-03-14"]),
        ("annulée le 5 novembre; reprise le 19.", ["2024-11-05", "2024-11-19"]),
    ],
)
def test_forms(text: str, expected: list[str]) -> None:
    assert keys(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1075, chemin Sainte-Foy, 15e étage, Québec (Québec) G1S 2M1",
        "Téléphone : 418 266-7171, télécopieur 1 800 555-0199",
        "voir les pages 28 et 29 (pp. 12-14)",
        "nos 3 400 organismes et 64 regroupements",
        "de 9 h 30 à 16 h, puis 14:30",
        "le rapport 2022-2023 et la loi 2005-12",
        "sept organismes sur dix",
        "3 à 4 semaines après la mise en ligne",
        "sept organismes sur dix, il y a sept ans",
        "les 3/4 des membres, soit 12/15 régions",
        "",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_dates(text, REF) == []


def test_year_from_the_list_wins_over_the_reference() -> None:
    assert keys("les 13 décembre et 18 janvier 2019", date(2024, 1, 1)) == [
        "2018-12-13",
        "2019-01-18",
    ]


def test_fiscal_heading() -> None:
    text = "Calendrier 2021-2022\n14 octobre : CA\n17 février : comité\n"
    assert keys(text, date(2030, 1, 1)) == ["2021-10-14", "2022-02-17"]


def test_fiscal_heading_before_last_explicit_year() -> None:
    text = "Calendrier 2021-2022\n12 janvier 2022 : AGA\n10 mai : bilan\n"
    assert keys(text, date(2030, 1, 1)) == ["2022-01-12", "2021-05-10"]


def test_last_explicit_year_before_the_date() -> None:
    text = "En 2019, le comité a siégé. La rencontre du 4 juin a porté sur le financement."
    assert keys(text, date(2024, 1, 1)) == ["2019-06-04"]


def test_reference_date_when_nothing_else() -> None:
    assert keys("la rencontre du 4 juin", date(2031, 5, 1)) == ["2031-06-04"]
    # More than three months before the reference: the next one is meant.
    assert keys("la rencontre du 16 janvier", date(2023, 11, 15)) == ["2024-01-16"]


def test_document_date_line_is_the_reference_and_is_not_reported() -> None:
    text = "Québec, le 13 janvier 2021\n\nObjet : demande\n\nMadame,\n\nRencontre le 2 février ?\n\nMerci."
    assert document_date(text) == date(2021, 1, 13)
    assert keys(text, date(2030, 1, 1)) == ["2021-02-02"]


def test_month_date_line_gives_the_month_end() -> None:
    text = "INFO\n\nJanvier 2018\n\nLe 18 janvier dernier, le comité a siégé.\n\nSuite.\n\nFin."
    assert document_date(text) == date(2018, 1, 31)
    assert keys(text, date(2018, 1, 4)) == ["2018-01-18"]


def test_weekday_corrects_the_year() -> None:
    # 9 January is a Thursday in 2025, not in 2024.
    assert keys("le jeudi 9 janvier", date(2024, 6, 1)) == ["2025-01-09"]


def test_same_day_written_with_its_year_elsewhere() -> None:
    text = "La rencontre du 13 décembre a déçu. Elle avait eu lieu le 13 décembre 2017."
    assert keys(text, date(2030, 1, 1)) == ["2017-12-13"]


def test_moved_date_is_not_a_range() -> None:
    assert keys("La séance est reportée du 12 au 26 janvier.", date(2023, 12, 15)) == [
        "2024-01-12",
        "2024-01-26",
    ]


def test_labels_and_kinds() -> None:
    text = (
        "NOUVEAUX ÉCHÉANCIERS :\n"
        "• 30 juin 2018 : fin de la consultation.\n"
        "• Autour du 30 septembre : présentation du document révisé.\n"
        "Les séances de présentation du cadre (18 et 20 avril 2018) ont déçu.\n"
        "Calendrier des rencontres du comité :\n- 12 octobre 2018\n- 9 novembre 2018\n"
        "La consultation sera ouverte du 1er au 15 mai 2018.\n"
        "Le conseil s'est réuni le 3 mars 2018."
    )
    found = {key_of(f): f for f in find_dates(text, date(2018, 1, 1))}
    assert (found["2018-06-30"].label, found["2018-06-30"].kind) == (
        "fin de la consultation",
        "echeance",
    )
    assert found["2018-09-30"].label == "présentation du document révisé"
    assert found["2018-04-18"].label == "Les séances de présentation du cadre"
    assert found["2018-04-18"].kind == "rencontre"
    assert found["2018-10-12"].label == "Calendrier des rencontres du comité"
    assert found["2018-10-12"].kind == "rencontre"
    assert found["2018-05-01..2018-05-15"].kind == "periode"
    assert found["2018-05-01..2018-05-15"].text == "du 1er au 15 mai 2018"
    assert found["2018-03-03"].label == "Le conseil s'est réuni le 3 mars 2018"
    assert found["2018-03-03"].kind == "rencontre"


def test_nearest_cue_decides_the_kind() -> None:
    found = find_dates(
        "Inscrivez-vous avant le 2 mai pour la rencontre du 14 mai.", date(2024, 3, 1)
    )
    assert [(f.date, f.kind) for f in found] == [
        ("2024-05-02", "echeance"),
        ("2024-05-14", "rencontre"),
    ]


def test_duplicates_are_merged_keeping_the_informative_kind() -> None:
    text = "Après le 30 juin, un rapport. 30 juin 2018 : fin de la consultation."
    found = find_dates(text, date(2018, 1, 1))
    assert [(f.date, f.kind) for f in found] == [("2018-06-30", "echeance")]


def test_json_shape_and_round_trip() -> None:
    (found,) = find_dates("du 18 au 24 octobre 2021", REF)
    data = json.loads(json.dumps(found.to_dict()))
    assert data == {
        "date": "2021-10-18",
        "end": "2021-10-24",
        "precision": "day",
        "text": "du 18 au 24 octobre 2021",
        "label": "du 18 au 24 octobre 2021",
        "kind": "periode",
        "anchor": "given",
        "anchor_date": "2024-03-15",
        "year_from": "written",
        "doubtful": False,
    }
    assert FoundDate.from_dict(data) == found
    assert found.start() == date(2021, 10, 18)
    assert found.last_day() == date(2021, 10, 24)


def test_month_precision_helpers() -> None:
    (found,) = find_dates("Mai 2018 : auditions", REF)
    assert (found.date, found.precision) == ("2018-05", "month")
    assert found.start() == date(2018, 5, 1)
    assert found.last_day() == date(2018, 5, 31)
    assert found.is_future(date(2018, 5, 31)) and not found.is_future(date(2018, 6, 1))


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("0123456789 /-.,éeta\nlmrsjuinovdécb1")), max_size=120)
)
def test_never_raises_and_dates_are_valid(text: str) -> None:
    for found in find_dates(text, REF):
        found.start()
        found.last_day()
        assert found.precision in ("day", "month")


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2089, 12, 31)))
def test_any_written_date_is_found(day: date) -> None:
    d = "1er" if day.day == 1 else str(day.day)
    text = f"Le comité se réunira le {d} {MONTHS_FR[day.month - 1]} {day.year} à 9 h 30."
    assert keys(text) == [day.isoformat()]


def test_forwarded_mail_headers_are_no_events() -> None:
    text = (
        "Bonjour,\n\nJe vous transfère l'invitation.\n\n"
        "De : Direction PSOC <psoc@exemple.gouv.qc.ca>\n"
        "Envoyé : mardi 12 mars 2024 10:14\n"
        "À : Table régionale\n"
        "Objet : Invitation\n\n"
        "Le mar. 12 mars 2024 à 10 h 14, Anne Roy <anne@exemple.org> a écrit :\n"
        "> La rencontre se tiendra le 4 avril 2024.\n"
    )
    assert keys(text) == ["2024-04-04"]


def test_bare_date_atop_an_agenda_stays_a_date() -> None:
    text = "Ordre du jour\n\nComité de liaison\n\n14 septembre 2023\n\n1. Accueil\n2. Suivi du 3 octobre"
    assert document_date(text) == date(2023, 9, 14)
    assert keys(text, date(2030, 1, 1)) == ["2023-09-14", "2023-10-03"]


def labels(text: str, reference: date = REF) -> dict[str, str]:
    return {key_of(f): f.label for f in find_dates(clean_text(text), reference)}


def test_an_hour_ends_the_sentence_of_the_label() -> None:
    text = (
        "Le comité PSOC fait le point sur la reprise des travaux avec le ministère.\n\n"
        "Rencontre préparatoire des délégations : le 7 décembre 2026 à 10 h. "
        "L’assemblée générale se tiendra les 10 et 11 décembre 2026 à Drummondville."
    )
    assert labels(text, date(2026, 11, 19)) == {
        "2026-12-07": "Rencontre préparatoire des délégations",
        "2026-12-10": "L’assemblée générale se tiendra les 10 et 11 décembre 2026 à Drummondville",
        "2026-12-11": "L’assemblée générale se tiendra les 10 et 11 décembre 2026 à Drummondville",
    }


@pytest.mark.parametrize(
    "text",
    [
        "INFO-PSOC numéro 5 Octobre 2026",
        "Bulletin no 5 octobre 2026",
        "Info-PSOC n° 5 octobre 2026",
        "Info-PSOC nº 5 octobre 2026",
        "Le bulletin num. 5 octobre 2026",
        "Revue vol. 5 octobre 2026",
        "Le volume 5 octobre 2026",
        "Notre édition 5 octobre 2026",
        "Le bulletin 5 octobre 2026",
        "Voir l'article 5 octobre 2026",
        "Voir l'art. 5 octobre 2026",
        "Voir l'annexe 5 octobre 2026",
        "La section 5 octobre 2026",
        "Le chapitre 5 octobre 2026",
        "Le point 5 octobre 2026",
        "L'étape 5 octobre 2026",
        "La phase 5 octobre 2026",
    ],
)
def test_a_numbered_item_is_no_day(text: str) -> None:
    assert keys(text) == ["2026-10"]


def test_a_day_and_its_month_do_not_span_the_end_of_a_heading_line() -> None:
    assert keys("Volume 4\nJuin 2025 : nouvelles", date(2025, 6, 1)) == ["2025-06"]
    assert keys("La rencontre du 14\noctobre 2026 est confirmée.") == ["2026-10-14"]
    assert keys("Le 1\ner\n juin 2009") == ["2009-06-01"]


def test_the_info_psoc_heading_dates_the_document() -> None:
    for text in (
        "INFO-PSOC numéro 5\nOctobre 2026\nPar ce bulletin, la Coalition informe ses membres.\n"
        "Le comité de liaison se réunira le 14 octobre 2026.",
        "INFO-PSOC numéro 5 Octobre 2026\nPar ce bulletin, la Coalition informe ses membres.\n"
        "Le comité de liaison se réunira le 14 octobre 2026.",
    ):
        assert document_date(text) == date(2026, 10, 31)
        assert keys(clean_text(text), date(2026, 10, 1)) == ["2026-10-14"]


@pytest.mark.parametrize(
    ("first_lines", "own"),
    [
        ("Bulletin de la Coalition — septembre 2026", date(2026, 9, 30)),
        ("Bulletin de la Coalition - septembre 2026", date(2026, 9, 30)),
        ("Lettre aux membres, 15 septembre 2026", date(2026, 9, 15)),
        ("Septembre 2026", date(2026, 9, 30)),
        ("15 septembre 2026", date(2026, 9, 15)),
        ("Coalition des tables régionales\nBulletin — septembre 2026", date(2026, 9, 30)),
        ("Coalition des tables régionales\nInfo-membres\nSeptembre 2026", date(2026, 9, 30)),
    ],
)
def test_the_date_of_a_title_is_the_documents_own(first_lines: str, own: date) -> None:
    text = f"{first_lines}\n\nLe comité se réunira le 14 octobre 2026.\n\nÉcrivez-nous avant le 25 septembre."
    assert document_date(text) == own
    assert keys(text, date(2030, 1, 1)) == ["2026-10-14", "2026-09-25"]


@pytest.mark.parametrize(
    "first_lines",
    [
        "Assemblée générale — 14 octobre 2026",  # an event in the title: its date
        "Ordre du jour — 14 octobre 2026",
        "Ordre du jour du comité de liaison du 14 octobre 2026",
        "14 octobre 2026\nOrdre du jour",
        "Comité de liaison\nSuivi\n14 octobre 2026",  # a full date is the document's first only
    ],
)
def test_an_event_date_in_the_first_lines_stays_a_date(first_lines: str) -> None:
    text = f"{first_lines}\n\n1. Accueil\n\n2. Suivi des travaux"
    assert keys(text, date(2030, 1, 1)) == ["2026-10-14"]


def test_a_table_row_label_drops_its_date_cell() -> None:
    text = (
        "Le calendrier figure dans le tableau ci-dessous.\n"
        "Étape | Date\n"
        "Séance d’information | 10 septembre 2026\n"
        "Dépôt des avis écrits | 1er octobre 2026\n"
        "22 octobre 2026 | Rencontre de synthèse | Québec\n"
    )
    found = {key_of(f): (f.label, f.kind) for f in find_dates(text, date(2026, 8, 15))}
    assert found == {
        "2026-09-10": ("Séance d’information", "rencontre"),
        "2026-10-01": ("Dépôt des avis écrits", "echeance"),
        "2026-10-22": ("Rencontre de synthèse — Québec", "rencontre"),
    }


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Rencontre du CA : mardi 14 janvier, 18 h 30", "Rencontre du CA"),
        ("Séance du conseil : 2024-11-19 à 19 h.", "Séance du conseil"),
        (
            "3. Calendrier de la reddition de comptes : dépôt des rapports au plus tard le "
            "30 novembre 2024",
            "dépôt des rapports au plus tard le 30 novembre 2024",
        ),
        (
            "Le budget prévoit 25 M$ de plus; les sommes seront versées le 15 juillet.",
            "les sommes seront versées le 15 juillet",
        ),
        (
            "Le rapport est adopté, et le bilan sera présenté le 12 juin aux membres.",
            "le bilan sera présenté le 12 juin aux membres",
        ),
        ("Le 14 mai ; reprise des travaux du comité.", "Le 14 mai ; reprise des travaux du comité"),
    ],
)
def test_the_label_is_the_clause_holding_the_date(text: str, label: str) -> None:
    (found,) = find_dates(text, REF)
    assert found.label == label


def test_long_labels_are_capped_at_a_word_boundary() -> None:
    text = (
        "La prochaine rencontre du comité de liaison se tiendra le 14 octobre 2026, de 9 h 30 "
        "à 12 h, dans nos bureaux de Québec et en visioconférence avec les délégations régionales."
    )
    (found,) = find_dates(text, REF)
    assert found.label == (
        "La prochaine rencontre du comité de liaison se tiendra le 14 octobre 2026, de 9 h 30 "
        "à 12 h…"
    )
    words = " ".join(
        "Les organismes communautaires autonomes de toutes les régions du Québec" for _ in range(3)
    )
    source = f"{words} se réuniront le 14 octobre 2026 {words}."
    (found,) = find_dates(source, REF)
    assert len(found.label) <= 140 and found.label.endswith("…")
    assert "14 octobre 2026" in found.label
    kept = found.label.strip("…")
    at = source.index(kept)  # a piece of the sentence, cut between words
    assert source[at - 1 : at] in ("", " ") and source[at + len(kept)] == " "


@pytest.mark.parametrize(
    "title",
    [
        "Journée de réflexion — 23 octobre 2026",
        "Coalition des tables régionales — 23 octobre 2026",
        "Semaine de l'action communautaire — octobre 2026",
    ],
)
def test_a_title_date_that_is_no_publication_date_is_reported(title: str) -> None:
    text = f"{title}\n\nLes membres sont attendus.\n\nMerci."
    assert [f.date[:7] for f in find_dates(text, date(2026, 9, 1))] == ["2026-10"]
