"""Deployment: web listener, `relais check --discord`, `relais invite`, health."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "web.bind_failed": (
        "Relais n’a pas pu ouvrir l’adresse web {listen} ({error}) : /sante, /metrics et les "
        "calendriers ne répondent pas, le reste fonctionne. Libérez ce port ou choisissez-en un "
        "autre avec RELAIS_WEB_LISTEN (ou [web] listen dans config/relais.toml ; \"off\" le désactive)."
    ),
}
MESSAGES.update(
    {
        "health.problem.database": "La base de données n’accepte pas d’écriture ({error}) : vérifiez l’espace disque et les droits du dossier data/.",
        "health.problem.gateway": "Relais n’est pas connecté à Discord (passerelle) : il se reconnecte seul ; vérifiez le réseau si cela dure.",
        "health.problem.outbox": "La boîte d’envoi a une publication due depuis {minutes} min : voyez le journal (permissions du salon, Discord indisponible).",
    }
)
# `relais check --discord`: each problem says how to fix it (README « Dépannage » lists them).
MESSAGES.update(
    {
        "preflight.header": "Vérification auprès de Discord ({base}) :",
        "preflight.no_token": (
            "Aucun jeton Discord : renseignez DISCORD_TOKEN dans .env (portail des développeurs "
            "Discord → votre application → Bot → Reset Token)."
        ),
        "preflight.bad_token": (
            "Discord refuse le jeton DISCORD_TOKEN (401) : régénérez-le (portail des développeurs "
            "→ Bot → Reset Token) et copiez-le en entier dans .env, sans guillemets ni espace."
        ),
        "preflight.token_format": (
            "Le jeton DISCORD_TOKEN n’a pas la forme d’un jeton de bot (trois parties séparées "
            "par des points) : copiez-le de nouveau depuis le portail (Bot → Reset Token), ou "
            "donnez l’identifiant de l’application avec --application-id."
        ),
        "preflight.unreachable": (
            "Discord est injoignable ({base} : {error}) : vérifiez la connexion Internet, le "
            "pare-feu ou le mandataire de cette machine, puis relancez la vérification."
        ),
        "preflight.http": "Discord a répondu {status} pour {what} : réessayez dans quelques minutes.",
        "preflight.token_ok": "Jeton accepté : le bot est « {name} » (id {id}).",
        "preflight.no_guild_id": (
            "DISCORD_GUILD_ID est vide : sans lui, aucune commande / n’est enregistrée. Activez "
            "le mode développeur de Discord (Paramètres → Avancés), faites un clic droit sur le "
            "serveur → « Copier l’identifiant du serveur » et mettez-le dans .env. Lien "
            "d’invitation du bot : {invite}"
        ),
        "preflight.unknown_guild": (
            "Le serveur {guild} est inconnu ou Relais n’en est pas membre : vérifiez "
            "DISCORD_GUILD_ID (clic droit sur le serveur → « Copier l’identifiant du serveur ») "
            "et invitez le bot avec ce lien : {invite}"
        ),
        "preflight.guild_ok": "Serveur « {name} » ({id}) : Relais en est membre.",
        "preflight.missing_role": (
            "Rôle « {role} » introuvable sur le serveur ({purpose}) : créez-le (Paramètres du "
            "serveur → Rôles) ou corrigez son nom dans la configuration."
        ),
        "preflight.role.staff": "rôle de la permanence, [relais] staff_role de relais.toml",
        "preflight.role.feed": "mentionné par le flux « {feed} », feeds.toml",
        "preflight.role.delegation": "délégation « {name} », calendar.toml",
        "preflight.guild.events": "miroir du calendrier en événements Discord, [calendar] mirror_scheduled_events",
        "preflight.guild_permission": (
            "Relais n’a pas la permission {permission} sur le serveur ({purpose}) : donnez-la "
            "au rôle du bot (Paramètres du serveur → Rôles), ou mettez "
            "mirror_scheduled_events = false dans relais.toml."
        ),
        "preflight.missing_channel": (
            "Salon « {target} » introuvable (utilisé par : {used_by}) : créez-le, ou corrigez "
            "[channels] dans relais.toml (nom exact ou identifiant du salon)."
        ),
        "preflight.channel_permissions": (
            "Dans #{channel}, il manque à Relais : {permissions} (utilisé par : {used_by}) : "
            "modifiez le salon → Permissions → ajoutez le rôle du bot et accordez-les."
        ),
        "preflight.cannot_ping": (
            "Relais ne peut pas mentionner le rôle « {role} » dans #{channel} : rendez le rôle "
            "mentionnable (Paramètres du serveur → Rôles → « Permettre à tous de mentionner ce "
            "rôle »), ou accordez au bot « Mentionner @everyone, @here et tous les rôles » dans ce salon."
        ),
        "preflight.no_everyone": (
            "Dans #{channel}, Relais ne peut pas mentionner @everyone : les annonces « "
            "tout_le_monde » y seront refusées (accordez « Mentionner @everyone » si vous en avez besoin)."
        ),
        "preflight.channels_ok": "{count} salon(s) sur {total} trouvés avec les permissions nécessaires.",
        "preflight.config_unreadable": "Configuration illisible, vérification partielle : {detail}",
        "preflight.ok": "Discord : tout ce que Relais utilise est en place.",
        "preflight.blocking": "Discord : à corriger avant de lancer Relais (voir ci-dessus).",
        "invite.header": "Lien d’invitation de Relais (portées « bot applications.commands », permissions {permissions}) :",
        "invite.permissions": "Permissions demandées : {names}.",
        "invite.no_id": (
            "Donnez l’identifiant de l’application (--application-id, portail des développeurs "
            "→ General Information → Application ID) ou renseignez DISCORD_TOKEN."
        ),
        "sante.ok": "Relais est en bonne santé ({url}).",
        "sante.bad": "Relais ne va pas bien ({url}, code {status}) :",
        "sante.off": "L’adresse web est désactivée ([web] listen = \"off\") : rien à interroger.",
        "sante.unreachable": (
            "Relais ne répond pas sur {url} ({error}) : est-il lancé ? L’adresse est-elle celle de "
            "[web] listen / RELAIS_WEB_LISTEN ?"
        ),
        "cli.data_unwritable": (
            "Le dossier de données {folder} n’est pas accessible en écriture ({error}) : donnez-en "
            "les droits à l’utilisateur qui lance Relais (p. ex. chown), ou choisissez un autre "
            "fichier avec RELAIS_DATABASE."
        ),
        "cli.inbox_unwritable": (
            "Le dossier de dépôt {folder} n’est pas accessible en écriture ({error}) : Relais doit y "
            "ranger les fichiers traités ; corrigez les droits ou RELAIS_INBOX."
        ),
        "cli.discord_unreachable_retry": (
            "Discord est injoignable ({error}) : nouvel essai dans {seconds} s. Rien n’est perdu, "
            "les publications attendent dans la boîte d’envoi."
        ),
        "cli.unknown_guild_running": (
            "Attention : Relais n’est pas membre du serveur {guild} ; les publications attendent. "
            "Vérifiez DISCORD_GUILD_ID ou invitez le bot : {invite}"
        ),
    }
)
MESSAGES["check.token_without_guild"] = (
    "DISCORD_TOKEN est renseigné mais DISCORD_GUILD_ID est vide : aucune commande / ne serait "
    "enregistrée. Mettez l’identifiant du serveur dans .env (mode développeur de Discord, clic "
    "droit sur le serveur → « Copier l’identifiant du serveur »)."
)
