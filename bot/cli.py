"""`relais` command line: run, demo, check, feed, page, ingest, sauvegarde, restaurer…"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot import __version__
from bot.messages import t
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("relais")


def _setup_logging(settings: Settings | None, verbose: bool = False) -> None:
    from bot.logs import setup_logging

    level = "DEBUG" if verbose else (settings.config.relais.log_level if settings else "INFO")
    fmt = settings.config.relais.log_format if settings else "text"
    setup_logging(level, fmt)


async def _run(settings: Settings) -> int:
    from bot.app import App

    if not settings.console_mode:
        from bot.discord.client import run_bot_until_stopped

        print(t("cli.discord_mode", guild=settings.discord_guild_id or "?"), flush=True)
        await run_bot_until_stopped(settings)
        return 0
    print(t("cli.console_mode", db=settings.database_path), flush=True)
    app = await App.create(settings, exclusive=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    app.on_fatal.append(stop.set)
    await app.start()
    try:
        await stop.wait()
    finally:
        print(t("cli.stopping"), flush=True)
        await app.close()
    return 2 if app.fatal is not None else 0


async def _demo(settings: Settings) -> int:
    """One pass over the demo sources in a scratch folder: the real path, nothing kept."""
    from bot.app import App
    from bot.relay.publisher import ConsolePublisher

    print(t("cli.demo.header"), flush=True)
    from bot.demo_dates import demo_today, prepare_demo

    with tempfile.TemporaryDirectory(prefix="relais-demo-") as scratch:
        root = Path(scratch)
        # The demo's dates move with the day it runs: what it announces is always ahead.
        config_dir, inbox = prepare_demo(settings.config_dir, root, demo_today())
        demo = settings.model_copy(
            update={
                "config_dir": config_dir,
                "database_path": root / "relais.db",
                "inbox_path": inbox,
                "discord_token": None,
            }
        )
        publisher = ConsolePublisher(demo.config.channels)
        app = await App.create(demo, publisher)
        try:
            await app.run_once()
            for service in app.services:
                describe = getattr(service, "describe", None)
                if describe is not None:
                    text = await describe()
                    if text:
                        print(text, flush=True)
        finally:
            await app.close()
    print(t("cli.demo.done", count=publisher.count), flush=True)
    return 0


def _folder_problems(settings: Settings, *, data: bool = True) -> list[str]:
    """The data folder (SQLite) and the inbox must be writable by the user running Relais.
    (`relais run` leaves the database to the store, which names each unusable file itself.)"""
    problems = []
    folders = [("cli.inbox_unwritable", settings.inbox_path)]
    if data:
        folders.insert(0, ("cli.data_unwritable", settings.database_path.parent))
    for key, folder in folders:
        error = _unwritable(folder)
        if error is None and key == "cli.data_unwritable" and settings.database_path.exists():
            if not os.access(settings.database_path, os.R_OK | os.W_OK):
                error = f"{settings.database_path.name} en lecture seule"
        if error is not None:
            problems.append(t(key, folder=folder, error=error))
    return problems


def _unwritable(folder: Path) -> str | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".relais-check-"):
            pass
    except OSError as exc:
        from bot.store.db import os_reason

        return os_reason(exc)  # strerror is English
    return None


def _check(settings: Settings, *, discord: bool = False, offline: bool = False) -> int:
    from bot.app import App  # noqa: F401  (importing proves every feature module loads)

    problems: list[str] = []
    if settings.discord_token is not None and settings.discord_guild_id is None:
        problems.append(t("check.token_without_guild"))
    for validate in _feature_validators():
        try:
            validate(settings)
        except SettingsError as exc:
            problems.append(str(exc))
    problems.extend(_folder_problems(settings))
    channels = ", ".join(f"{k} → {v}" for k, v in settings.config.channels.items())
    print(
        t(
            "cli.check.report",
            config=settings.config_file or "(valeurs par défaut)",
            db=settings.database_path,
            inbox=settings.inbox_path,
            mode=t("cli.mode.console") if settings.console_mode else t("cli.mode.discord"),
            channels=channels,
            staff=settings.config.relais.staff_role,
            tz=settings.config.relais.timezone,
        )
    )
    if problems:
        print(t("cli.check.error"))
        for problem in problems:
            print(problem)
    else:
        print(t("cli.check.ok"))
    print(t("check.staff_visibility", staff=settings.config.relais.staff_role))
    discord_blocking = False
    if (discord or not settings.console_mode) and not offline:
        from bot.discord.preflight import check_discord

        print()
        print(t("preflight.header", base=settings.discord_api_base))
        report = asyncio.run(check_discord(settings))
        for line in report.lines():
            print(line)
        discord_blocking = report.blocking
        print(t("preflight.blocking") if discord_blocking else t("preflight.ok"))
    return 2 if problems or discord_blocking else 0


def _invite(settings: Settings, application_id: int | None) -> int:
    from bot.discord.preflight import (
        PERMISSION_NAMES,
        TokenFormatError,
        application_id_from_token,
        compute_needs,
        invite_url,
    )

    if application_id is None:
        if settings.discord_token is None:
            print(t("invite.no_id"), file=sys.stderr)
            return 2
        try:
            application_id = application_id_from_token(settings.discord_token.get_secret_value())
        except TokenFormatError:
            print(t("preflight.token_format"), file=sys.stderr)
            return 2
    permissions = compute_needs(settings).permissions()
    print(t("invite.header", permissions=permissions))
    print(invite_url(application_id, permissions, settings.discord_guild_id))
    names = [name for value, name in PERMISSION_NAMES.items() if permissions & value]
    print(t("invite.permissions", names=", ".join(names)))
    return 0


def _sante(settings: Settings, url: str | None) -> int:
    """Ask a running Relais for /sante (the container's HEALTHCHECK): 0 healthy, 1 not."""
    import json
    import urllib.error
    import urllib.request

    from bot.web.server import WebServer

    if url is None:
        server = WebServer(settings.config.web.listen)
        if not server.enabled:
            print(t("sante.off"), file=sys.stderr)
            return 1
        url = f"{server.base_url}/sante"
    try:
        with urllib.request.urlopen(url, timeout=8) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        print(t("sante.unreachable", url=url, error=getattr(exc, "reason", exc)), file=sys.stderr)
        return 1
    try:
        problems = json.loads(body).get("problemes", [])
    except (ValueError, AttributeError):
        problems = []
    if status == 200:
        print(t("sante.ok", url=url))
        return 0
    print(t("sante.bad", url=url, status=status), file=sys.stderr)
    for problem in problems:
        print(f"- {problem}", file=sys.stderr)
    return 1


def _feature_validators() -> list[Callable[[Settings], object]]:
    """Each feature's check of its own configuration file (feeds.toml, calendar.toml)."""
    validators: list[Callable[[Settings], object]] = []
    try:
        from bot.sources.feeds.config import validate_settings as feeds_validate

        validators.append(feeds_validate)
    except ImportError:
        pass
    try:
        from bot.calendar.config import validate_settings as calendar_validate

        validators.append(calendar_validate)
    except ImportError:
        pass
    try:
        from bot.announcements.config import validate_settings as announcements_validate

        validators.append(announcements_validate)
    except ImportError:
        pass
    return validators


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relais",
        description="Relais : veille des communications du MSSS pour la CTROC.",
    )
    parser.add_argument("--version", action="version", version=f"relais {__version__}")
    parser.add_argument("--config", type=Path, help="dossier de configuration (défaut : config/)")
    parser.add_argument("-v", "--verbose", action="store_true", help="journal détaillé")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="lancer le bot (console sans jeton Discord)")
    sub.add_parser("demo", help="un passage sur les sources de démonstration, puis quitter")
    check = sub.add_parser(
        "check", help="valider la configuration (et Discord quand un jeton est donné)"
    )
    check.add_argument(
        "--discord",
        action="store_true",
        help="vérifier aussi auprès de Discord (défaut avec jeton)",
    )
    check.add_argument("--hors-ligne", action="store_true", dest="offline", help="sans Discord")
    invite = sub.add_parser("invite", help="afficher le lien d’invitation du bot")
    invite.add_argument(
        "--application-id", type=int, help="identifiant de l’application (défaut : tiré du jeton)"
    )
    sante = sub.add_parser("sante", help="interroger /sante d’un Relais lancé (0 : en santé)")
    sante.add_argument("--url", help="adresse de /sante (défaut : [web] listen)")
    feed = sub.add_parser("feed", help="lire un flux et afficher ce qui serait publié")
    feed.add_argument("source", help="URL ou fichier du flux")
    feed.add_argument("--json", action="store_true", help="un objet JSON par élément")
    page = sub.add_parser("page", help="lire une page web et afficher ce qui serait surveillé")
    page.add_argument("source", help="URL ou fichier HTML de la page")
    page.add_argument("--selecteur", default=None, help="sélecteur CSS de la partie à surveiller")
    page.add_argument("--json", action="store_true", help="un objet JSON")
    ingest = sub.add_parser("ingest", help="lire des documents sans rien publier")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--json", action="store_true", help="un objet JSON par document")
    backup = sub.add_parser(
        "sauvegarde", help="copier la base de données (même pendant que le bot tourne)"
    )
    backup.add_argument("dest", type=Path, help="fichier ou dossier de destination")
    urls = sub.add_parser("calendrier-url", help="afficher les liens d’abonnement aux calendriers")
    urls.add_argument("--delegation", default=None, help="seulement cette délégation (nom)")
    urls.add_argument(
        "--renouveler", action="store_true", dest="renew",
        help="nouveaux liens (les anciens cessent de fonctionner)",
    )  # fmt: skip
    restore = sub.add_parser("restaurer", help="remettre une sauvegarde en place (bot arrêté)")
    restore.add_argument("src", type=Path, help="fichier de sauvegarde")
    return parser


