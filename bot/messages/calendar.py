"""French messages of the calendar feature (keys ending in ".en": English localisations)."""

MESSAGES: dict[str, str] = {
    # Date input
    "calendar.date.empty": "Indiquez une date, par exemple {examples}.",
    "calendar.date.unknown": (
        "Je ne comprends pas la date « {text} ». Exemples acceptés : {examples}."
    ),
    "calendar.date.no_time": "Précisez l’heure : « {text} 9 h 30 », par exemple.",
    "calendar.date.bad_month": "Le mois {month} n’existe pas (de 1 à 12).",
    "calendar.date.bad_day": (
        "Le {day} {month} {year} n’existe pas : {month} {year} compte {days} jours."
    ),
    "calendar.date.bad_time": "L’heure « {text} » n’existe pas (de 0 h 00 à 23 h 59).",
    "calendar.date.dst_gap": (
        "Le {date}, l’heure {time} n’existe pas à Montréal : les horloges avancent d’une heure "
        "cette nuit-là (heure avancée). Choisissez une autre heure, par exemple {suggestion}."
    ),
    "calendar.date.weekday_mismatch": "Le {date} n’est pas un {weekday} : vérifiez la date.",
    "calendar.date.past": "Cette date est déjà passée ({when}) : indiquez une date à venir.",
    "calendar.date.end_before_start": ("La fin ({end}) doit venir après le début ({start})."),
    "calendar.offset.invalid": (
        "Décalage de rappel « {spec} » invalide : attendu J-7, H-2, M-30, J0 08:00 ou J-1 17:00."
    ),
    # Refusals
    "calendar.error.title_required": "Donnez un titre.",
    "calendar.error.unknown_role": "Le rôle « {role} » est introuvable sur ce serveur.",
    "calendar.error.unknown_channel": "Le salon « {channel} » est introuvable sur ce serveur.",
    "calendar.error.too_many_events": (
        "Discord limite un serveur à {limit} événements programmés et ce serveur en compte déjà "
        "{count} : rien n’a été ajouté. Supprimez des événements passés ou inutiles, "
        "puis réessayez."
    ),
    "calendar.error.bad_id": (
        "« {text} » n’est pas un numéro de rencontre ou d’échéance (ex. : r12, e4)."
    ),
    "calendar.error.nothing_to_change": "Aucun changement indiqué : rien n’a été modifié.",
    "calendar.delegation.name_required": "Donnez un nom à la délégation.",
    "calendar.delegation.exists": "La délégation « {name} » existe déjà.",
    "calendar.delegation.unknown": "Délégation « {name} » introuvable. Voyez `/delegation liste`.",
    "calendar.meeting.unknown": "Rencontre n° {id} introuvable.",
    "calendar.meeting.cancelled_already": "La rencontre « {title} » est annulée : rien à changer.",
    "calendar.meeting.over": "La rencontre « {title} » est déjà terminée.",
    "calendar.deadline.unknown": "Échéance n° {id} introuvable.",
    "calendar.deadline.cancelled_already": "L’échéance « {title} » est annulée : rien à changer.",
    # Reminders
    "calendar.reminder.meeting.content": "Rappel : **{title}** {relative}.",
    "calendar.reminder.meeting.late": (
        "Rappel en retard (Relais était arrêté à l’heure prévue) : **{title}** {relative}."
    ),
    "calendar.reminder.deadline.content": "Rappel d’échéance : **{title}** {relative}.",
    "calendar.reminder.deadline.late": (
        "Rappel d’échéance en retard (Relais était arrêté à l’heure prévue) : "
        "**{title}** {relative}."
    ),
    "calendar.reminder.deadline.today": "Échéance aujourd’hui : **{title}**, {time}.",
    "calendar.field.when": "Quand",
    "calendar.field.due": "Échéance",
    "calendar.field.period": "Période",
    "calendar.field.place": "Lieu",
    "calendar.field.link": "Lien de la rencontre",
    "calendar.field.preparatory": "Rencontre préparatoire",
    "calendar.field.debrief": "Rencontre de rétroaction",
    "calendar.field.delegations": "Délégation(s)",
    "calendar.field.notes": "Notes",
    "calendar.field.source": "Communication d’origine",
    "calendar.attendance.prompt": "Serez-vous présent·e ? Répondez avec les boutons.",
    "calendar.attendance.present": "Présent·e",
    "calendar.attendance.absent": "Absent·e",
    "calendar.attendance.uncertain": "Incertain·e",
    "calendar.attendance.recorded": "C’est noté : {status} pour « {title} » ({when}).",
    "calendar.attendance.closed": (
        "La rencontre « {title} » est passée ou annulée : réponse non enregistrée."
    ),
    "calendar.tally.title": "Présences — {title}",
    "calendar.tally.line": "{status} ({count}) : {names}",
    "calendar.tally.none": "personne",
    "calendar.tally.no_answer": "Sans réponse ({count}) : {names}",
    "calendar.tally.no_members": (
        "Personne n’est nommé pour {names} : « /delegation membres » permet de voir "
        "qui n’a pas répondu."
    ),
    # Announcements of changes
    "calendar.changed.meeting": "Changement : la rencontre **{title}** a été modifiée.",
    "calendar.changed.before": "Avant",
    "calendar.changed.after": "Maintenant",
    "calendar.cancelled.meeting": (
        "Annulation : la rencontre **{title}** prévue {when} est annulée."
    ),
    "calendar.changed.deadline": "Changement : l’échéance **{title}** a été modifiée.",
    "calendar.cancelled.deadline": (
        "Annulation : l’échéance **{title}** ({when}) est retirée du calendrier."
    ),
    # Listings
    "calendar.list.meetings.title": "Rencontres des {days} prochains jours",
    "calendar.list.meetings.title_delegation": (
        "Rencontres de « {delegation} » des {days} prochains jours"
    ),
    "calendar.list.deadlines.title": "Échéances des {days} prochains jours",
    "calendar.list.empty.meetings": "Aucune rencontre prévue dans les {days} prochains jours.",
    "calendar.list.empty.deadlines": "Aucune échéance dans les {days} prochains jours.",
    "calendar.list.week": "Semaine du {date}",
    "calendar.list.everyone": "tout le monde",
    "calendar.list.cancelled": "ANNULÉE",
    # Console summary (relais demo)
    "calendar.summary.meetings": "Rencontres à venir ({count}) :",
    "calendar.summary.deadlines": "Échéances à venir ({count}) :",
    "calendar.summary.none": "  (aucune)",
    "calendar.summary.prep": "préparatoire : {when}",
    # Staff commands
    "calendar.confirm.meeting": (
        "Vérifiez avant d’ajouter :\n**{title}**\nDébut : {start}\nFin : {end}\n"
        "Délégation(s) : {delegations}\nLieu : {place}"
    ),
    "calendar.confirm.deadline": (
        "Vérifiez avant d’ajouter :\n**{title}**\nÉchéance : {due}\nPériode depuis : {period}\n"
        "Pour : {delegation}"
    ),
    "calendar.confirm.cancel": ("Annuler « {title} » ({when}) ? La délégation sera prévenue."),
    "calendar.confirm.no": "Annuler",
    "calendar.confirm.aborted": "Rien n’a été ajouté.",
    "calendar.confirm.expired": "Délai dépassé : rien n’a été ajouté.",
    "calendar.added.meeting": (
        "Rencontre ajoutée (n° r{id}) : **{title}**, {when}. {reminders} rappel(s) programmé(s)."
    ),
    "calendar.added.deadline": (
        "Échéance ajoutée (n° e{id}) : **{title}**, {when}. {reminders} rappel(s) programmé(s)."
    ),
    "calendar.updated": "Modifié : **{title}**. La délégation est prévenue.",
    "calendar.cancelled": "Annulé : **{title}**. La délégation est prévenue.",
    "calendar.mirror.failed": "(L’événement Discord n’a pas pu être mis à jour : {error})",
    "calendar.ics.ready": "Calendrier des rencontres et échéances à venir ({count} éléments) :",
    "calendar.ics.name": "Relais — calendrier de la CTROC",
    "calendar.ics.deadline_prefix": "Échéance : ",
    "calendar.none": "—",
    "calendar.delegation.created": "Délégation « {name} » créée : rôle {role}, salon {channel}.",
    "calendar.delegation.members_set": (
        "Membres de « {name} » : {delegates} ; substituts : {substitutes}."
    ),
    "calendar.delegation.list.title": "Délégations",
    "calendar.delegation.list.empty": "Aucune délégation. Créez-en une avec `/delegation creer`.",
    "calendar.delegation.list.line": (
        "**{name}** — rôle {role}, salon {channel} ; délégué·e·s : {delegates} ; "
        "substituts : {substitutes}"
    ),
    # Proposals
    "calendar.proposal.title": "Dates à ajouter au calendrier ?",
    "calendar.proposal.intro": "« {title} » contient des dates à venir. Ajouter au calendrier ?",
    "calendar.proposal.line": "{number}. {when} — {label} ({kind})",
    "calendar.proposal.year_inferred": " · **année déduite** : vérifiez l’année",
    "calendar.proposal.kind.rencontre": "rencontre",
    "calendar.proposal.kind.echeance": "échéance",
    "calendar.proposal.kind.periode": "période",
    "calendar.proposal.button.meeting": "{number} : rencontre",
    "calendar.proposal.button.deadline": "{number} : échéance",
    "calendar.proposal.button.ignore": "{number} : ignorer",
    "calendar.proposal.unknown": "Proposition n° {id} introuvable.",
    "calendar.proposal.done": "Cette date a déjà été traitée ({status}).",
    "calendar.proposal.ignored": "Date ignorée : {label}.",
    "calendar.proposal.past": "Cette date est passée : rien n’a été ajouté.",
    "calendar.proposal.pick_delegation": "Pour quelle délégation ?",
    "calendar.proposal.everyone": "Tout le monde",
    "calendar.proposal.status.meeting": "ajoutée comme rencontre",
    "calendar.proposal.status.deadline": "ajoutée comme échéance",
    "calendar.proposal.status.ignored": "ignorée",
    # Discord command names and descriptions (French by default, English localisations)
    "calendar.cmd.rencontres": "rencontres",
    "calendar.cmd.rencontres.en": "meetings",
    "calendar.cmd.rencontres.desc": "Les prochaines rencontres, par semaine",
    "calendar.cmd.rencontres.desc.en": "Upcoming meetings, by week",
    "calendar.cmd.echeances": "echeances",
    "calendar.cmd.echeances.en": "deadlines",
    "calendar.cmd.echeances.desc": "Les prochaines échéances, par semaine",
    "calendar.cmd.echeances.desc.en": "Upcoming deadlines, by week",
    "calendar.opt.delegation": "delegation",
    "calendar.opt.delegation.en": "delegation",
    "calendar.opt.delegation.desc": "Seulement cette délégation",
    "calendar.opt.delegation.desc.en": "Only this delegation",
    "calendar.opt.jours": "jours",
    "calendar.opt.jours.en": "days",
    "calendar.opt.jours.desc": "Combien de jours à venir (30 par défaut)",
    "calendar.opt.jours.desc.en": "How many days ahead (30 by default)",
    "calendar.opt.partager": "partager",
    "calendar.opt.partager.en": "share",
    "calendar.opt.partager.desc": "Afficher la réponse à tout le salon",
    "calendar.opt.partager.desc.en": "Show the answer to the whole channel",
    "calendar.cmd.calendrier": "calendrier",
    "calendar.cmd.calendrier.en": "calendar",
    "calendar.cmd.calendrier.desc": "Gérer le calendrier (permanence)",
    "calendar.cmd.calendrier.desc.en": "Manage the calendar (staff)",
    "calendar.cmd.ajouter_rencontre": "ajouter-rencontre",
    "calendar.cmd.ajouter_rencontre.en": "add-meeting",
    "calendar.cmd.ajouter_rencontre.desc": "Ajouter une rencontre",
    "calendar.cmd.ajouter_rencontre.desc.en": "Add a meeting",
    "calendar.cmd.ajouter_echeance": "ajouter-echeance",
    "calendar.cmd.ajouter_echeance.en": "add-deadline",
    "calendar.cmd.ajouter_echeance.desc": "Ajouter une échéance",
    "calendar.cmd.ajouter_echeance.desc.en": "Add a deadline",
    "calendar.cmd.modifier": "modifier",
    "calendar.cmd.modifier.en": "edit",
    "calendar.cmd.modifier.desc": "Modifier une rencontre (r12) ou une échéance (e4)",
    "calendar.cmd.modifier.desc.en": "Edit a meeting (r12) or a deadline (e4)",
    "calendar.cmd.annuler": "annuler",
    "calendar.cmd.annuler.en": "cancel",
    "calendar.cmd.annuler.desc": "Annuler une rencontre (r12) ou une échéance (e4)",
    "calendar.cmd.annuler.desc.en": "Cancel a meeting (r12) or a deadline (e4)",
    "calendar.cmd.ics": "ics",
    "calendar.cmd.ics.en": "ics",
    "calendar.cmd.ics.desc": "Fichier .ics des rencontres et échéances à venir",
    "calendar.cmd.ics.desc.en": ".ics file of upcoming meetings and deadlines",
    "calendar.cmd.presences": "presences",
    "calendar.cmd.presences.en": "attendance",
    "calendar.cmd.presences.desc": "Qui sera présent·e à une rencontre",
    "calendar.cmd.presences.desc.en": "Who will attend a meeting",
    "calendar.opt.element": "element",
    "calendar.opt.element.en": "item",
    "calendar.opt.element.desc": "Numéro : r12 (rencontre) ou e4 (échéance)",
    "calendar.opt.element.desc.en": "Number: r12 (meeting) or e4 (deadline)",
    "calendar.opt.prepare": "prepare",
    "calendar.opt.prepare.en": "prepares",
    "calendar.opt.prepare.desc": "Cette rencontre prépare la rencontre… (ex. : r12)",
    "calendar.opt.prepare.desc.en": "This meeting prepares meeting… (e.g. r12)",
    "calendar.opt.retroaction": "retroaction",
    "calendar.opt.retroaction.en": "debriefs",
    "calendar.opt.retroaction.desc": "Cette rencontre fait la rétroaction de… (ex. : r12)",
    "calendar.opt.retroaction.desc.en": "This meeting debriefs meeting… (e.g. r12)",
    "calendar.cmd.delegation": "delegation",
    "calendar.cmd.delegation.en": "delegation",
    "calendar.cmd.delegation.desc": "Gérer les délégations (permanence)",
    "calendar.cmd.delegation.desc.en": "Manage delegations (staff)",
    "calendar.cmd.creer": "creer",
    "calendar.cmd.creer.en": "create",
    "calendar.cmd.creer.desc": "Créer une délégation (nom, rôle, salon)",
    "calendar.cmd.creer.desc.en": "Create a delegation (name, role, channel)",
    "calendar.cmd.membres": "membres",
    "calendar.cmd.membres.en": "members",
    "calendar.cmd.membres.desc": "Nommer les délégué·e·s et substituts",
    "calendar.cmd.membres.desc.en": "Name delegates and substitutes",
    "calendar.cmd.liste": "liste",
    "calendar.cmd.liste.en": "list",
    "calendar.cmd.liste.desc": "Lister les délégations",
    "calendar.cmd.liste.desc.en": "List delegations",
    "calendar.opt.nom": "nom",
    "calendar.opt.nom.en": "name",
    "calendar.opt.nom.desc": "Nom de la délégation",
    "calendar.opt.nom.desc.en": "Delegation name",
    "calendar.opt.role": "role",
    "calendar.opt.role.en": "role",
    "calendar.opt.role.desc": "Rôle Discord de la délégation (pingé par les rappels)",
    "calendar.opt.role.desc.en": "The delegation's Discord role (pinged by reminders)",
    "calendar.opt.salon": "salon",
    "calendar.opt.salon.en": "channel",
    "calendar.opt.salon.desc": "Salon des rappels de la délégation",
    "calendar.opt.salon.desc.en": "The delegation's reminder channel",
    "calendar.opt.delegues": "delegues",
    "calendar.opt.delegues.en": "delegates",
    "calendar.opt.delegues.desc": "Délégué·e·s : mentions ou noms séparés par des virgules",
    "calendar.opt.delegues.desc.en": "Delegates: mentions or comma-separated names",
    "calendar.opt.substituts": "substituts",
    "calendar.opt.substituts.en": "substitutes",
    "calendar.opt.substituts.desc": "Substituts : mentions ou noms séparés par des virgules",
    "calendar.opt.substituts.desc.en": "Substitutes: mentions or comma-separated names",
    # Modals
    "calendar.modal.meeting": "Nouvelle rencontre",
    "calendar.modal.deadline": "Nouvelle échéance",
    "calendar.modal.edit": "Modifier",
    "calendar.modal.title": "Titre",
    "calendar.modal.start": "Début (ex. : 14 septembre 9 h 30)",
    "calendar.modal.end": "Fin (ex. : 12 h, ou 14 septembre 12 h)",
    "calendar.modal.place": "Lieu ou lien de visioconférence",
    "calendar.modal.notes": "Notes",
    "calendar.modal.due": "Échéance (ex. : 15 octobre 17 h)",
    "calendar.modal.period": "Début de la période (facultatif)",
}
