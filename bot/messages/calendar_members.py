"""French messages of the calendar in members' hands: recurrence, subscriptions, RSVP,
personal reminders, /calendrier and /aide (keys ending in ".en": English localisations)."""

MESSAGES: dict[str, str] = {
    # Recurrence
    "calendar.recurrence.weekly": "chaque semaine, le {weekday}",
    "calendar.recurrence.weekly_n": "toutes les {n} semaines, le {weekday}",
    "calendar.recurrence.nth": "le {nth} {weekday} du mois",
    "calendar.recurrence.nth_n": "le {nth} {weekday} du mois, tous les {n} mois",
    "calendar.recurrence.last": "dernier",
    "calendar.recurrence.monthday": "le {day} de chaque mois",
    "calendar.recurrence.monthday_n": "le {day} du mois, tous les {n} mois",
    "calendar.recurrence.until": ", jusqu’au {date}",
    "calendar.recurrence.count": ", {count} fois",
    "calendar.recurrence.empty": "Indiquez la récurrence, par exemple {examples}.",
    "calendar.recurrence.unknown": (
        "Je ne comprends pas la récurrence « {text} ». Tapez par exemple {examples}."
    ),
    "calendar.recurrence.fifth": (
        "Un 5e {weekday} n’existe pas chaque mois. Tapez plutôt « le dernier {weekday} du "
        "mois », ou par exemple {examples}."
    ),
    "calendar.recurrence.bad_monthday": (
        "Le {day} du mois n’existe pas : indiquez un jour de 1 à 31 (« le 15 de chaque mois »)."
    ),
    "calendar.recurrence.bad_interval": (
        "L’intervalle doit aller de 1 à {max} (« toutes les 2 semaines », « tous les 3 mois »)."
    ),
    "calendar.recurrence.bad_count": (
        "Le nombre de rencontres doit aller de 1 à {max} (« 10 fois »)."
    ),
    "calendar.recurrence.bad_until": (
        "Je ne comprends pas la date de fin « {text} » : tapez « jusqu’au 30 juin 2027 » ou "
        "« jusqu’en juin 2027 ». Exemples de récurrence : {examples}."
    ),
    "calendar.recurrence.until_before": (
        "La date de fin ({until}) vient avant la première rencontre ({start})."
    ),
    "calendar.recurrence.never": (
        "Cette récurrence ne donne aucune date : vérifiez le jour indiqué."
    ),
    # Occurrences of a series
    "calendar.occurrence.none_that_day": (
        "« {title} » n’a pas de rencontre le {date} : indiquez le jour d’une des rencontres "
        "de la série (voyez `/calendrier voir`)."
    ),
    "calendar.occurrence.cancelled_already": "Cette rencontre de « {title} » est déjà annulée.",
    # Feeds
    "calendar.feed.public": "Calendrier public de la CTROC",
    "calendar.feed.name_delegation": "CTROC — {name}",
    # Personal reminders (direct messages)
    "calendar.dm.meeting": "Votre rappel : **{title}** {relative}.",
    "calendar.dm.meeting.late": (
        "Votre rappel, en retard (Relais était arrêté à l’heure prévue) : **{title}** {relative}."
    ),
    "calendar.dm.deadline": "Votre rappel d’échéance : **{title}** {relative}.",
    "calendar.dm.deadline.late": (
        "Votre rappel d’échéance, en retard (Relais était arrêté à l’heure prévue) : "
        "**{title}** {relative}."
    ),
    "calendar.dm.footer": "Rappel personnel demandé avec /rappels (désactivez-le là aussi).",
    "calendar.dm.no_offsets": (
        "Indiquez au moins un délai de rappel, par exemple « J-1, H-2 » (la veille et deux "
        "heures avant) ou « M-30 »."
    ),
    "calendar.dm.too_many": "Au plus {max} délais de rappel, par exemple « J-7, J-1, H-2 ».",
    "calendar.dm.no_delegation": (
        "Vous n’êtes membre d’aucune délégation : aucun rappel personnel à programmer. "
        "Demandez à la permanence de vous ajouter à votre délégation."
    ),
    "calendar.dm.closed_notice": (
        "{user}, je n’ai pas pu vous envoyer votre rappel en message privé : vos messages privés "
        "sont fermés pour ce serveur. Ouvrez-les (Paramètres du serveur → Confidentialité), puis "
        "relancez `/rappels activer` ; ou `/rappels desactiver` pour ne plus en recevoir. "
        "Je ne réessaierai pas d’ici là."
    ),
    # Announcements of new and moved meetings
    "calendar.announce.meeting": "Nouvelle rencontre : **{title}**, {when} ({relative}).",
    "calendar.announce.deadline": "Nouvelle échéance : **{title}**, {when} ({relative}).",
    "calendar.announce.moved": (
        "Rencontre déplacée : **{title}** du {before} passe au {when} ({relative}). "
        "Les autres rencontres de la série ne changent pas."
    ),
    "calendar.announce.next": "Prochaines dates : {dates}",
    "calendar.announce.footer": (
        "Serez-vous présent·e ? Répondez avec les boutons (pour la prochaine rencontre)."
    ),
    "calendar.field.recurrence": "Récurrence",
    "calendar.occurrence.not_series": (
        "« {title} » n’est pas une rencontre récurrente : utilisez `/calendrier modifier`."
    ),
    # Confirmations (bot.discord.confirm)
    "confirm.nothing": "Ne rien faire",
    "confirm.aborted": "Rien n’a été fait.",
    "confirm.expired": "Délai dépassé : rien n’a été fait. Relancez la commande au besoin.",
    "confirm.not_yours": "Cette confirmation appartient à la personne qui a lancé la commande.",
    "calendar.confirm.add_meeting": "Ajouter la rencontre",
    "calendar.confirm.add_deadline": "Ajouter l’échéance",
    "calendar.confirm.save": "Enregistrer les changements",
    "calendar.confirm.cancel_meeting": "Annuler la rencontre",
    "calendar.confirm.cancel_deadline": "Annuler l’échéance",
    "calendar.confirm.move": "Déplacer cette rencontre",
    "calendar.confirm.cancel_one": "Annuler cette rencontre",
}
