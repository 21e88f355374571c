"""Hand-labelled French dates: our own sentences and short texts, and our own annotation of the
dates in ``../shared/samples/texts/*.txt`` (expected dates only; the texts are not copied).

Each expected date is written compactly:
``"2023-09-14"`` a day, ``"2018-05"`` a month, ``"2021-10-18..2021-10-24"`` a range,
optionally followed by ``"@kind"`` (rencontre, echeance, periode, autre) when the kind is clear.
"""

from __future__ import annotations

# (text, reference date, expected dates)
SENTENCES: list[tuple[str, str, list[str]]] = [
    # --- meetings, single days
    (
        "La prochaine rencontre du comité de liaison se tiendra le 14 septembre.",
        "2023-06-28",
        ["2023-09-14@rencontre"],
    ),
    (
        "Le conseil d'administration se réunira le mardi 3 octobre 2023 à 9 h 30.",
        "2023-06-28",
        ["2023-10-03@rencontre"],
    ),
    (
        "Une rencontre préparatoire aura lieu le 1er novembre par visioconférence.",
        "2023-10-02",
        ["2023-11-01@rencontre"],
    ),
    (
        "La rencontre de rétroaction est prévue le 1ᵉʳ décembre 2023.",
        "2023-10-02",
        ["2023-12-01@rencontre"],
    ),
    (
        "Notre assemblée générale annuelle se tiendra le jeudi 13 juin 2024 à Rimouski.",
        "2024-03-15",
        ["2024-06-13@rencontre"],
    ),
    (
        "Le webinaire sur le cadre normatif aura lieu le 22 février à 13 h.",
        "2024-01-20",
        ["2024-02-22@rencontre"],
    ),
    (
        "Les membres sont convoqués à une séance extraordinaire le 5 avril prochain.",
        "2024-03-15",
        ["2024-04-05@rencontre"],
    ),
    (
        "La journée d'étude du 27 mai réunira les responsables PSOC des 15 régions.",
        "2024-03-15",
        ["2024-05-27@rencontre"],
    ),
    (
        "Lors de la réunion du 9 janvier dernier, le comité a adopté son plan d'action.",
        "2024-03-15",
        ["2024-01-09@rencontre"],
    ),
    (
        "Nous avons rencontré la sous-ministre le 30 novembre dernier.",
        "2024-01-10",
        ["2023-11-30@rencontre"],
    ),
    (
        "Le groupe de travail se réunira de nouveau le lundi 16 octobre.",
        "2023-09-20",
        ["2023-10-16@rencontre"],
    ),
    (
        "La séance d'information du 12 mars 2024 est reportée au 19 mars.",
        "2024-02-01",
        ["2024-03-12@rencontre", "2024-03-19"],
    ),
    (
        "Le colloque régional se tiendra le samedi 4 mai à Sherbrooke.",
        "2024-02-01",
        ["2024-05-04@rencontre"],
    ),
    (
        "Un caucus des délégations est prévu le 7 septembre, avant la rencontre avec le ministère.",
        "2024-08-01",
        ["2024-09-07@rencontre"],
    ),
    (
        "Le forum national a eu lieu le 18 octobre 2017 à Québec.",
        "2018-01-20",
        ["2017-10-18@rencontre"],
    ),
    # --- deadlines
    (
        "Les avis doivent être déposés au plus tard le 30 juin 2018.",
        "2018-01-20",
        ["2018-06-30@echeance"],
    ),
    ("Date limite pour s'inscrire : 15 janvier 2025.", "2024-12-01", ["2025-01-15@echeance"]),
    (
        "Merci de nous transmettre vos commentaires d'ici le 8 mars.",
        "2024-02-20",
        ["2024-03-08@echeance"],
    ),
    ("La fin de la consultation est fixée au 31 mai 2024.", "2024-03-15", ["2024-05-31@echeance"]),
    (
        "Le formulaire doit être retourné avant le 31/05/2024.",
        "2024-03-15",
        ["2024-05-31@echeance"],
    ),
    ("Échéance du dépôt des demandes : 2024-06-30.", "2024-03-15", ["2024-06-30@echeance"]),
    (
        "Vous avez jusqu'au 14 févr. 2024 pour remettre votre reddition de comptes.",
        "2024-01-05",
        ["2024-02-14@echeance"],
    ),
    (
        "Les demandes de soutien doivent parvenir au ministère au plus tard le 1er oct.",
        "2024-08-12",
        ["2024-10-01@echeance"],
    ),
    (
        "La période d'inscription se termine le vendredi 26 avril.",
        "2024-03-15",
        ["2024-04-26@echeance"],
    ),
    (
        "Le rapport d'activités est à remettre le 15/07/2024 au plus tard.",
        "2024-03-15",
        ["2024-07-15@echeance"],
    ),
    (
        "La date de tombée pour le prochain bulletin est le 3 décembre.",
        "2024-11-05",
        ["2024-12-03@echeance"],
    ),
    (
        "Le dépôt des candidatures est reporté du 12 au 26 janvier.",
        "2023-12-15",
        ["2024-01-12", "2024-01-26"],
    ),
    # --- periods and ranges
    (
        "La Semaine nationale de l'action communautaire autonome aura lieu du 18 au 24 octobre "
        "2021.",
        "2021-06-01",
        ["2021-10-18..2021-10-24@periode"],
    ),
    (
        "Les audiences régionales se dérouleront du 28 au 31 mars 2022.",
        "2022-01-10",
        ["2022-03-28..2022-03-31@periode"],
    ),
    (
        "La consultation en ligne sera ouverte du 15 avril au 15 mai.",
        "2024-03-15",
        ["2024-04-15..2024-05-15@periode"],
    ),
    (
        "La campagne de mobilisation se poursuit du 30 novembre 2021 au 15 janvier 2022.",
        "2021-11-01",
        ["2021-11-30..2022-01-15@periode"],
    ),
    (
        "Les bureaux seront fermés du 23 décembre au 3 janvier.",
        "2024-11-20",
        ["2024-12-23..2025-01-03@periode"],
    ),
    (
        "Le sondage est accessible entre le 3 et le 17 juin.",
        "2024-05-01",
        ["2024-06-03..2024-06-17@periode"],
    ),
    (
        "Période de consultation : du 01/09/2024 au 30/09/2024.",
        "2024-08-01",
        ["2024-09-01..2024-09-30@periode"],
    ),
    (
        "La tournée régionale se tiendra du 6 au 10 mai 2024.",
        "2024-03-15",
        ["2024-05-06..2024-05-10@periode"],
    ),
    (
        "Le programme est en vigueur du 1er avril 2024 au 31 mars 2025.",
        "2024-03-15",
        ["2024-04-01..2025-03-31@periode"],
    ),
    # --- day lists
    (
        "Les rencontres du comité stratégique auront lieu les 12 et 14 octobre 2021.",
        "2021-08-30",
        ["2021-10-12@rencontre", "2021-10-14@rencontre"],
    ),
    (
        "Les formations sont offertes les 9 et 29 avril, 8 et 9 juin 2022.",
        "2022-02-01",
        [
            "2022-04-09@rencontre",
            "2022-04-29@rencontre",
            "2022-06-08@rencontre",
            "2022-06-09@rencontre",
        ],
    ),
    (
        "Les ateliers se tiendront les 4, 11 et 18 septembre.",
        "2024-08-01",
        ["2024-09-04@rencontre", "2024-09-11@rencontre", "2024-09-18@rencontre"],
    ),
    (
        "Les séances de présentation (18, 20 et 25 avril 2023) ont suscité des critiques.",
        "2023-06-28",
        ["2023-04-18@rencontre", "2023-04-20@rencontre", "2023-04-25@rencontre"],
    ),
    (
        "Nous avons rencontré le MSSS le 13 décembre 2017 et le 18 janvier 2018.",
        "2018-01-31",
        ["2017-12-13@rencontre", "2018-01-18@rencontre"],
    ),
    (
        "Les dîners-causeries se tiendront le 5 et le 19 mars.",
        "2024-02-10",
        ["2024-03-05@rencontre", "2024-03-19@rencontre"],
    ),
    (
        "Les audiences publiques auront lieu le 13 décembre et le 18 janvier 2019.",
        "2018-11-01",
        ["2018-12-13@rencontre", "2019-01-18@rencontre"],
    ),
    # --- months alone
    (
        "Mai et juin 2018 : journées d'auditions des regroupements.",
        "2018-01-20",
        ["2018-05@rencontre", "2018-06@rencontre"],
    ),
    ("Le rapport sera publié à la fin du mois de mars.", "2024-01-10", ["2024-03"]),
    (
        "Le document de consultation serait diffusé vers la fin de novembre 2017.",
        "2017-10-20",
        ["2017-11"],
    ),
    ("Le cadre normatif a été imposé en avril dernier.", "2023-06-28", ["2023-04"]),
    (
        "Une nouvelle ronde de négociations est prévue en septembre prochain.",
        "2024-03-15",
        ["2024-09"],
    ),
    ("Dès janvier 2025, les nouvelles balises s'appliqueront.", "2024-10-01", ["2025-01"]),
    ("Le bilan sera présenté à l'assemblée de juin.", "2024-03-15", ["2024-06@rencontre"]),
    ("Le projet pilote commencera à la mi-octobre.", "2024-08-01", ["2024-10"]),
    # --- weekdays and relative days
    (
        "Rendez-vous mercredi prochain pour la suite des travaux.",
        "2024-03-15",
        ["2024-03-20@rencontre"],
    ),
    ("Le comité s'est réuni vendredi dernier.", "2024-03-13", ["2024-03-08@rencontre"]),
    ("La rencontre du lundi 2 décembre est confirmée.", "2024-11-10", ["2024-12-02@rencontre"]),
    ("Le lancement aura lieu le jeudi 9 janvier.", "2024-12-01", ["2025-01-09@rencontre"]),
    # --- numeric forms
    (
        "Reçu le 2024-02-19, le dossier a été traité le 2024-03-01.",
        "2024-03-15",
        ["2024-02-19", "2024-03-01"],
    ),
    ("Entente signée le 05/04/2023 pour une durée de trois ans.", "2023-06-01", ["2023-04-05"]),
    ("Voir la lettre datée du 28.06.2023.", "2023-07-10", ["2023-06-28"]),
    # --- year inference from context
    (
        "Calendrier 2021-2022\n- 14 octobre : conseil d'administration\n- 9 décembre : rencontre "
        "des membres\n- 17 février : comité stratégique\n- 24 mars : fin de l'exercice",
        "2021-09-01",
        ["2021-10-14@rencontre", "2021-12-09@rencontre", "2022-02-17@rencontre", "2022-03-24"],
    ),
    (
        "Programmation 2023-2024 des rencontres régionales\n5 avril : Outaouais\n"
        "12 septembre : Bas-Saint-Laurent\n16 janvier : Estrie",
        "2023-03-01",
        ["2023-04-05@rencontre", "2023-09-12@rencontre", "2024-01-16@rencontre"],
    ),
    (
        "En 2019, la CTROC a tenu plusieurs rencontres. La rencontre du 4 juin a porté sur le "
        "financement.",
        "2024-03-15",
        ["2019-06-04@rencontre"],
    ),
    (
        "Le 28 février 2020, le comité a déposé son avis. Le 12 mars, le ministère a répondu.",
        "2024-03-15",
        ["2020-02-28", "2020-03-12"],
    ),
    (
        "Le plan d'action 2022 prévoit une tournée. Les étapes : consultation le 10 mai, "
        "synthèse le 20 juin.",
        "2024-03-15",
        ["2022-05-10", "2022-06-20"],
    ),
    (
        "Québec, le 13 janvier 2021\n\nObjet : demande de rencontre\n\nMadame,\n\nNous "
        "souhaitons vous rencontrer le 2 février afin de discuter du PSOC.\n\nSalutations.",
        "2021-01-13",
        ["2021-02-02@rencontre"],
    ),
    (
        "Le 15 novembre 2023\n\nBonjour à toutes et à tous,\n\nLa prochaine rencontre aura lieu "
        "le 16 janvier.\n\nMerci.",
        "2023-11-15",
        ["2024-01-16@rencontre"],
    ),
    (
        "Décembre 2019\n\nINFO-PSOC\n\nLe 3 décembre dernier, la CTROC a rencontré le ministère. "
        "Une autre rencontre est prévue le 11 février.\n\nBonne lecture.",
        "2019-12-10",
        ["2019-12-03@rencontre", "2020-02-11@rencontre"],
    ),
    # --- label forms
    (
        "Calendrier des rencontres du comité de liaison :\n- 12 octobre 2021\n- 9 novembre 2021\n"
        "- 7 décembre 2021",
        "2021-09-01",
        ["2021-10-12@rencontre", "2021-11-09@rencontre", "2021-12-07@rencontre"],
    ),
    (
        "Dates des auditions : 9 et 10 mai 2018",
        "2018-01-20",
        ["2018-05-09@rencontre", "2018-05-10@rencontre"],
    ),
    ("30 juin 2018 : fin de la consultation.", "2018-01-20", ["2018-06-30@echeance"]),
    (
        "Autour du 30 septembre : présentation du document révisé.",
        "2018-07-01",
        ["2018-09-30@rencontre"],
    ),
    # --- sentences full of numbers that are not dates
    (
        "Nos 3 400 organismes communautaires rejoignent 15 régions et 64 regroupements.",
        "2024-03-15",
        [],
    ),
    (
        "Écrivez-nous au 1075, chemin Sainte-Foy, 15e étage, Québec (Québec) G1S 2M1.",
        "2024-03-15",
        [],
    ),
    ("Téléphone : 418 266-7171 ou 1 800 555-0199, poste 12.", "2024-03-15", []),
    ("Voir les pages 28 et 29 du cadre de gestion (pp. 12-14 pour les annexes).", "2024-03-15", []),
    ("La rencontre débutera à 9 h 30 et se terminera vers 16 h.", "2024-03-15", []),
    ("Le budget passe de 12,5 M$ à 14 M$, soit une hausse de 12 %.", "2024-03-15", []),
    (
        "Les 2 et 3 premières années du programme ont permis de soutenir 250 groupes.",
        "2024-03-15",
        [],
    ),
    ("L'article 7 de la loi 2005-12 précise le rôle des 16 TROC.", "2024-03-15", []),
    ("Sept organismes sur dix jugent le délai insuffisant.", "2024-03-15", []),
    ("Le rapport 2022-2023 compte 48 pages et 12 recommandations.", "2024-03-15", []),
    ("Il faut compter 3 à 4 semaines après la mise en ligne.", "2024-03-15", []),
    ("La salle 204 du 2e étage accueillera 35 personnes.", "2024-03-15", []),
    ("En 2019, 1 200 bénévoles ont donné 45 000 heures.", "2024-03-15", []),
    ("Le versement de 25 000 $ sera fait en 2 tranches.", "2024-03-15", []),
    ("Le numéro d'entreprise 1145-2233-01 figure sur le formulaire.", "2024-03-15", []),
    ("Composez le 514.555.0123 pour joindre la permanence.", "2024-03-15", []),
    ("L'édition 2024/25 du guide est disponible.", "2024-03-15", []),
    ("Le code postal H2X 1Y4 et la case postale 5 sont à jour.", "2024-03-15", []),
    ("Prévoyez 10 à 15 minutes pour répondre aux 8 questions.", "2024-03-15", []),
    ("Le Bulletin no 12 présente 4 dossiers.", "2024-03-15", []),
    ("Les 4 et 5 personnes déléguées par région seront invitées.", "2024-03-15", []),
    # --- mixed: dates among numbers
    (
        "Les 64 regroupements seront entendus le 14 mai 2024, de 9 h à 16 h, au 2e étage.",
        "2024-03-15",
        ["2024-05-14@rencontre"],
    ),
    (
        "Au 31 mars 2023, 3 400 organismes recevaient un financement à la mission.",
        "2024-03-15",
        ["2023-03-31"],
    ),
    ("Le 1er avril 2018, 16 TROC ont déposé 12 avis.", "2024-03-15", ["2018-04-01"]),
    (
        "Réunion le 6 juin (salle 12, 2e étage, 1075 chemin Sainte-Foy).",
        "2024-03-15",
        ["2024-06-06@rencontre"],
    ),
    (
        "Le MSSS versera 25 M$ le 15 août et 10 M$ le 15 février 2025.",
        "2024-03-15",
        ["2024-08-15", "2025-02-15"],
    ),
    ("Délai : 30 jours à compter du 3 septembre.", "2024-06-15", ["2024-09-03"]),
    # --- abbreviations and odd typography
    (
        "Le comité se réunit le 14 sept. 2023 et le 12 oct. 2023.",
        "2023-06-01",
        ["2023-09-14@rencontre", "2023-10-12@rencontre"],
    ),
    ("Rencontre avec M. Tremblay le 21 déc. à 10 h.", "2023-11-01", ["2023-12-21@rencontre"]),
    ("LA RENCONTRE DU 14 MARS 2024 EST ANNULÉE.", "2024-02-01", ["2024-03-14@rencontre"]),
    (
        "Le 1er\u00a0juin\u00a02024, les nouvelles règles entrent en vigueur.",
        "2024-03-15",
        ["2024-06-01"],
    ),
    ("Les représentant.e.s se réuniront le 3 juillet.", "2024-03-15", ["2024-07-03@rencontre"]),
    ("Le 29 février 2024 n'est pas le 30 février.", "2024-01-01", ["2024-02-29"]),
    (
        "Du 2 au 6 septembre 2024 : semaine de la rentrée communautaire.",
        "2024-06-01",
        ["2024-09-02..2024-09-06@periode"],
    ),
    # --- demo documents: times ending sentences, numbered issues, titles, table rows
    (
        "Rencontre préparatoire des délégations : le 7 décembre 2026 à 10 h. L’assemblée "
        "générale se tiendra les 10 et 11 décembre 2026 à Drummondville.",
        "2026-11-19",
        ["2026-12-07@rencontre", "2026-12-10@rencontre", "2026-12-11@rencontre"],
    ),
    (
        "INFO-PSOC numéro 5\nOctobre 2026\nPar ce bulletin, la Coalition tient les organismes "
        "informés.\n\nLe comité de liaison se réunira le 14 octobre 2026.",
        "2026-10-01",
        ["2026-10-14@rencontre"],
    ),
    (
        "INFO-PSOC numéro 5 Octobre 2026\nPar ce bulletin, la Coalition tient les organismes "
        "informés.\nUne rencontre de rétroaction suivra le 21 octobre 2026.",
        "2026-10-01",
        ["2026-10-21@rencontre"],
    ),
    (
        "Bulletin de la Coalition — septembre 2026\n\nBonjour à toutes et à tous,\n\n"
        "Les membres peuvent écrire à l’équipe de coordination avant le 25 septembre.",
        "2026-11-22",
        ["2026-09-25@echeance"],
    ),
    (
        "Le numéro 12 décembre 2024 de notre bulletin annonçait la rencontre du 17 janvier 2025.",
        "2025-01-05",
        ["2024-12", "2025-01-17@rencontre"],
    ),
    (
        "Voir l'annexe 3 et le chapitre 4 : la phase 2 débutera le 15 mars.",
        "2025-01-05",
        ["2025-03-15"],
    ),
    (
        "Étape | Date\nSéance d’information | 10 septembre 2026\nDépôt des avis écrits | "
        "1er octobre 2026\nRencontre de synthèse | 22 octobre 2026",
        "2026-08-15",
        ["2026-09-10@rencontre", "2026-10-01@echeance", "2026-10-22@rencontre"],
    ),
    (
        "3. Calendrier de la reddition de comptes : dépôt des rapports d’activités au plus tard "
        "le 30 novembre\n2026.",
        "2026-09-02",
        ["2026-11-30@echeance"],
    ),
]

