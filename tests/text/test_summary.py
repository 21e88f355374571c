from __future__ import annotations

from datetime import date

from bot.text import analyse, summarize

LETTER = """Montréal, le 3 mars 2024

Madame Julie Gagnon
Sous-ministre adjointe
1075, chemin Sainte-Foy, 10e étage
Québec (Québec) G1S 2M1
julie.gagnon@exemple.gouv.qc.ca

Objet : Report de la consultation sur le cadre de gestion

Madame la Sous-ministre,

La Table régionale des organismes communautaires vous écrit au nom de ses 180 membres,
qui œuvrent dans tous les territoires de la région.

Les organismes ont appris la semaine dernière que la consultation prendrait fin le 15 mars.
Ce délai ne permet pas de tenir nos assemblées régionales, qui exigent un avis de trente jours.
Nous vous demandons donc de reporter la fin de la consultation au 30 avril 2024.

Par ailleurs, une rencontre du comité de liaison se tiendra le 9 avril et nous souhaitons
y présenter la position de nos membres.

Veuillez agréer, Madame la Sous-ministre, nos salutations distinguées.

Marie Lavoie
Présidente

c.c. : M. Paul Roy, directeur ; Mme Anne Côté, conseillère
"""

REPORT_BODY = " ".join(
    f"La section {i} décrit les activités régionales menées par les organismes membres durant "
    f"l'année, avec {i + 3} exemples tirés des rapports des tables."
    for i in range(1, 40)
)
REPORT = f"""RAPPORT ANNUEL 2023-2024

TABLE DES MATIÈRES
Mot de la présidente ........ 2
Bilan des activités ........ 4

Bilan des activités

{REPORT_BODY}

Mot de la présidente

Cette année, la Table a obtenu du ministère un rehaussement du financement à la mission globale.
Nous demanderons l'an prochain l'indexation complète des subventions de tous les organismes.
Merci aux bénévoles qui ont porté ces revendications dans chaque région.

Annexe
www.exemple.org
"""


def test_letter_summary_says_what_is_asked_and_announced() -> None:
    summary = summarize(LETTER, title="Report de la consultation")
    assert 2 <= len(summary) <= 3
    joined = " ".join(summary)
    assert (
        "Nous vous demandons donc de reporter la fin de la consultation au 30 avril 2024."
        in summary
    )
    assert "se tiendra le 9 avril" in joined
    for noise in ("Madame", "G1S", "@", "salutations", "c.c.", "Présidente", "Objet"):
        assert noise not in joined, noise
    assert all(len(s.split()) <= 60 for s in summary)


def test_summary_keeps_reading_order() -> None:
    summary = summarize(LETTER)
    positions = [LETTER.replace("\n", " ").find(s[:30]) for s in summary]
    assert positions == sorted(positions)


def test_long_report_prefers_its_own_synthesis() -> None:
    summary = summarize(REPORT)
    assert summary
    assert all("section" not in s for s in summary), summary
    assert any("rehaussement du financement" in s for s in summary)
    assert not any("..." in s or "www" in s for s in summary)


def test_max_sentences_bounds() -> None:
    assert len(summarize(LETTER, max_sentences=2)) == 2
    assert len(summarize(LETTER, max_sentences=9)) <= 4


def test_short_feed_item_and_empty_text() -> None:
    assert summarize("Nouvelle publication du ministère.") == ["Nouvelle publication du ministère."]
    assert summarize("") == []


def test_date_item_lines_are_left_to_dates() -> None:
    text = (
        "Le ministère a publié son nouvel échéancier pour la révision du programme. "
        "Les regroupements seront consultés au printemps selon les modalités suivantes.\n"
        "• 30 juin 2018 : fin de la consultation et dépôt des avis de tous les regroupements.\n"
        "• Mai et juin 2018 : journées d'auditions pour entendre les regroupements admis."
    )
    summary = summarize(text)
    assert not any("30 juin 2018 :" in s or "Mai et juin" in s for s in summary)
    dates = analyse(text, reference=date(2018, 1, 1)).dates
    # « au printemps » stays a season: never a made-up day.
    assert [(d.date, d.precision) for d in dates] == [
        ("2018-03", "season"),
        ("2018-06-30", "day"),
        ("2018-05", "month"),
        ("2018-06", "month"),
    ]


def test_analyse_letter() -> None:
    result = analyse(LETTER, reference=date(2024, 3, 4))
    # « la semaine dernière » is a week, kept as such (3 March 2024 is a Sunday).
    assert (result.dates[0].date, result.dates[0].end, result.dates[0].precision) == (
        "2024-02-19",
        "2024-02-25",
        "week",
    )
    assert [(d.date, d.kind) for d in result.dates if d.precision == "day"] == [
        ("2024-03-15", "echeance"),
        ("2024-04-30", "echeance"),
        ("2024-04-09", "rencontre"),
    ]


def test_sample_letter_surfaces_the_first_meeting(shared_dir) -> None:
    text = (shared_dir / "samples/texts/2023-06-28-lettre-ministre-carmant.txt").read_text("utf-8")
    result = analyse(text, reference=date(2023, 6, 28))
    assert 2 <= len(result.summary) <= 4
    assert any(
        "première rencontre du Groupe de travail" in s and "14 septembre" in s
        for s in result.summary
    )
    meeting = [d for d in result.dates if d.date == "2023-09-14"]
    assert meeting and meeting[0].kind == "rencontre"
    # The label keeps the clause about the meeting, not the rest of the sentence.
    assert (
        meeting[0].label == "Une première rencontre du Groupe de travail se tiendra le 14 septembre"
    )


def test_sample_bulletin_surfaces_its_timetable(shared_dir) -> None:
    text = (shared_dir / "samples/texts/info-psoc-4-janvier-2018.txt").read_text("utf-8")
    result = analyse(text, reference=date(2018, 1, 4))
    assert 2 <= len(result.summary) <= 4
    assert any("consultation" in s for s in result.summary)
    assert not any(s.isupper() or "http" in s for s in result.summary)
    by_date = {d.date: d for d in result.dates}
    assert by_date["2018-06-30"].label == "fin de la consultation"
    assert by_date["2018-06-30"].kind == "echeance"
    assert by_date["2018-05"].label.startswith("journées d’auditions")
    assert "2018-06" in by_date
    assert by_date["2018-09-30"].label.startswith("présentation du document révisé")


def test_sample_letter_2021_asks_its_demand(shared_dir) -> None:
    text = (shared_dir / "samples/texts/2021-01-13-regroupements-sectoriels.txt").read_text("utf-8")
    result = analyse(text, reference=date(2021, 1, 13))
    assert any(
        s.startswith("Nous vous demandons donc de modifier le cadre de gestion")
        for s in result.summary
    )
    assert not any("@" in s or "Directrice" in s for s in result.summary)
    assert result.dates == []


def test_a_word_like_salutations_in_the_body_does_not_end_the_letter() -> None:
    text = (
        "Bonjour,\n\nLe comité transmet ses salutations aux nouvelles membres de la table.\n"
        "Nous vous invitons à la rencontre régionale qui se tiendra le 12 mai à Rimouski.\n"
        "Nous demandons à chaque organisme de confirmer sa présence avant le 1er mai.\n\n"
        "Cordialement,\n\nLa coordination"
    )
    summary = summarize(text)
    assert any("se tiendra le 12 mai" in s for s in summary)
    assert any("confirmer sa présence" in s for s in summary)
    assert not any("Cordialement" in s or "coordination" in s for s in summary)
