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