def _store_guard(settings: Settings, action: Callable[[], int]) -> int:
    """A database that cannot be used ends the command with its French message and code 2:
    no traceback, and no hang that would keep a supervisor from restarting Relais."""
    import sqlite3

    from bot.store.db import StoreError

    try:
        return action()
    except StoreError as exc:
        print(exc, file=sys.stderr, flush=True)
        return 2
    except sqlite3.Error as exc:
        log.debug("database error", exc_info=True)
        print(
            t("store.migration_failed", path=settings.database_path, reason=exc),
            file=sys.stderr,
            flush=True,
        )
        return 2


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(config_dir=args.config)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    quiet = args.command in (
        "feed",
        "page",
        "ingest",
        "demo",
        "check",
        "invite",
        "sante",
        "sauvegarde",
        "restaurer",
        "calendrier-url",
    )
    _setup_logging(settings, args.verbose)
    if quiet and not args.verbose:
        logging.getLogger().setLevel(logging.WARNING)
    if args.command == "run":
        problems = _folder_problems(settings, data=False)
        if settings.discord_token is not None and settings.discord_guild_id is None:
            problems.insert(0, t("check.token_without_guild"))
        if problems:
            for problem in problems:
                print(problem, file=sys.stderr)
            return 2
        return _store_guard(settings, lambda: asyncio.run(_run(settings)))
    if args.command == "sauvegarde":
        from bot.store.backup import backup_command

        return _store_guard(settings, lambda: backup_command(settings.database_path, args.dest))
    if args.command == "restaurer":
        from bot.store.backup import restore_command

        return _store_guard(settings, lambda: restore_command(settings.database_path, args.src))
    if args.command == "demo":
        return asyncio.run(_demo(settings))
    if args.command == "check":
        return _check(settings, discord=args.discord, offline=args.offline)
    if args.command == "invite":
        return _invite(settings, args.application_id)
    if args.command == "calendrier-url":
        from bot.calendar.cli import calendar_url_command

        return _store_guard(
            settings,
            lambda: asyncio.run(calendar_url_command(settings, args.delegation, renew=args.renew)),
        )
    if args.command == "sante":
        return _sante(settings, args.url)
    if args.command == "feed":
        from bot.sources.feeds.cli import feed_command

        return asyncio.run(feed_command(args.source, args.json, settings))
    if args.command == "page":
        from bot.sources.pages.cli import page_command

        return asyncio.run(page_command(args.source, args.selecteur, args.json, settings))
    if args.command == "ingest":
        from bot.sources.documents.cli import ingest_command

        return asyncio.run(ingest_command(args.paths, args.json, settings))
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
