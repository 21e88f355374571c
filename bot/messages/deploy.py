"""Deployment: web listener, `relais check --discord`, `relais invite`, health."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "web.bind_failed": (
        "Relais n’a pas pu ouvrir l’adresse web {listen} ({error}) : /sante, /metrics et les "
        "calendriers ne répondent pas, le reste fonctionne. Libérez ce port ou choisissez-en un "
        "autre avec RELAIS_WEB_LISTEN (ou [web] listen dans config/relais.toml ; \"off\" le désactive)."
    ),
}
