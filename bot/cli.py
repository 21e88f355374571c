"""`relais` command line: run, demo, check, feed, ingest, sauvegarde, restaurer."""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
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
    level = "DEBUG" if verbose else (settings.config.relais.log_level if settings else "INFO")
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # discord.py and aiohttp are chatty at INFO; our own lines are what an operator needs.
    for noisy in ("discord", "apscheduler", "aiosqlite", "watchfiles"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))


async def _run(settings: Settings) -> int:
    from bot.app import App

    if not settings.console_mode:
        from bot.discord.client import run_bot

        print(t("cli.discord_mode", guild=settings.discord_guild_id or "?"), flush=True)
        await run_bot(settings)
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
    with tempfile.TemporaryDirectory(prefix="relais-demo-") as scratch:
        root = Path(scratch)
        inbox = root / "inbox"
        demo_inbox = settings.config_dir / "demo" / "inbox"
        if demo_inbox.is_dir():
            shutil.copytree(demo_inbox, inbox)
        else:
            inbox.mkdir()
        demo = settings.model_copy(
            update={"database_path": root / "relais.db", "inbox_path": inbox, "discord_token": None}
        )
        publisher = ConsolePublisher(demo.config.channels)
        app = await App.create(demo, publisher)
        try:
            await app.run_once()
            for service in app.services:
                describe = getattr(service, "describe", None)
                if describe is not None:
                    text = await describe(app)
                    if text:
                        print(text, flush=True)
        finally:
            await app.close()
    print(t("cli.demo.done", count=publisher.count), flush=True)
    return 0


def _check(settings: Settings) -> int:
    from bot.app import App  # noqa: F401  (importing proves every feature module loads)

    problems: list[str] = []
    for validate in _feature_validators():
        try:
            validate(settings)
        except SettingsError as exc:
            problems.append(str(exc))
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
        return 2
    print(t("cli.check.ok"))
    return 0


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
    sub.add_parser("check", help="valider la configuration")
    feed = sub.add_parser("feed", help="lire un flux et afficher ce qui serait publié")
    feed.add_argument("source", help="URL ou fichier du flux")
    feed.add_argument("--json", action="store_true", help="un objet JSON par élément")
    ingest = sub.add_parser("ingest", help="lire des documents sans rien publier")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--json", action="store_true", help="un objet JSON par document")
    backup = sub.add_parser(
        "sauvegarde", help="copier la base de données (même pendant que le bot tourne)"
    )
    backup.add_argument("dest", type=Path, help="fichier ou dossier de destination")
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
    quiet = args.command in ("feed", "ingest", "demo", "sauvegarde", "restaurer")
    _setup_logging(settings, args.verbose)
    if quiet and not args.verbose:
        logging.getLogger().setLevel(logging.WARNING)
    if args.command == "run":
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
        return _check(settings)
    if args.command == "feed":
        from bot.sources.feeds.cli import feed_command

        return asyncio.run(feed_command(args.source, args.json, settings))
    if args.command == "ingest":
        from bot.sources.documents.cli import ingest_command

        return asyncio.run(ingest_command(args.paths, args.json, settings))
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
