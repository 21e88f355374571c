"""French messages of the store: the database file, the instance lock, backups."""

MESSAGES: dict[str, str] = {
    "store.not_a_database": (
        "Le fichier {path} n’est pas une base de données SQLite lisible (fichier abîmé ou "
        "d’un autre type). Restaurez une sauvegarde avec `relais restaurer FICHIER`, ou "
        "déplacez ce fichier pour repartir d’une base vide."
    ),
    "store.foreign_database": (
        "Le fichier {path} est une base SQLite qui n’appartient pas à Relais (tables : "
        "{tables}). Relais refuse d’y écrire : indiquez une autre base (RELAIS_DATABASE ou "
        "[relais] database dans relais.toml)."
    ),
    "store.cannot_open": (
        "Relais ne peut pas ouvrir la base de données {path} : {reason}. Vérifiez que le "
        "dossier existe, que le chemin est bien un fichier et que Relais a le droit d’y écrire."
    ),
    "store.no_folder": (
        "Le dossier de la base de données {folder} n’existe pas et ne peut pas être créé : "
        "{reason}."
    ),
    "store.newer_schema": (
        "La base {path} a été mise à jour par une version plus récente de Relais (migration "
        "n° {number} inconnue ici). Installez cette version plus récente ou restaurez une "
        "sauvegarde."
    ),
    "store.migration_failed": (
        "La mise à jour de la base {path} a échoué ({reason}). Rien n’a été modifié à moitié ; "
        "signalez cette erreur à l’équipe technique."
    ),
    "store.already_running": (
        "Relais tourne déjà sur la base {path} (processus n° {pid}). Une seule instance à la "
        "fois : arrêtez l’autre processus avant d’en lancer un nouveau."
    ),
    "store.already_running.unknown": "inconnu",
    "store.lock_failed": "Relais ne peut pas créer le fichier de verrou {path} : {reason}.",
    "store.lost": (
        "La base de données {path} a été supprimée ou remplacée pendant que Relais tournait. "
        "Relais s’arrête sans plus rien y écrire ; redémarrez-le une fois la base remise en place."
    ),
    "store.backup.done": (
        "Sauvegarde écrite dans {dest} ({size}) ; vérification d’intégrité : correcte."
    ),
    "store.backup.bad_dest": "Impossible d’écrire la sauvegarde {dest} : {reason}.",
    "store.backup.no_source": "Aucune base de données à sauvegarder : {path} n’existe pas.",
    "store.backup.corrupt": (
        "La copie {dest} ne passe pas la vérification d’intégrité ({reason}) ; elle a été "
        "supprimée. La base d’origine n’a pas été modifiée."
    ),
    "store.restore.running": (
        "Relais tourne sur la base {path} (processus n° {pid}) : arrêtez-le avant de "
        "restaurer une sauvegarde."
    ),
    "store.restore.no_source": "La sauvegarde {src} n’existe pas.",
    "store.restore.bad_source": (
        "La sauvegarde {src} n’est pas une base Relais valide ({reason}) : rien n’a été restauré."
    ),
    "store.restore.done": (
        "Base {path} restaurée depuis {src}. L’ancienne base est conservée dans {previous}."
    ),
    "store.restore.done_fresh": "Base {path} restaurée depuis {src}.",
}
