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
    "feeds.config.toml_at": "erreur de syntaxe ligne {line}, colonne {column}",
    "feeds.config.toml_end": "le fichier se termine au milieu d’une déclaration",
    "feeds.config.toml_somewhere": "erreur de syntaxe",
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
    "feeds.paused.title_page": "Page mise en pause : {name}",
    "feeds.paused.body_page": (
        "La page « {name} » ({url}) a échoué {failures} fois de suite et ne sera plus "
        "lue. Dernière erreur : {error}\n"
        "Corrigez l’adresse ou le sélecteur (`/flux modifier`), puis relancez-la avec "
        "`/flux reprendre`."
    ),
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
    "feeds.cmd.edit": "modifier",
    "feeds.cmd.edit.en": "edit",
    "feeds.cmd.edit.desc": "Modifier un flux : intervalle, salon ou fil, rôle, filtres, affichage",
    "feeds.cmd.edit.desc.en": "Edit a feed: interval, channel or thread, role, filters, display",
    "feeds.cmd.import": "importer",
    "feeds.cmd.import.en": "import",
    "feeds.cmd.import.desc": "Importer des flux depuis un fichier OPML (aperçu, puis confirmation)",
    "feeds.cmd.import.desc.en": "Import feeds from an OPML file (preview, then confirm)",
    "feeds.cmd.export": "exporter",
    "feeds.cmd.export.en": "export",
    "feeds.cmd.export.desc": "Exporter les flux suivis en fichier OPML",
    "feeds.cmd.export.desc.en": "Export the watched feeds as an OPML file",
    "feeds.cmd.param.thread": "fil",
    "feeds.cmd.param.thread.en": "thread",
    "feeds.cmd.param.thread.desc": (
        "Fil ou salon forum où publier (un forum reçoit une publication par élément)"
    ),
    "feeds.cmd.param.thread.desc.en": "Thread or forum channel to post into (one forum post per item)",
    "feeds.cmd.param.kind": "type",
    "feeds.cmd.param.kind.en": "kind",
    "feeds.cmd.param.kind.desc": "Flux RSS/Atom, ou page web sans flux (surveillée pour ses changements)",
    "feeds.cmd.param.kind.desc.en": "RSS/Atom feed, or a web page without a feed (watched for changes)",
    "feeds.cmd.param.selector": "selecteur",
    "feeds.cmd.param.selector.en": "selector",
    "feeds.cmd.param.selector.desc": "Pages : sélecteur CSS de la partie à surveiller (p. ex. main)",
    "feeds.cmd.param.selector.desc.en": "Pages: CSS selector of the part to watch (e.g. main)",
    "feeds.cmd.param.no_role": "sans_role",
    "feeds.cmd.param.no_role.en": "no_role",
    "feeds.cmd.param.no_role.desc": "Ne plus mentionner de rôle",
    "feeds.cmd.param.no_role.desc.en": "Stop mentioning a role",
    "feeds.cmd.param.include": "inclure",
    "feeds.cmd.param.include.en": "include",
    "feeds.cmd.param.include.desc": "Mots à retenir, séparés par des virgules (« - » pour vider)",
    "feeds.cmd.param.include.desc.en": "Keywords to keep, comma-separated (\"-\" to clear)",
    "feeds.cmd.param.exclude": "exclure",
    "feeds.cmd.param.exclude.en": "exclude",
    "feeds.cmd.param.exclude.desc": "Mots à écarter, séparés par des virgules (« - » pour vider)",
    "feeds.cmd.param.exclude.desc.en": "Keywords to drop, comma-separated (\"-\" to clear)",
    "feeds.cmd.param.include_regex": "inclure_regex",
    "feeds.cmd.param.include_regex.en": "include_regex",
    "feeds.cmd.param.include_regex.desc": "Expression régulière à retenir (« - » pour vider)",
    "feeds.cmd.param.include_regex.desc.en": "Regular expression to keep (\"-\" to clear)",
    "feeds.cmd.param.exclude_regex": "exclure_regex",
    "feeds.cmd.param.exclude_regex.en": "exclude_regex",
    "feeds.cmd.param.exclude_regex.desc": "Expression régulière à écarter (« - » pour vider)",
    "feeds.cmd.param.exclude_regex.desc.en": "Regular expression to drop (\"-\" to clear)",
    "feeds.cmd.param.show": "affichage",
    "feeds.cmd.param.show.en": "display",
    "feeds.cmd.param.show.desc": "Ce que montre la publication",
    "feeds.cmd.param.show.desc.en": "What the post shows",
    "feeds.cmd.param.file": "fichier",
    "feeds.cmd.param.file.en": "file",
    "feeds.cmd.param.file.desc": "Fichier OPML exporté d’un lecteur de flux",
    "feeds.cmd.param.file.desc.en": "OPML file exported from a feed reader",
    "feeds.choice.kind.feed": "flux RSS/Atom",
    "feeds.choice.kind.page": "page web",
    "feeds.choice.show.full": "complet (résumé et dates)",
    "feeds.choice.show.summary": "résumé seul",
    "feeds.choice.show.title": "titre et lien seulement",
    "feeds.reply.edited": "Flux « {name} » modifié : {changes}.",
    "feeds.reply.edit_nothing": "Rien à modifier : précisez au moins une option.",
    "feeds.reply.preview_header": (
        "Aperçu des filtres de « {name} » sur les {count} derniers éléments : {kept} retenu(s), "
        "{dropped} écarté(s). Rien n’est changé avant confirmation."
    ),
    "feeds.reply.preview_kept": "✅ {title} — {reason}",
    "feeds.reply.preview_dropped": "🚫 {title} — {reason}",
    "feeds.reply.preview_more": "… et {count} autre(s).",
    "feeds.reply.confirm": "Confirmer",
    "feeds.reply.cancel": "Annuler",
    "feeds.reply.working": "Confirmé, c’est en cours…",
    "feeds.reply.cancelled": "Annulé : rien n’a été changé.",
    "feeds.reply.expired": "Cette confirmation a expiré : relancez la commande.",
    "feeds.reply.import_header": (
        "Fichier OPML : {total} flux, dont {new} à ajouter, {exists} déjà suivi(s) et "
        "{invalid} refusé(s). Rien n’est ajouté avant confirmation."
    ),
    "feeds.reply.import_line_new": "➕ {name} — {url}",
    "feeds.reply.import_line_exists": "＝ {name} — {reason}",
    "feeds.reply.import_line_invalid": "✖ {name} — {reason}",
    "feeds.reply.import_nothing": "Aucun nouveau flux à ajouter dans ce fichier.",
    "feeds.reply.imported": "{count} flux ajouté(s) : {names}.",
    "feeds.reply.import_refused": "Refusé(s) : {lines}",
    "feeds.reply.exported": "{count} flux exporté(s) en OPML.",
    "feeds.reply.file_too_big": "Fichier trop volumineux (plus de {limit}).",
    "feeds.reply.salon_and_thread": "Choisissez un salon ou un fil, pas les deux.",
    "feeds.import.same_url": "adresse déjà suivie",
    "feeds.import.same_name": "nom déjà pris",
    "feeds.change.interval": "lu toutes les {value} min",
    "feeds.change.channels": "publie dans {value}",
    "feeds.change.role": "mentionne {value}",
    "feeds.change.no_role": "ne mentionne plus de rôle",
    "feeds.change.filters": "filtres mis à jour",
    "feeds.change.show": "affichage « {value} »",
    "feeds.change.selector": "sélecteur « {value} »",
    "feeds.reply.added": (
        "Flux « {name} » ajouté ({url}), lu toutes les {interval} min. "
        "Sa première lecture enregistre les éléments existants et publie au plus le plus récent."
    ),
    "feeds.reply.added_page": (
        "Page « {name} » ajoutée ({url}), lue toutes les {interval} min. Sa première lecture "
        "enregistre le texte actuel ; chaque ajout ensuite est publié une fois, avec son résumé "
        "et ses dates."
    ),
    "feeds.reply.exists": "Un flux porte déjà le nom « {name} ».",
    "feeds.reply.removed": "Flux « {name} » retiré.",
    "feeds.reply.unknown": "Aucun flux nommé « {name} ». `/flux liste` montre les flux suivis.",
    "feeds.reply.config_owned": (
        "Le flux « {name} » est déclaré dans config/feeds.toml : retirez-le de ce fichier."
    ),
    "feeds.reply.none": "Aucun flux n’est suivi pour l’instant.",
    "feeds.reply.list_page": " (page web)",
    "feeds.reply.list_header": "Flux suivis ({count}) :",
    "feeds.reply.list_line": "• **{name}** → {channels} · toutes les {interval} min · {status}",
    "feeds.reply.resumed": "Flux « {name} » relancé : il sera lu dans la minute.",
    "feeds.reply.not_paused": "Le flux « {name} » n’est pas en pause.",
    "feeds.reply.test_error": "Lecture impossible : {reason}",
    "feeds.reply.test_page_header": (
        "Page lue : {count} bloc(s) de texte surveillé(s). Voici la publication qu’un changement "
        "ferait, tout le texte tenu pour ajouté (rien n’a été publié) :"
    ),
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
    "feeds.status.kind": "Type",
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
    "pages.error.not_html": (
        "Ce n’est pas une page web : le serveur l’annonce comme « {kind} » (un PDF ou une image "
        "ne se surveille pas comme une page)"
    ),
    "pages.error.too_complex": (
        "Page trop lourde ou trop mal formée pour être lue sans risque (lecture arrêtée : trop "
        "longue ou trop gourmande en mémoire)"
    ),
    "pages.error.empty": "La page ne contient aucun texte lisible",
    "pages.post.title": "Mise à jour : {title}",
    "pages.post.more": "… et {count} autre(s) passage(s) ajouté(s).",
    "pages.cli.header": "Page « {title} » : {count} bloc(s) de texte, empreinte {digest}.",
    "pages.cli.unreadable": "Page illisible : {reason}",
    "pages.cli.would_post": "Publication qu’un changement ferait (tout le texte tenu pour ajouté) :",
    # --- OPML ------------------------------------------------------------------------------------
    "feeds.opml.too_big": "Fichier OPML trop volumineux (plus de {limit})",
    "feeds.opml.not_xml": "Ce fichier n’est pas un document XML lisible",
    "feeds.opml.not_opml": "Ce fichier XML n’est pas un document OPML (racine <opml> attendue)",
    "feeds.opml.empty": "Ce fichier OPML ne contient aucun flux (aucun attribut xmlUrl)",
}
