"""French messages of the feeds feature (keys ending in ".en" are English localisations)."""

MESSAGES: dict[str, str] = {
    # --- errors reading a feed (shown to staff, in /flux etat, and by `relais feed`) -------
    "feeds.error.bad_url": "Adresse de flux invalide : {url}",
    "feeds.error.scheme": "Seules les adresses http:// et https:// sont acceptées : {url}",
    "feeds.error.credentials": (
        "L’adresse ne doit pas contenir d’identifiant ni de mot de passe : {url}"
    ),
    "feeds.error.private_address": (
        "Adresse refusée : {host} mène à une adresse non publique ({address}). "
        "Si c’est voulu, ajoutez l’hôte à [feeds] allow_hosts dans config/relais.toml."
    ),
    "feeds.error.dns": "Nom de domaine introuvable : {host}",
    "feeds.error.timeout": "Le serveur n’a pas répondu en {seconds} secondes : {url}",
    "feeds.error.network": "Erreur réseau en lisant {url} : {detail}",
    "feeds.error.http": "Le serveur a répondu {status} pour {url}",
    "feeds.error.redirect_loop": "Boucle de redirections en lisant {url}",
    "feeds.error.too_many_redirects": "Plus de {limit} redirections en lisant {url}",
    "feeds.error.too_big": "Flux trop volumineux (plus de {limit}) : {url}",
    "feeds.error.file": "Fichier de flux illisible : {path} ({detail})",
    "feeds.error.file_missing": "Fichier de flux introuvable : {path}",
    "feeds.error.file_denied": "Lecture du fichier de flux non permise : {path}",
    "feeds.error.file_is_dir": "C’est un dossier, pas un fichier de flux : {path}",
    "feeds.error.tls": "Connexion sécurisée (TLS) refusée ou certificat invalide pour {host}",
    "feeds.error.connect": "Connexion impossible au serveur {host}",
    "feeds.error.disconnected": "Le serveur a coupé la connexion avant la fin : {url}",
    "feeds.error.entities": (
        "Flux refusé : il déclare des entités XML (DOCTYPE), un procédé utilisé pour saturer "
        "la mémoire ou lire des fichiers"
    ),
    "feeds.error.not_a_feed": "Ce document n’est pas un flux RSS ou Atom lisible ({detail})",
    "feeds.error.unreadable": "Flux illisible ({detail})",
    "feeds.error.too_complex": (
        "Flux trop mal formé pour être lu sans risque (lecture arrêtée : trop longue ou trop "
        "gourmande en mémoire)"
    ),
    "feeds.error.local_forbidden": (
        "Les fichiers locaux ne sont permis que pour les flux déclarés dans config/feeds.toml"
    ),
    "feeds.error.internal": "Erreur inattendue en traitant le flux ({detail})",
    "feeds.detail.empty": "aucun élément",
    "feeds.detail.html_page": "c’est une page web (HTML), pas un flux",
    "feeds.detail.not_xml": "le serveur l’annonce comme « {kind} », pas comme du XML",
    "feeds.detail.xml_syntax": "XML mal formé vers la ligne {line}",
    "feeds.detail.encoding": "encodage des caractères incohérent ou inconnu",
    "feeds.detail.memory": "mémoire insuffisante pour le lire",
    "feeds.detail.nesting": "balises imbriquées trop profondément",
    "feeds.detail.other": "erreur de l’analyseur",
    "feeds.detail.network": "erreur de connexion",
    # --- configuration file ------------------------------------------------------------------
    "feeds.config.error": "Configuration des flux invalide dans {file}, {where} : {message}",
    "feeds.config.toml": "Fichier {file} illisible (TOML invalide) : {detail}",
    "feeds.config.unknown_key": "clé inconnue « {key} » (clés permises : {expected})",
    "feeds.config.missing": "clé « {key} » manquante",
    "feeds.config.bad_name": (
        "nom « {value} » invalide : 1 à 80 caractères, lettres, chiffres, espaces et "
        "ponctuation simple"
    ),
    "feeds.config.bad_interval": (
        "interval_minutes doit être un nombre de minutes, au moins 1 (valeur reçue : {value})"
    ),
    "feeds.config.bad_role": "role doit être un nom de rôle (valeur reçue : {value!r})",
    "feeds.config.expected_list": "{key} doit être une liste de textes non vides",
    "feeds.config.expected_tables": "attendu des tables [[feed]]",
    "feeds.config.unknown_channel": (
        "salon « {channel} » inconnu (salons de relais.toml [channels] : {known})"
    ),
    "feeds.config.bad_kind": "kind doit valoir « feed » (flux RSS/Atom) ou « page » (page web) (valeur reçue : {value!r})",
    "feeds.config.bad_show": (
        "show doit valoir « full » (résumé et dates), « summary » (résumé seul) ou « title » "
        "(titre et lien) (valeur reçue : {value!r})"
    ),
    "feeds.config.bad_selector": "selector n’est pas un sélecteur CSS valide : {value!r}",
    "feeds.config.selector_without_page": "selector n’a de sens que pour kind = \"page\"",
    "feeds.config.bad_value": "valeur invalide pour « {key} »",
    "feeds.config.duplicate": "le nom « {name} » est déjà utilisé par un autre flux",
    # --- filters ------------------------------------------------------------------------------
    "feeds.filter.too_many": "au plus {limit} expressions régulières par liste",
    "feeds.filter.too_long": "une expression régulière ne peut dépasser {limit} caractères",
    "feeds.filter.bad_regex": (
        "expression régulière « {pattern} » refusée : syntaxe invalide, ou construction qui ne "
        "s’évalue pas en temps linéaire (références arrière comme \\1, assertions avant ou arrière)"
    ),
    "feeds.filter.no_filter": "aucun filtre",
    "feeds.filter.not_excluded": "aucun mot exclu",
    "feeds.filter.excluded_word": "mot exclu « {word} »",
    "feeds.filter.excluded_regex": "expression exclue « {pattern} »",
    "feeds.filter.included_word": "mot retenu « {word} »",
    "feeds.filter.included_regex": "expression retenue « {pattern} »",
    "feeds.filter.no_include": "aucun mot ni expression à retenir",
    # --- staff notice when a feed is paused -------------------------------------------------
    "feeds.paused.title": "Flux mis en pause : {name}",
    "feeds.paused.body": (
        "Le flux « {name} » ({url}) a échoué {failures} fois de suite et ne sera plus "
        "interrogé. Dernière erreur : {error}\n"
        "Corrigez l’adresse ou attendez que le site revienne, puis relancez-le avec "
        "`/flux reprendre`."
    ),
    "feeds.moved.title": "Flux déplacé : {name}",
    "feeds.moved.body": (
        "Le serveur indique que le flux « {name} » a changé d’adresse pour de bon : {old} → "
        "{new}. Relais lit désormais la nouvelle adresse."
    ),
    "feeds.moved.body_config": (
        "Le serveur indique que le flux « {name} » a changé d’adresse pour de bon : {old} → "
        "{new}. Relais lit désormais la nouvelle adresse ; mettez-la aussi à jour dans "
        "config/feeds.toml."
    ),
    "feeds.migrated.title": "Flux renouvelé en entier : {name}",
    "feeds.migrated.body": (
        "Tous les éléments du flux « {name} » ({count}) ont changé d’identifiant d’un coup, "
        "sans doute une migration du site. Ils ont été enregistrés sans être republiés ; les "
        "prochaines nouveautés seront publiées normalement."
    ),
    "feeds.overflow.title": "{count} autre(s) nouveauté(s) de « {name} »",
    "feeds.overflow.more": "… et {count} autre(s).",
    # --- CLI (`relais feed`) --------------------------------------------------------------------
    "feeds.cli.unreadable": "Flux illisible : {reason}",
    "feeds.cli.header": "Flux « {title} » ({kind}) : {count} élément(s).",
    # --- Discord commands (names, descriptions, replies) -----------------------------------------
    "feeds.cmd.group": "flux",
    "feeds.cmd.group.en": "feeds",
    "feeds.cmd.group.desc": "Gérer les flux RSS/Atom relayés par Relais",
    "feeds.cmd.group.desc.en": "Manage the RSS/Atom feeds Relais relays",
    "feeds.cmd.add": "ajouter",
    "feeds.cmd.add.en": "add",
    "feeds.cmd.add.desc": "Ajouter un flux RSS ou Atom (adresse http ou https)",
    "feeds.cmd.add.desc.en": "Add an RSS or Atom feed (http or https URL)",
    "feeds.cmd.remove": "retirer",
    "feeds.cmd.remove.en": "remove",
    "feeds.cmd.remove.desc": "Retirer un flux ajouté depuis Discord",
    "feeds.cmd.remove.desc.en": "Remove a feed added from Discord",
    "feeds.cmd.list": "liste",
    "feeds.cmd.list.en": "list",
    "feeds.cmd.list.desc": "Lister les flux suivis",
    "feeds.cmd.list.desc.en": "List the feeds being watched",
    "feeds.cmd.test": "tester",
    "feeds.cmd.test.en": "test",
    "feeds.cmd.test.desc": "Lire un flux et montrer sa prochaine publication (rien n’est publié)",
    "feeds.cmd.test.desc.en": "Read a feed, show its next post (nothing is posted)",
    "feeds.cmd.status": "etat",
    "feeds.cmd.status.en": "status",
    "feeds.cmd.status.desc": "État d’un flux : dernier succès, dernière erreur, prochaine lecture",
    "feeds.cmd.status.desc.en": "Feed status: last success, last error, next poll",
    "feeds.cmd.resume": "reprendre",
    "feeds.cmd.resume.en": "resume",
    "feeds.cmd.resume.desc": "Relancer un flux mis en pause après des erreurs",
    "feeds.cmd.resume.desc.en": "Resume a feed paused after errors",
    "feeds.cmd.param.name": "nom",
    "feeds.cmd.param.name.en": "name",
    "feeds.cmd.param.name.desc": "Nom du flux (tel qu’affiché comme source des publications)",
    "feeds.cmd.param.name.desc.en": "Feed name (shown as the posts' source)",
    "feeds.cmd.param.name_or_url.desc": "Nom d’un flux suivi, ou adresse http(s) d’un flux à essayer",
    "feeds.cmd.param.name_or_url.desc.en": "Name of a watched feed, or http(s) URL of a feed to try",
    "feeds.cmd.param.url": "adresse",
    "feeds.cmd.param.url.en": "url",
    "feeds.cmd.param.url.desc": "Adresse http(s) du flux",
    "feeds.cmd.param.url.desc.en": "http(s) URL of the feed",
    "feeds.cmd.param.channel": "salon",
    "feeds.cmd.param.channel.en": "channel",
    "feeds.cmd.param.channel.desc": "Salon logique de relais.toml (p. ex. msss, psoc, general)",
    "feeds.cmd.param.channel.desc.en": "Channel key from relais.toml (e.g. msss, psoc, general)",
    "feeds.cmd.param.interval": "intervalle",
    "feeds.cmd.param.interval.en": "interval",
    "feeds.cmd.param.interval.desc": "Minutes entre deux lectures (au moins 1)",
    "feeds.cmd.param.interval.desc.en": "Minutes between two polls (at least 1)",
    "feeds.cmd.param.role": "role",
    "feeds.cmd.param.role.en": "role",
    "feeds.cmd.param.role.desc": "Rôle à mentionner pour chaque nouvel élément (facultatif)",
    "feeds.cmd.param.role.desc.en": "Role to mention for each new item (optional)",
    "feeds.reply.added": (
        "Flux « {name} » ajouté ({url}), lu toutes les {interval} min. "
        "Sa première lecture enregistre les éléments existants et publie au plus le plus récent."
    ),
    "feeds.reply.exists": "Un flux porte déjà le nom « {name} ».",
    "feeds.reply.removed": "Flux « {name} » retiré.",
    "feeds.reply.unknown": "Aucun flux nommé « {name} ». `/flux liste` montre les flux suivis.",
    "feeds.reply.config_owned": (
        "Le flux « {name} » est déclaré dans config/feeds.toml : retirez-le de ce fichier."
    ),
    "feeds.reply.none": "Aucun flux n’est suivi pour l’instant.",
    "feeds.reply.list_header": "Flux suivis ({count}) :",
    "feeds.reply.list_line": "• **{name}** → {channels} · toutes les {interval} min · {status}",
    "feeds.reply.resumed": "Flux « {name} » relancé : il sera lu dans la minute.",
    "feeds.reply.not_paused": "Le flux « {name} » n’est pas en pause.",
    "feeds.reply.test_error": "Lecture impossible : {reason}",
    "feeds.reply.test_empty": "Le flux « {name} » se lit bien mais ne contient aucun élément.",
    "feeds.reply.test_header": (
        "Lecture réussie : {count} élément(s). Voici à quoi ressemblerait la publication "
        "du plus récent (rien n’a été publié) :"
    ),
    "feeds.status.ok": "actif",
    "feeds.status.paused": "en pause",
    "feeds.status.failing": "en erreur ({failures} échec(s))",
    "feeds.status.never": "jamais",
    "feeds.status.default_channel": "salon par défaut",
    "feeds.status.title": "État du flux « {name} »",
    "feeds.status.url": "Adresse",
    "feeds.status.state": "État",
    "feeds.status.last_success": "Dernier succès",
    "feeds.status.last_error": "Dernière erreur",
    "feeds.status.next_poll": "Prochaine lecture",
    "feeds.status.items_relayed": "Éléments relayés",
    "feeds.status.items_seen": "Éléments connus",
    # --- watched web pages (kind = "page") ----------------------------------------------------
    "pages.error.unreadable": "Page illisible ({detail})",
    "pages.error.selector_nothing": (
        "Le sélecteur CSS « {selector} » ne trouve plus rien dans la page : la page a changé "
        "de structure, ajustez le sélecteur avec `/flux modifier`"
    ),
    "pages.error.empty": "La page ne contient aucun texte lisible",
    "pages.post.title": "Mise à jour : {title}",
    "pages.post.more": "… et {count} autre(s) passage(s) ajouté(s).",
    "pages.cli.header": "Page « {title} » : {count} bloc(s) de texte, empreinte {digest}.",
    "pages.cli.unreadable": "Page illisible : {reason}",
    "pages.cli.would_post": "Publication qu’un changement ferait (tout le texte tenu pour ajouté) :",
}
