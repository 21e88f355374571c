"""French messages of the core: outbox, CLI, configuration, rendering."""

MESSAGES: dict[str, str] = {
    "outbox.set_aside.title": "Publication mise de côté",
    "outbox.set_aside.body": (
        "La publication n° {id} ({kind}) pour le salon « {channel} » a échoué à répétition "
        "et a été mise de côté. Dernière erreur : {error}\n"
        "Elle n’est pas perdue : `/relais etat` la liste."
    ),
    "render.dates_to_remember": "Dates à retenir",
    "render.summary": "Résumé",
    "render.source": "Source",
    "render.sender": "Expéditeur",
    "render.published": "Date",
    "render.categories": "Catégories",
    "render.attachment_too_big": "Trop volumineux pour Discord, conservé par Relais : {names}.",
    "render.take_button": "Pris en charge",
    "render.source.inbox": "Boîte de dépôt",
    "render.source.upload": "Téléversé par {who}",
    "render.attachments": "Pièces jointes",
    "render.no_summary": "(aucun texte à résumer)",
    "render.analysis_timeout": (
        "(Document trop long ou trop complexe pour être résumé à temps : lisez l'original "
        "joint. Les dates à retenir n'ont pas été relevées.)"
    ),
    "render.truncated": "… (suite dans le document original)",
    "cli.console_mode": (
        "Relais démarre sans jeton Discord : base SQLite {db}, sources de démonstration, "
        "publications affichées dans ce terminal."
    ),
    "cli.discord_mode": "Relais démarre et se connecte à Discord (serveur {guild}).",
    "cli.demo.header": "Démonstration de Relais : un passage sur les sources de démonstration.",
    "cli.demo.done": "Démonstration terminée : {count} publication(s) affichée(s).",
    "cli.check.ok": "Configuration valide.",
    "cli.check.error": "La configuration contient des erreurs :",
    "cli.check.report": (
        "Fichier de configuration : {config}\n"
        "Base de données : {db}\n"
        "Dossier de dépôt : {inbox}\n"
        "Mode : {mode}\n"
        "Salons : {channels}\n"
        "Rôle de la permanence : {staff}\n"
        "Fuseau horaire : {tz}"
    ),
    "cli.mode.console": "console (aucun jeton Discord)",
    "cli.mode.discord": "Discord",
    "cli.stopping": "Arrêt de Relais…",
    # --- Discord adapter (helper "discord": keys "discord." and "admin.") ---
    # One refusal per kind of interaction a member may try on a staff-only feature.
    "discord.error.not_staff.command": (
        "Cette commande est réservée à la permanence (rôle « {role} »)."
    ),
    "discord.error.not_staff.button": "Ce bouton est réservé à la permanence (rôle « {role} »).",
    "discord.error.not_staff.select": "Ce choix est réservé à la permanence (rôle « {role} »).",
    "discord.error.not_yours": "Seule la personne qui a lancé la commande peut répondre ici.",
    "discord.view.expired": "Délai dépassé : rien n’a été fait.",
    "discord.confirm.yes": "Confirmer",
    "discord.confirm.no": "Annuler",
    "discord.confirm.aborted": "Annulé : rien n’a été fait.",
    "discord.error.permissions": "Vous n’avez pas les permissions nécessaires pour cette commande.",
    "discord.error.guild_only": "Cette commande ne fonctionne que dans le serveur de la CTROC.",
    "discord.error.cooldown": "Doucement ! Réessayez dans {seconds} s.",
    "discord.error.bad_value": "Valeur invalide : « {value} ».",
    "discord.error.check": "Vous ne pouvez pas utiliser cette commande ici.",
    "discord.error.outdated": (
        "Cette commande a changé depuis le dernier démarrage de Relais. "
        "Patientez une minute, puis réessayez."
    ),
    "discord.error.internal": (
        "Oups, une erreur interne est survenue. Rien n’est perdu ; la permanence peut "
        "consulter le journal de Relais."
    ),
    "discord.button.unknown": "Ce bouton n’est plus actif.",
    "discord.login_failed": (
        "Discord refuse le jeton DISCORD_TOKEN : vérifiez-le dans .env (Portail des "
        "développeurs Discord → votre application → Bot → Reset Token)."
    ),
    "discord.publish.no_guild": "Relais n’est pas (encore) membre du serveur configuré.",
    "discord.publish.no_channel": (
        "Salon « {target} » (clé « {key} ») introuvable : la publication attend qu’il soit "
        "créé ou configuré dans relais.toml [channels]."
    ),
    "discord.publish.forbidden": (
        "Relais n’a pas accès au salon de la clé « {key} » ({error}) : la publication attend "
        "que ses permissions soient corrigées."
    ),
    "admin.cmd.relais": "relais",
    "admin.cmd.relais.en": "relais",
    "admin.cmd.relais.desc": "Administration de Relais",
    "admin.cmd.relais.desc.en": "Relais administration",
    "admin.cmd.etat": "etat",
    "admin.cmd.etat.en": "status",
    "admin.cmd.etat.desc": "État de Relais : version, durée de fonctionnement, file d’envoi",
    "admin.cmd.etat.desc.en": "Relais status: version, uptime, outbox backlog",
    "admin.status.title": "État de Relais",
    "admin.status.version": "Version",
    "admin.status.uptime": "En marche depuis",
    "admin.status.uptime_value": "{uptime} (depuis {since})",
    "admin.status.backlog": "File d’envoi",
    "admin.status.backlog_value": (
        "{pending} publication(s) en attente, dont {waiting} en attente d’un salon ; "
        "{sent} envoyée(s) au total"
    ),
    "admin.status.set_aside": "Mises de côté ({count})",
    "admin.status.set_aside_none": "Aucune publication mise de côté.",
    "admin.status.set_aside_row": "n° {id} · {kind} · « {channel} » · {created} — {error}",
    "admin.status.set_aside_more": "… et {count} autre(s).",
    "admin.status.set_aside_hint": "Pour les renvoyer : `/relais reprendre` (tous, ou un numéro).",
    "admin.cmd.reprendre": "reprendre",
    "admin.cmd.reprendre.en": "retry",
    "admin.cmd.reprendre.desc": "Renvoyer les publications mises de côté (ou une seule)",
    "admin.cmd.reprendre.desc.en": "Send set-aside posts again (or only one)",
    "admin.opt.numero": "numero",
    "admin.opt.numero.en": "number",
    "admin.opt.numero.desc": "Numéro de la publication (voir /relais etat) ; sans numéro : toutes",
    "admin.opt.numero.desc.en": "Number of the post (see /relais status); none: all of them",
    "admin.retry.one": "La publication n° {id} est remise dans la file d’envoi.",
    "admin.retry.all": "{count} publication(s) remise(s) dans la file d’envoi.",
    "admin.retry.none": "Aucune publication n’est mise de côté.",
    "admin.retry.unknown": "La publication n° {id} n’est pas mise de côté.",
    "admin.status.failed_cogs": "Modules non chargés (voir le journal)",
    "admin.uptime.days": "{days} j {hours} h {minutes} min",
    "admin.uptime.hours": "{hours} h {minutes} min",
    "admin.uptime.minutes": "{minutes} min",
}
