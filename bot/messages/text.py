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
    "text.summary.none": "(aucun résumé : le texte est vide ou illisible)",
}
