"""French words the text feature recognises: months, weekdays, cue words, stop words."""

from __future__ import annotations

import re

MONTH_NAMES: dict[str, int] = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
# Abbreviations count only with their dot or before a year: "sept" alone is the number seven.
MONTH_ABBREVIATIONS: dict[str, int] = {
    "janv": 1, "févr": 2, "fevr": 2, "fév": 2, "fev": 2, "avr": 4, "juil": 7,
    "sept": 9, "oct": 10, "nov": 11, "déc": 12, "dec": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6,
}  # fmt: skip

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def month_number(word: str) -> int | None:
    w = word.lower().rstrip(".")
    return MONTH_NAMES.get(w) or MONTH_ABBREVIATIONS.get(w)


# Kind cues: the nearest cue to a date decides what happens that day.
KIND_CUES: tuple[tuple[str, str], ...] = (
    (
        "echeance",
        r"au plus tard|date[s]? limite|date butoir|d['’]ici|avant le|jusqu['’]"
        r"(?:au|à|en)|échéan\w*|fin de (?:la|l['’])\s*(?:consultation|période|appel|inscription)\w*"
        r"|dépôt|déposer|déposé|remettre|remise|transmettre|soumettre|envoyer|retourner|répondre"
        r"|inscri(?:re|vez|ption|ptions)|s['’]inscrire|clôture|se termin\w*|pren\w* fin|délai"
        r"|date de tombée",
    ),
    (
        "rencontre",
        r"se tiendr\w*|se tien\w*|tenue|aura lieu|rencontr\w*|réuni\w*|assemblée\w*"
        r"|séance\w*|comité\w*|webinaire\w*|visioconférence\w*|conférence\w*|colloque\w*"
        r"|forum\w*|atelier\w*|formation\w*|audience\w*|audition\w*|rendez-vous|AGA|AGE"
        r"|congrès|sommet|présentation|lancement|convoqu\w*|invit\w*|journée\w* d['’]étude"
        r"|groupe de travail|table ronde|caucus|consultation régionale|conseil d['’]administration"
        r"|CA|entendu\w*",
    ),
    (
        "periode",
        r"période|semaine du|durant|pendant|au cours d\w*|échelonn\w*|en vigueur|campagne"
        r"|jusqu['’]à",
    ),
)
# Publications and entries into force: a date, but neither a meeting nor a deadline.
KIND_CUES += (
    (
        "autre",
        r"publi(?:é|e[rz]|era|cation)\w*|diffus\w*|mise en ligne|mis en ligne|parution"
        r"|paraîtr\w*|entr\w* en vigueur|adopté\w*|sanctionn\w*",
    ),
)
# One pass over a sentence: the group name of a match is the kind of its cue.
KIND_RE: re.Pattern[str] = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<{kind}>{pattern})" for kind, pattern in KIND_CUES) + r")(?!\w)",
    re.IGNORECASE,
)

STOP_WORDS = frozenset(
    """
    a à afin ai aie ainsi alors au aucun aussi autre aux avec avoir avons ayant c ça car ce ceci
    cela celle celles celui ces cet cette ceux chaque ci comme comment d dans de des deux donc
    dont du elle elles en encore entre es est et été être eu eux fait faire fois font hors il ils
    j je jusqu l la le les leur leurs lui m ma mais me même mêmes mes moi mon n ne ni nos notre
    nous on ont ou où par parce pas peu peut plus pour pourquoi qu quand que quel quelle quelles
    quels qui quoi s sa sans se ses seul si sien son sont sous soit sur t ta te tes toi ton tous
    tout toute toutes très tu un une unes uns vos votre vous y été étaient était être sera seront
    serait auront aura avait avaient ont cet ceux lors selon vers via chez dès ici là
    """.split()
)
