"""French messages of the text feature (summaries and dates)."""

MESSAGES: dict[str, str] = {
    "text.dates.heading": "Dates à retenir",
    "text.kind.rencontre": "Rencontre",
    "text.kind.echeance": "Échéance",
    "text.kind.periode": "Période",
    "text.kind.autre": "Date",
    "text.date.day": "{day} {month} {year}",
    "text.date.first_day": "1er {month} {year}",
    "text.date.month": "{month} {year}",
    "text.date.range": "du {start} au {end}",
    "text.date.week": "semaine du {start}",
    "text.date.season": "{season} {year}",
    "text.season.printemps": "printemps",
    "text.season.ete": "été",
    "text.season.automne": "automne",
    "text.season.hiver": "hiver",
    "text.year_inferred": "année déduite",
    "text.summary.none": "(aucun résumé : le texte est vide ou illisible)",
}