# A second batch, written after the grammar as a check on it (first run, before the fixes
# it prompted: P=1.000 R=0.917 right-year=0.970 on these 38).
CHECK: list[tuple[str, str, list[str]]] = [
    (
        "Le lancement de la campagne est prévu pour le début du mois de février.",
        "2024-12-01",
        ["2025-02"],
    ),
    (
        "L'AGA aura lieu le mercredi 12 juin 2024, de 13 h à 16 h 30, au 2175, rue Ontario Est.",
        "2024-03-15",
        ["2024-06-12@rencontre"],
    ),
    (
        "Les inscriptions sont ouvertes jusqu'au 20 septembre inclusivement.",
        "2024-08-01",
        ["2024-09-20@echeance"],
    ),
    (
        "Le rapport financier doit être déposé 90 jours après la fin de l'exercice, soit au plus tard le 30 juin.",
        "2024-03-15",
        ["2024-06-30@echeance"],
    ),
    (
        "À compter du 1er avril 2025, le formulaire en ligne remplacera le formulaire papier.",
        "2024-12-01",
        ["2025-04-01"],
    ),
    (
        "Les 24 et 25 octobre prochains, la CTROC tiendra son colloque annuel.",
        "2024-06-01",
        ["2024-10-24@rencontre", "2024-10-25@rencontre"],
    ),
    (
        "La rencontre prévue le 5 novembre est annulée; elle sera reprise le 19.",
        "2024-10-01",
        ["2024-11-05@rencontre", "2024-11-19"],
    ),
    (
        "Depuis le 15 janvier, les organismes peuvent transmettre leur demande.",
        "2025-02-10",
        ["2025-01-15"],
    ),
    (
        "La période de questions se terminera le vendredi 29 novembre à midi.",
        "2024-11-01",
        ["2024-11-29@echeance"],
    ),
    (
        "Semaine nationale de l'ACA : 21-27 octobre 2024",
        "2024-08-01",
        ["2024-10-21..2024-10-27@periode"],
    ),
    (
        "Le dépôt des demandes PSOC 2025-2026 s'effectue entre le 1er février et le 1er mars 2025.",
        "2024-12-01",
        ["2025-02-01..2025-03-01@periode"],
    ),
    ("Le bureau sera fermé le lundi 2 septembre (fête du Travail).", "2024-08-20", ["2024-09-02"]),
    (
        "Envoyez vos questions à info@troc.org d'ici vendredi prochain.",
        "2024-03-13",
        ["2024-03-15@echeance"],
    ),
    (
        "Le comité a tenu 14 rencontres entre janvier et juin 2023.",
        "2024-03-15",
        ["2023-01..2023-06"],
    ),
    ("Bonne année 2025 à toutes et à tous!", "2025-01-02", []),
    (
        "Les 12 travaux du comité 2024 ont été présentés le 3 décembre.",
        "2025-01-10",
        ["2024-12-03"],
    ),
    ("Rappel : webinaire le 7 mai de 12 h à 13 h.", "2024-04-20", ["2024-05-07@rencontre"]),
    ("La date du 31 mars 2025 marque la fin de l'entente triennale.", "2024-12-01", ["2025-03-31"]),
    (
        "Le 8 mars, Journée internationale des droits des femmes, plusieurs organismes manifesteront.",
        "2025-02-20",
        ["2025-03-08"],
    ),
    (
        "Le projet de loi 15 a été adopté le 9 décembre 2023 sous bâillon.",
        "2024-03-15",
        ["2023-12-09"],
    ),
    ("Il reste 31 places pour la formation du 16 octobre.", "2024-09-01", ["2024-10-16@rencontre"]),
    (
        "Le comité se réunira à 4 reprises, soit en septembre, en novembre, en février et en avril.",
        "2024-08-15",
        ["2024-09@rencontre", "2024-11@rencontre", "2025-02@rencontre", "2025-04@rencontre"],
    ),
    (
        "Le rapport annuel 2023-2024 sera présenté à l'AGA du 12 juin.",
        "2024-05-01",
        ["2024-06-12@rencontre"],
    ),
    (
        "Le budget 2024-2025 prévoit 25 M$ de plus; les sommes seront versées le 15 juillet.",
        "2024-03-20",
        ["2024-07-15"],
    ),
    ("Rencontre du CA : mardi 14 janvier, 18 h 30", "2024-12-05", ["2025-01-14@rencontre"]),
    (
        "Les formations auront lieu le 3 octobre à Laval et le 10 octobre à Longueuil.",
        "2024-09-01",
        ["2024-10-03@rencontre", "2024-10-10@rencontre"],
    ),
    (
        "Le MSSS a confirmé le 2 mai qu'il répondrait d'ici la fin juin.",
        "2024-05-10",
        ["2024-05-02", "2024-06"],
    ),
    ("Après le 1er juillet, aucune demande ne sera acceptée.", "2024-05-01", ["2024-07-01"]),
    ("La consultation prendra fin à la mi-mai 2025.", "2025-01-10", ["2025-05@echeance"]),
    ("Séance du conseil : 2024-11-19 à 19 h.", "2024-10-01", ["2024-11-19@rencontre"]),
    ("Merci aux 250 personnes présentes le 18 avril dernier!", "2024-05-01", ["2024-04-18"]),
    (
        "Les entrevues se dérouleront du lundi 4 au vendredi 8 novembre.",
        "2024-10-01",
        ["2024-11-04..2024-11-08@periode"],
    ),
    (
        "Le projet se termine le 31 décembre, soit dans 6 semaines.",
        "2024-11-19",
        ["2024-12-31@echeance"],
    ),
    ("Date de l'événement : le samedi 5 octobre 2024.", "2024-08-01", ["2024-10-05"]),
    (
        "Votre organisme a jusqu'au 15 du mois pour transmettre ses statistiques.",
        "2024-03-15",
        ["2024-03-15"],
    ),
    ("Entre 2019 et 2023, le financement a augmenté de 30 %.", "2024-03-15", []),
    ("Le document (version du 3 février 2024, 42 p.) est joint.", "2024-03-15", ["2024-02-03"]),
    (
        "Les tables régionales se rencontreront le 1er et le 2 octobre.",
        "2024-09-01",
        ["2024-10-01@rencontre", "2024-10-02@rencontre"],
    ),
]

