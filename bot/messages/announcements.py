"""French messages of the announcements feature (announcements, digest, search, follow-up)."""

MESSAGES: dict[str, str] = {
    # -- refusals ---------------------------------------------------------------------------
    "announcements.error.unknown_channel": (
        "Salon « {channel} » inconnu de Relais. Salons configurés : {known}."
    ),
    "announcements.error.no_title": "L’annonce n’a pas de titre.",
    "announcements.error.title_too_long": (
        "Le titre compte {length} caractères ; Discord en accepte au plus {limit}."
    ),
    "announcements.error.no_body": "Le texte de l’annonce est vide.",
    "announcements.error.no_channel": "Choisissez au moins un salon où publier l’annonce.",
    "announcements.error.role_and_no_role": (
        "Choisissez un rôle ou « sans_role », pas les deux : rien n’a été modifié."
    ),
    "announcements.error.everyone_as_role": (
        "Pour mentionner tout le monde, cochez l’option prévue à cet effet "
        "plutôt que d’indiquer @everyone ou @here comme rôle."
    ),
    "announcements.error.line_too_long": (
        "Un passage du texte compte {length} caractères sans fin de phrase ni retour à la "
        "ligne où le couper, plus que les {limit} qu’un message Discord peut afficher : "
        "ajoutez des retours à la ligne (il commence par « {excerpt} »). Rien n’a été publié."
    ),
    "announcements.error.too_many_parts": (
        "Le texte demanderait {parts} messages (au plus {limit}) : raccourcissez-le. "
        "Rien n’a été publié."
    ),
    "announcements.error.past": (
        "Cette date est déjà passée : choisissez un moment à venir. Rien n’a été planifié."
    ),
    "announcements.error.not_found": "Aucune annonce n° {id}.",
    "announcements.error.not_scheduled": (
        "L’annonce n° {id} n’est plus planifiée (elle est {status}) : rien n’a été modifié."
    ),
    "announcements.error.cannot_post": (
        "Relais ne peut pas publier dans le salon « {channel} » ({reason}). "
        "Rien n’a été publié."
    ),
    "announcements.error.unknown_role": (
        "Rôle « {role} » introuvable sur le serveur : personne ne serait averti. "
        "Rien n’a été publié."
    ),
    "announcements.error.cannot_mention_everyone": (
        "Relais n’a pas la permission « Mentionner @everyone » dans le salon « {channel} » : "
        "la mention n’avertirait personne. Décochez l’option ou demandez cette permission. "
        "Rien n’a été publié."
    ),
    "announcements.error.role_not_mentionable": (
        "Le rôle « {role} » n’est pas mentionnable et Relais n’a pas la permission de le "
        "mentionner dans le salon « {channel} ». Rien n’a été publié."
    ),
    "announcements.error.channel_missing": "salon introuvable sur le serveur",
    "announcements.error.no_permission": "permission « Envoyer des messages » ou "
    "« Intégrer des liens » manquante",
    "announcements.status.scheduled": "planifiée",
    "announcements.status.sent": "déjà publiée",
    "announcements.status.cancelled": "annulée",
    "announcements.config.bad_cron": (
        "relais.toml, [digest] cron = « {cron} » : expression cron invalide ({error}). "
        "Exemple : « 0 8 * * mon » (lundi 8 h)."
    ),
    "announcements.config.unknown_digest_channel": (
        "relais.toml, [digest] channel = « {channel} » : ce salon n’est pas dans [channels] "
        "({known})."
    ),
    "announcements.describe.header": "Annonces planifiées ({count}) :",
    "announcements.describe.line": "  - {when} : {title} ({channels})",
    # -- posts ------------------------------------------------------------------------------
    "announcements.post.part": "{n}/{total}",
    "announcements.post.author": "Annonce de {name}",
    # -- announcement files -----------------------------------------------------------------
    "announcements.file.no_header": (
        "Le fichier ne commence pas par un en-tête entre deux lignes « --- » "
        "(titre, canaux, role, quand)."
    ),
    "announcements.file.unclosed_header": "L’en-tête n’est pas refermé par une ligne « --- ».",
    "announcements.file.bad_line": (
        "Ligne {line} de l’en-tête illisible : « {text} » (attendu « clé: valeur »)."
    ),
    "announcements.file.unknown_key": (
        "Clé « {key} » inconnue à la ligne {line} de l’en-tête (clés possibles : {known})."
    ),
    "announcements.file.duplicate_key": "La clé « {key} » apparaît deux fois dans l’en-tête.",
    "announcements.file.no_channels": (
        "L’en-tête ne dit pas où publier : ajoutez une ligne « canaux: general » par exemple."
    ),
    "announcements.file.bad_everyone": (
        "« tout_le_monde » vaut « {value} » : attendu « oui » ou « non »."
    ),
    "announcements.file.bad_suffix": (
        "Seuls les fichiers Markdown (.md) ou texte (.txt) sont des annonces ; "
        "« {suffix} » n’en est pas un."
    ),
    "announcements.file.too_big": (
        "Le fichier pèse {size} octets ; une annonce en compte au plus {limit}."
    ),
    "announcements.file.actor": "fichier {name}",
    "announcements.file.error_note": (
        "Relais n’a pas publié l’annonce « {name} » ({when}).\n\n"
        "Raison : {reason}\n\n"
        "Corrigez le fichier puis déposez-le de nouveau dans inbox/annonces/."
    ),
    "announcements.file.staff_title": "Annonce refusée : {name}",
    "announcements.file.staff_body": (
        "Le fichier « {name} » n’a pas été publié : {reason}\n"
        "Il a été mis de côté dans {where}, avec la raison à côté."
    ),
    # -- digest -----------------------------------------------------------------------------
    "announcements.digest.title": "Résumé de la semaine ({start} → {end})",
    "announcements.digest.section.communications": "**Communications de la semaine ({count})**",
    "announcements.digest.section.events": "**Rencontres et échéances des 14 prochains jours**",
    "announcements.digest.section.untaken": "**À prendre en charge ({count})**",
    "announcements.digest.more": "… et {count} autre(s) : `/rechercher` les retrouve.",
    "announcements.digest.meeting": "Rencontre",
    "announcements.digest.deadline": "Échéance",
    # -- follow-up --------------------------------------------------------------------------
    "announcements.follow.label": "Pris en charge",
    "announcements.follow.taken_line": "Pris en charge par {name}, {when}",
    "announcements.follow.taken_label": "Pris en charge par {name}",
    "announcements.follow.done": "C’est noté : vous prenez en charge cette communication.",
    "announcements.follow.already": "Déjà pris en charge par {name}, {when}.",
    "announcements.follow.unknown": "Cette communication n’existe plus dans Relais.",
    "announcements.follow.field": "Suivi",
    # -- search -----------------------------------------------------------------------------
    "announcements.search.empty_query": (
        "Indiquez au moins un mot à chercher (les guillemets, astérisques, parenthèses et "
        "opérateurs comme NEAR sont ignorés)."
    ),
    "announcements.search.none": "Aucune communication ne contient « {query} ».",
    "announcements.search.header": "Résultats pour « {query} » ({count}) :",
    "announcements.search.relaxed": (
        "Aucune communication ne contient tous ces mots ; voici celles qui en contiennent "
        "au moins un."
    ),
    "announcements.search.line": "**{n}.** {title} — {date} — {source}",
    # -- commands (names and descriptions; «.en» = English localisation) -------------------
    "announcements.cmd.group": "annonce",
    "announcements.cmd.group.en": "announcement",
    "announcements.cmd.group.desc": "Annonces de la permanence",
    "announcements.cmd.group.desc.en": "Staff announcements",
    "announcements.cmd.publish": "publier",
    "announcements.cmd.publish.en": "publish",
    "announcements.cmd.publish.desc": "Publier une annonce maintenant",
    "announcements.cmd.publish.desc.en": "Publish an announcement now",
    "announcements.cmd.schedule": "planifier",
    "announcements.cmd.schedule.en": "schedule",
    "announcements.cmd.schedule.desc": "Planifier une annonce (date et heure en français)",
    "announcements.cmd.schedule.desc.en": "Schedule an announcement (French date and time)",
    "announcements.cmd.list": "liste",
    "announcements.cmd.list.en": "list",
    "announcements.cmd.list.desc": "Annonces planifiées",
    "announcements.cmd.list.desc.en": "Scheduled announcements",
    "announcements.cmd.modify": "modifier",
    "announcements.cmd.modify.en": "edit",
    "announcements.cmd.modify.desc": "Modifier une annonce planifiée",
    "announcements.cmd.modify.desc.en": "Edit a scheduled announcement",
    "announcements.cmd.cancel": "annuler",
    "announcements.cmd.cancel.en": "cancel",
    "announcements.cmd.cancel.desc": "Annuler une annonce planifiée",
    "announcements.cmd.cancel.desc.en": "Cancel a scheduled announcement",
    "announcements.cmd.history": "historique",
    "announcements.cmd.history.en": "history",
    "announcements.cmd.history.desc": "Qui a publié ou planifié quoi, et quand",
    "announcements.cmd.history.desc.en": "Who posted or scheduled what, and when",
    "announcements.cmd.search": "rechercher",
    "announcements.cmd.search.en": "search",
    "announcements.cmd.search.desc": "Chercher dans les communications relayées",
    "announcements.cmd.search.desc.en": "Search relayed communications",
    "announcements.param.channels": "salons",
    "announcements.param.channels.en": "channels",
    "announcements.param.channels.desc": "Salons, séparés par des virgules (ex. general, psoc)",
    "announcements.param.channels.desc.en": "Channels, comma separated (e.g. general, psoc)",
    "announcements.param.role": "role",
    "announcements.param.role.en": "role",
    "announcements.param.role.desc": "Rôle à mentionner (facultatif)",
    "announcements.param.role.desc.en": "Role to mention (optional)",
    "announcements.param.everyone": "tout_le_monde",
    "announcements.param.everyone.en": "everyone",
    "announcements.param.everyone.desc": "Mentionner @everyone (non par défaut)",
    "announcements.param.everyone.desc.en": "Mention @everyone (off by default)",
    "announcements.param.no_role": "sans_role",
    "announcements.param.no_role.en": "no_role",
    "announcements.param.no_role.desc": "Ne plus mentionner de rôle",
    "announcements.param.no_role.desc.en": "Stop mentioning a role",
    "announcements.param.everyone_edit.desc": (
        "Mentionner @everyone (oui) ou plus (non) ; vide : inchangé"
    ),
    "announcements.param.everyone_edit.desc.en": "Mention @everyone (yes) or not (no); empty: unchanged",
    "announcements.param.role_edit.desc": "Nouveau rôle à mentionner ; vide : inchangé",
    "announcements.param.role_edit.desc.en": "New role to mention; empty: unchanged",
    "announcements.param.when": "quand",
    "announcements.param.when.en": "when",
    "announcements.param.when.desc": "Date et heure, ex. « 14 septembre 9 h 30 », « demain 8 h »",
    "announcements.param.when.desc.en": "Date and time in French, e.g. « demain 8 h »",
    "announcements.param.id": "numero",
    "announcements.param.id.en": "number",
    "announcements.param.id.desc": "Numéro de l’annonce (voir /annonce liste)",
    "announcements.param.id.desc.en": "Announcement number (see /annonce liste)",
    "announcements.param.text": "texte",
    "announcements.param.text.en": "text",
    "announcements.param.text.desc": "Mots à chercher, avec ou sans accents",
    "announcements.param.text.desc.en": "Words to search, with or without accents",
    "announcements.param.source": "source",
    "announcements.param.source.en": "source",
    "announcements.param.source.desc": "Limiter à une source (flux, dossier…)",
    "announcements.param.source.desc.en": "Only this source (feed, folder…)",
    "announcements.param.since": "depuis",
    "announcements.param.since.en": "since",
    "announcements.param.since.desc": "Depuis une date, ex. « 1er janvier 2024 »",
    "announcements.param.since.desc.en": "Since a date, e.g. « 1er janvier 2024 »",
    # -- interactions -----------------------------------------------------------------------
    "announcements.modal.title": "Nouvelle annonce",
    "announcements.modal.edit_title": "Modifier l’annonce n° {id}",
    "announcements.modal.field_title": "Titre",
    "announcements.modal.field_body": "Texte (Markdown Discord)",
    "announcements.preview.header": (
        "Aperçu — publication dans {channels}{ping}. Confirmer ?"
    ),
    "announcements.preview.header_scheduled": (
        "Aperçu — publication le {when} ({relative}) dans {channels}{ping}. Confirmer ?"
    ),
    "announcements.preview.ping_roles": ", en mentionnant {roles}",
    "announcements.preview.ping_everyone": ", en mentionnant @everyone",
    "announcements.preview.parts": "Le texte sera publié en {parts} messages par salon.",
    "announcements.button.confirm": "Confirmer",
    "announcements.button.cancel": "Annuler",
    "announcements.done.published": "Annonce n° {id} publiée dans {channels}.",
    "announcements.done.scheduled": "Annonce n° {id} planifiée pour le {when} ({relative}).",
    "announcements.done.modified": "Annonce n° {id} modifiée : publication le {when} ({relative}).",
    "announcements.done.cancelled": "Annonce n° {id} annulée : elle ne sera pas publiée.",
    "announcements.done.aborted": "Annulé : rien n’a été publié.",
    "announcements.done.timeout": "Aperçu expiré : rien n’a été publié.",
    "announcements.list.empty": "Aucune annonce planifiée.",
    "announcements.list.header": "Annonces planifiées :",
    "announcements.list.line": "**n° {id}** — {title} — {when} ({relative}) — {channels} — par {author}",
    "announcements.history.empty": "Aucune annonce pour l’instant.",
    "announcements.history.header": "Historique des annonces (les plus récentes d’abord) :",
    "announcements.history.line": "{when} — **{actor}** {action} l’annonce n° {id} « {title} »",
    "announcements.history.published": "a publié",
    "announcements.history.scheduled": "a planifié",
    "announcements.history.modified": "a modifié",
    "announcements.history.cancelled": "a annulé",
    "announcements.history.sent": "a envoyé",
    "announcements.history.detail.channels": " dans {channels}",
    "announcements.history.detail.due": " pour le {when}",
    "announcements.history.detail.changed": " ({changes})",
    "announcements.history.change.title": "titre",
    "announcements.history.change.body": "texte",
    "announcements.history.change.channels": "salons",
    "announcements.history.change.roles": "rôle mentionné",
    "announcements.history.change.everyone": "mention @everyone",
    "announcements.history.change.due_at": "heure",
    "announcements.history.change.none": "rien de changé",
}
