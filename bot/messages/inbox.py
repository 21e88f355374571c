"""French messages of the inbox feature (documents dropped in the folder or uploaded)."""

MESSAGES: dict[str, str] = {
    # Why a document could not be read (shown to staff and written to .erreur.txt).
    "inbox.error.empty": "Le fichier est vide.",
    "inbox.error.too_large": (
        "Le fichier pèse {size} ; la limite est de {limit}. Déposez une version plus légère "
        "ou relevez inbox.max_file_bytes dans config/relais.toml."
    ),
    "inbox.error.unsupported": (
        "Le format « {suffix} » n'est pas pris en charge (formats lus : {supported})."
    ),
    "inbox.error.unreadable": "Le fichier {kind} est illisible ou endommagé ({detail}).",
    "inbox.error.not_pdf": "Le fichier porte l'extension .pdf mais n'est pas un PDF.",
    "inbox.error.pdf_encrypted": (
        "Le PDF est protégé par un mot de passe : Relais ne peut pas le lire. "
        "Déposez une version non protégée."
    ),
    "inbox.error.pdf_truncated": (
        "Le PDF est incomplet (fin de fichier manquante) : la copie a peut-être été "
        "interrompue. Déposez-le de nouveau."
    ),
    "inbox.error.zip_truncated": (
        "Le document Word est incomplet (la fin de l'archive manque) : la copie a peut-être "
        "été interrompue. Déposez-le de nouveau."
    ),
    "inbox.error.eml_truncated": (
        "Le courriel est incomplet (la fin de son contenu MIME manque) : la copie a "
        "peut-être été interrompue. Déposez-le de nouveau."
    ),
    "inbox.error.incomplete": (
        "{reason} Relais a attendu {waited} que le fichier soit complet, sans succès."
    ),
    "inbox.staff.outage.title": "Boîte de dépôt : problème temporaire",
    "inbox.staff.outage.body": (
        "Relais ne peut pas traiter les documents pour l'instant ({detail}) : base de "
        "données occupée, disque plein ou erreur d'entrée-sortie. Les fichiers restent dans "
        "la boîte de dépôt et seront repris automatiquement ; rien n'est refusé pour autant."
    ),
    "inbox.staff.outage_over.title": "Boîte de dépôt : problème résolu",
    "inbox.staff.outage_over.body": (
        "Relais traite de nouveau les documents ; ceux qui attendaient sont repris."
    ),
    "inbox.eml.too_deep": (
        "Message joint non lu (trop de transferts imbriqués) : « {subject} ». "
        "L'original complet est conservé dans traites/."
    ),
    "inbox.staff.nested_not_read": "Messages joints trop imbriqués, non lus : {subjects}",
    "inbox.error.mislabelled": (
        "Le fichier porte l'extension d'un {kind} mais son contenu n'en est pas un "
        "(contenu de type {found}) : il n'est pas publié. Déposez-le sous son vrai format."
    ),
    "inbox.staff.odd.title": "Éléments ignorés dans la boîte de dépôt",
    "inbox.staff.odd.body": (
        "Relais n'ouvre ni les liens symboliques, ni les tubes, sockets ou périphériques "
        "(ni rien qui mène hors de la boîte de dépôt). Laissés tels quels :\n{names}"
    ),
    "inbox.error.pdf_no_text": (
        "Le PDF ne contient aucun texte lisible (document numérisé sans reconnaissance "
        "de caractères ?)."
    ),
    "inbox.error.not_docx": (
        "Le fichier porte l'extension .docx mais n'est pas un document Word valide."
    ),
    "inbox.error.zip_bomb": (
        "Le document Word est suspect : une fois décompressé, il occuperait {size} "
        "(limite {limit}, taux de compression {ratio}). Il n'a pas été ouvert."
    ),
    "inbox.error.not_text": "Le fichier ne contient pas de texte lisible (contenu binaire).",
    "inbox.error.not_email": (
        "Le fichier .eml n'est pas un courriel valide (aucun en-tête reconnu)."
    ),
    "inbox.error.no_text": "Le document ne contient aucun texte.",
    "inbox.error.too_deep": "Trop de niveaux de pièces jointes imbriquées (limite {limit}).",
    "inbox.error.msg_unavailable": (
        "Les fichiers Outlook .msg ne sont pas lus ici ; enregistrez le courriel en .eml "
        "(Fichier › Enregistrer sous) et déposez-le de nouveau."
    ),
    "inbox.error.not_regular": (
        "Ce n'est pas un fichier ordinaire de la boîte de dépôt (lien symbolique, tube, "
        "périphérique ou emplacement hors de la boîte) : Relais ne l'ouvre pas."
    ),
    "inbox.error.io": "Le fichier n'a pas pu être lu sur le disque ({detail}).",
    "inbox.error.internal": "Erreur inattendue pendant le traitement ({detail}).",
    # The .erreur.txt written beside a refused file.
    "inbox.error_file": (
        "Relais n'a pas pu traiter ce fichier.\n\n"
        "Fichier : {name}\n"
        "Date : {when}\n"
        "Raison : {reason}\n\n"
        "Corrigez le problème puis déposez de nouveau le fichier dans la boîte de dépôt."
    ),
    # Notices to the staff channel.
    "inbox.staff.failed.title": "Document refusé : {name}",
    "inbox.staff.failed.body": (
        "Le fichier **{name}** n'a pas été publié.\nRaison : {reason}\n"
        "Il a été déplacé dans `{where}`, avec l'explication à côté."
    ),
    "inbox.staff.failed.stuck": (
        "Le fichier **{name}** n'a pas été publié.\nRaison : {reason}\n"
        "Relais n'a pas pu le déplacer dans `{where}` (droits du dossier ?) : il reste dans "
        "la boîte de dépôt et ne sera pas repris tant qu'il n'aura pas changé."
    ),
    "inbox.staff.attachment_failed": "Pièce jointe non lue : {name} — {reason}",
    "inbox.staff.attachments.title": "Pièces jointes non lues : {name}",
    "inbox.staff.duplicate.title": "Document déjà relayé : {name}",
    "inbox.staff.duplicate.body": (
        "Le fichier **{name}** a le même contenu qu'un document déjà publié (« {title} ») : "
        "il n'est pas publié de nouveau. Il a été classé dans traites/."
    ),
    # The post itself (fields the pipeline/render may use).
    # CLI.
    "inbox.cli.progress": "Lecture {done}/{total}",
    "inbox.cli.not_found": "Fichier introuvable.",
    # Slash command /document deposer.
    "inbox.cmd.group": "document",
    "inbox.cmd.group.en": "document",
    "inbox.cmd.group.desc": "Documents à relayer",
    "inbox.cmd.group.desc.en": "Documents to relay",
    "inbox.cmd.deposit": "deposer",
    "inbox.cmd.deposit.en": "upload",
    "inbox.cmd.deposit.desc": "Déposer un document : il sera lu, résumé et publié",
    "inbox.cmd.deposit.desc.en": "Upload a document: it is read, summarised and posted",
    "inbox.cmd.param.file": "fichier",
    "inbox.cmd.param.file.en": "file",
    "inbox.cmd.param.file.desc": "Le document (courriel .eml, PDF, Word, texte, HTML)",
    "inbox.cmd.param.file.desc.en": "The document (.eml e-mail, PDF, Word, text, HTML)",
    "inbox.cmd.param.channel": "canal",
    "inbox.cmd.param.channel.en": "channel",
    "inbox.cmd.param.channel.desc": "Canal de publication (sinon selon les règles d'acheminement)",
    "inbox.cmd.param.channel.desc.en": "Channel to post in (otherwise per routing rules)",
    "inbox.cmd.posted": "Document publié : {link}",
    "inbox.cmd.queued": (
        "Document lu et mis en file de publication ; il paraîtra sous peu dans #{channel}."
    ),
    "inbox.cmd.duplicate": "Ce document a déjà été relayé ; il n'est pas publié de nouveau.",
    "inbox.cmd.duplicate_link": "Ce document a déjà été relayé : {link}",
    "inbox.cmd.failed": "Le document n'a pas pu être lu : {reason}",
    "inbox.cmd.too_large": "Le fichier pèse {size} ; la limite est de {limit}.",
    "inbox.cmd.unknown_channel": "Canal « {channel} » inconnu. Canaux configurés : {known}.",
}