# Our own annotation of the dates in ../shared/samples/texts (the texts stay there).
# The document's own date line (letterhead date) is not a date "found" in the communication.
SAMPLES: dict[str, tuple[str, list[str]]] = {
    "2023-06-28-lettre-ministre-carmant.txt": (
        "2023-06-28",
        [
            "2023-04",
            "2023-04-18@rencontre",
            "2023-04-20@rencontre",
            "2023-04-25@rencontre",
            "2023-09-14@rencontre",
        ],
    ),
    "2021-01-13-regroupements-sectoriels.txt": ("2021-01-13", []),
    # Reference: the filename's date (the bulletin's own "Janvier 2018" line must win).
    "info-psoc-4-janvier-2018.txt": (
        "2018-01-04",
        [
            "2017-05",
            # seasons, kept as seasons: « l’automne 2017 », « Pendant l’été », « dès cet hiver »
            "2017-09..2017-12",
            "2017-06..2017-09",
            "2017-12..2018-03",
            "2017-10-18@rencontre",
            "2017-11",
            "2018-01@rencontre",
            "2018-04-01",
            "2017-12-13@rencontre",
            "2018-01-18@rencontre",
            "2017-10@rencontre",
            "2018-05@rencontre",
            "2018-06@rencontre",
            "2018-06-30@echeance",
            "2018-09-30@rencontre",
        ],
    ),
}
