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
    "calendar.confirm.recurrence": "Récurrence : {rule}.",
    "calendar.confirm.reminders": "Rappels de cette rencontre : {offsets}.",
    "calendar.opt.recurrence": "recurrence",
    "calendar.opt.recurrence.en": "recurrence",
    "calendar.opt.recurrence.desc": "« chaque semaine », « le 3e mardi du mois », « 10 fois »…",
    "calendar.opt.recurrence.desc.en": "“chaque semaine”, “le 3e mardi du mois”, “10 fois”…",
    "calendar.opt.rappels": "rappels",
    "calendar.opt.rappels.en": "reminders",
    "calendar.opt.rappels.desc": "Délais de rappel propres : « J-7, H-2 » (sinon ceux par défaut)",
    "calendar.opt.rappels.desc.en": "Own reminder lead times: “J-7, H-2” (else the defaults)",
    # Commands
    "calendar.cmd.voir": "voir",
    "calendar.cmd.voir.en": "view",
    "calendar.cmd.voir.desc": "Mes prochaines rencontres et échéances, puis tout ce qui est public",
    "calendar.cmd.voir.desc.en": "My next meetings and deadlines, then everything public",
    "calendar.cmd.abonnement": "abonnement",
    "calendar.cmd.abonnement.en": "subscribe",
    "calendar.cmd.abonnement.desc": "Liens d’abonnement à mes calendriers (Outlook, Google, Apple…)",
    "calendar.cmd.abonnement.desc.en": "Subscription links to my calendars (Outlook, Google, Apple…)",
    "calendar.cmd.deplacer": "deplacer",
    "calendar.cmd.deplacer.en": "move",
    "calendar.cmd.deplacer.desc": "Déplacer une seule rencontre d’une série (permanence)",
    "calendar.cmd.deplacer.desc.en": "Move one meeting of a series (staff)",
    "calendar.cmd.annuler_date": "annuler-date",
    "calendar.cmd.annuler_date.en": "cancel-date",
    "calendar.cmd.annuler_date.desc": "Annuler une seule rencontre d’une série (permanence)",
    "calendar.cmd.annuler_date.desc.en": "Cancel one meeting of a series (staff)",
    "calendar.cmd.flux": "flux",
    "calendar.cmd.flux.en": "feed",
    "calendar.cmd.flux.desc": "Renouveler ou révoquer le lien d’un calendrier (permanence)",
    "calendar.cmd.flux.desc.en": "Renew or revoke a calendar link (staff)",
    "calendar.cmd.rappels": "rappels",
    "calendar.cmd.rappels.en": "reminders",
    "calendar.cmd.rappels.desc": "Mes rappels personnels en message privé",
    "calendar.cmd.rappels.desc.en": "My personal reminders by direct message",
    "calendar.cmd.activer": "activer",
    "calendar.cmd.activer.en": "on",
    "calendar.cmd.activer.desc": "Recevoir mes rappels en message privé",
    "calendar.cmd.activer.desc.en": "Get my reminders by direct message",
    "calendar.cmd.desactiver": "desactiver",
    "calendar.cmd.desactiver.en": "off",
    "calendar.cmd.desactiver.desc": "Ne plus recevoir de rappels personnels",
    "calendar.cmd.desactiver.desc.en": "Stop personal reminders",
    "calendar.cmd.etat": "etat",
    "calendar.cmd.etat.en": "status",
    "calendar.cmd.etat.desc": "Mes rappels personnels : délais et délégations",
    "calendar.cmd.etat.desc.en": "My personal reminders: lead times and delegations",
    "calendar.cmd.aide": "aide",
    "calendar.cmd.aide.en": "help",
    "calendar.cmd.aide.desc": "Ce que je peux faire avec Relais",
    "calendar.cmd.aide.desc.en": "What I can do with Relais",
    "calendar.opt.date": "date",
    "calendar.opt.date.en": "date",
    "calendar.opt.date.desc": "Le jour de la rencontre visée : « 16 février »",
    "calendar.opt.date.desc.en": "The day of that meeting: “16 février”",
    "calendar.opt.nouvelle": "nouvelle",
    "calendar.opt.nouvelle.en": "new",
    "calendar.opt.nouvelle.desc": "Nouvelle date et heure : « 18 février 13 h »",
    "calendar.opt.nouvelle.desc.en": "New date and time: “18 février 13 h”",
    "calendar.opt.fin": "fin",
    "calendar.opt.fin.en": "end",
    "calendar.opt.fin.desc": "Nouvelle fin (sinon, même durée) : « 15 h »",
    "calendar.opt.fin.desc.en": "New end (else the same length): “15 h”",
    "calendar.opt.delais": "delais",
    "calendar.opt.delais.en": "lead-times",
    "calendar.opt.delais.desc": "Quand me rappeler : « J-1, H-2 » (la veille, 2 h avant)",
    "calendar.opt.delais.desc.en": "When to remind me: “J-1, H-2”",
    "calendar.opt.action": "action",
    "calendar.opt.action.en": "action",
    "calendar.opt.action.desc": "Renouveler (nouveau lien, l’ancien cesse) ou révoquer",
    "calendar.opt.action.desc.en": "Renew (new link, old one stops) or revoke",
    "calendar.opt.flux_delegation.desc": "La délégation (sinon le calendrier public)",
    "calendar.opt.flux_delegation.desc.en": "The delegation (else the public calendar)",
    "calendar.flux.renew": "Renouveler le lien",
    "calendar.flux.renew.en": "Renew the link",
    "calendar.flux.revoke": "Révoquer le lien",
    "calendar.flux.revoke.en": "Revoke the link",
    "calendar.flux.confirm": (
        "Calendrier « {name} » : l’ancien lien cessera de fonctionner pour tous ceux qui s’y "
        "sont abonnés."
    ),
    "calendar.flux.renewed": "Nouveau lien du calendrier « {name} » : <{url}> (l’ancien ne marche plus).",
    "calendar.flux.revoked": "Lien du calendrier « {name} » révoqué ({count} lien(s) désactivé(s)).",
    # /calendrier voir and lists
    "calendar.agenda.title": "Calendrier des {days} prochains jours",
    "calendar.agenda.mine": "Mes délégations : {names}",
    "calendar.agenda.public": "Tout ce qui est public",
    "calendar.agenda.none": "Rien de prévu.",
    "calendar.list.moved": "(déplacée)",
    "calendar.autocomplete.series": "série",
    "calendar.page": "Page {page} sur {pages}",
    "calendar.page.previous": "◀ Précédente",
    "calendar.page.next": "Suivante ▶",
    # /calendrier abonnement
    "calendar.feed.off": (
        "Les abonnements aux calendriers ne sont pas activés sur ce serveur (l’administrateur "
        "règle `[web] listen` et `public_url` dans relais.toml)."
    ),
    "calendar.feed.intro": (
        "Vos calendriers, toujours à jour (liens personnels à ne pas partager hors de la "
        "délégation) :"
    ),
    "calendar.feed.howto": (
        "Ajoutez un lien dans votre agenda : Outlook « Ajouter un calendrier → À partir "
        "d’Internet », Google Agenda « Autres agendas → À partir de l’URL », Apple « Fichier → "
        "Nouvel abonnement »."
    ),
    # Moves and single cancellations
    "calendar.confirm.move_summary": (
        "Déplacer la rencontre « {title} » du {date} au {when} ? Les autres rencontres de la "
        "série ne changent pas ; la délégation sera prévenue."
    ),
    "calendar.confirm.cancel_one_summary": (
        "Annuler la rencontre « {title} » du {date} seulement ? Les autres rencontres de la "
        "série restent prévues ; la délégation sera prévenue."
    ),
    "calendar.moved": "Déplacée : **{title}**, maintenant le {when}. La délégation est prévenue.",
    # /rappels
    "calendar.dm.on": (
        "Rappels personnels activés ({offsets}) pour : {names}. Je vous écrirai en message "
        "privé ; `/rappels desactiver` pour arrêter."
    ),
    "calendar.dm.off": "Rappels personnels désactivés.",
    "calendar.dm.off_already": "Vos rappels personnels étaient déjà désactivés.",
    "calendar.dm.state_off": "Rappels personnels : désactivés (`/rappels activer` pour les recevoir).",
    "calendar.dm.state_closed": (
        "Rappels personnels : suspendus, vos messages privés étaient fermés. Ouvrez-les puis "
        "relancez `/rappels activer`."
    ),
    "calendar.dm.state_on": "Rappels personnels : {offsets}, pour {names}.",
    # /aide
    "help.title": "**Ce que vous pouvez faire avec Relais**",
    "help.members": (
        "__Tout le monde__\n"
        "• `/calendrier voir` : les prochaines rencontres et échéances de vos délégations, "
        "puis tout ce qui est public (pages ◀ ▶).\n"
        "• `/calendrier abonnement` : vos liens d’abonnement, pour voir le calendrier dans "
        "Outlook, Google Agenda ou votre téléphone.\n"
        "• `/rappels activer [delais]` : vos propres rappels en message privé (« J-1, H-2 ») ; "
        "`/rappels etat`, `/rappels desactiver`.\n"
        "• `/rencontres`, `/echeances` : les listes par semaine.\n"
        "• Boutons Présent·e / Absent·e / Incertain·e sous les annonces et rappels.\n"
        "• `/recherche` : retrouver une communication ; `/aide` : ce message."
    ),
    "help.staff": (
        "__Permanence__\n"
        "• `/calendrier ajouter-rencontre [recurrence] [rappels]`, `ajouter-echeance`, "
        "`modifier`, `annuler`, `presences`, `ics` (numéros proposés pendant la frappe).\n"
        "• `/calendrier deplacer` et `annuler-date` : une seule rencontre d’une série.\n"
        "• `/calendrier flux` : renouveler ou révoquer un lien d’abonnement.\n"
        "• `/delegation creer|membres|liste` ; `/annonce` ; `/flux` (sources) ; `/relais etat`."
    ),
    "help.not_staff": (
        "Les commandes de gestion sont réservées au rôle « {role} » : elles vous sont "
        "refusées à l’usage même si Discord les affiche."
    ),
    "check.staff_visibility": (
        "Commandes de la permanence : visibles de tous les membres, exécutées seulement pour le "
        "rôle « {staff} » (ou un administrateur). Rien à faire pour qu’elles marchent ; pour "
        "les masquer aux autres membres : Paramètres du serveur → Intégrations → Relais → "
        "chaque commande → retirer @everyone et ajouter « {staff} »."
    ),
    # Confirmations of other features' destructive commands (bot.discord.confirm)
    "announcements.confirm.cancel": (
        "Annuler l’annonce n° {id} « {title} » ? Elle ne sera pas publiée."
    ),
    "announcements.confirm.cancel_button": "Annuler l’annonce",
    "feeds.confirm.remove": (
        "Retirer le flux « {name} » ? Relais ne le lira plus ; ce qui a déjà été publié reste."
    ),
    "feeds.confirm.remove_button": "Retirer le flux",
    "render.past": "(passée)",
    "calendar.opt.presences_date.desc": (
        "Pour une série : le jour de la rencontre (sinon la prochaine)"
    ),
    "calendar.opt.presences_date.desc.en": "For a series: the meeting's day (else the next)",
}
