"""The inbox folder's layout: which files are candidates, their channel, where they go after."""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from bot.sources.documents.common import sanitize_filename
from bot.sources.documents.files import classify
from bot.timeutil import MONTREAL

PROCESSED = "traites"
FAILED = "erreurs"
# Reserved for the announcements feature (staff drop announcement drafts there).
ANNOUNCEMENTS = "annonces"
RESERVED = frozenset({PROCESSED, FAILED, ANNOUNCEMENTS})

ERROR_SUFFIX = ".erreur.txt"
# Editors' lock files, partial downloads and copies in progress: never documents.
_TEMPORARY = re.compile(
    r"(?i)^(~\$|\.~lock\.|~)|\.(tmp|temp|part|partial|crdownload|download|swp|swx|lock|filepart)$"
)


@dataclass(frozen=True)
class Placement:
    """Where a dropped file came from and the channel its sub-folder asks for."""

    source_name: str  # "inbox" or "inbox/<sub-folder>"
    channel: str | None  # logical channel key, or None to let routing decide


def is_candidate(root: Path, path: Path) -> bool:
    """A file the watcher should take: not hidden, not temporary, not in a reserved folder."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        return False
    parts = relative.parts
    if not parts or parts[0] in RESERVED:
        return False
    if any(part.startswith(".") for part in parts):
        return False
    name = parts[-1]
    return not (_TEMPORARY.search(name) or name.endswith(ERROR_SUFFIX))


def iter_candidates(
    root: Path, *, under: Path | None = None, odd: list[Path] | None = None
) -> Iterator[Path]:
    """Every candidate file under ``root`` (or its sub-folder ``under``), reserved folders
    not even entered. No link is followed, at any depth: links, FIFOs, sockets and devices
    are skipped (and listed in ``odd`` when given), a folder reached through a link is not
    walked at all."""
    start = root if under is None else under
    kind, _ = classify(root, start)
    if kind != "dir":
        if kind == "odd" and odd is not None:
            odd.append(start)
        return
    stack = [start]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        folders: list[Path] = []
        for entry in entries:
            path = here / entry.name
            if entry.name.startswith(".") or (here == root and entry.name in RESERVED):
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                folders.append(path)
            elif stat.S_ISREG(mode):
                if is_candidate(root, path):
                    yield path
            elif odd is not None and is_candidate(root, path):
                odd.append(path)
        stack.extend(reversed(folders))


def placement(
    root: Path, path: Path, rules: Iterable[tuple[str, str]], channels: Iterable[str]
) -> Placement:
    """``inbox/psoc/lettre.pdf`` → channel "psoc": a rule's folder first (longest match), else a
    first-level folder named like a channel key; files at the top follow the routing rules."""
    relative = PurePosixPath(path.relative_to(root).as_posix())
    folders = relative.parts[:-1]
    if not folders:
        return Placement("inbox", None)
    folder_path = "/".join(folders).casefold()
    best: tuple[int, str] | None = None
    for folder, channel in rules:
        key = folder.strip("/").casefold()
        if key and (folder_path == key or folder_path.startswith(key + "/")):
            if best is None or len(key) > best[0]:
                best = (len(key), channel)
    source = "inbox/" + "/".join(folders)
    if best is not None:
        return Placement(source, best[1])
    known = {c.casefold(): c for c in channels}
    first = folders[0].casefold()
    return Placement(source, known.get(first))


def month_folder(root: Path, when: datetime) -> Path:
    """``traites/AAAA-MM`` in Montréal time."""
    local = when.astimezone(MONTREAL)
    return root / PROCESSED / f"{local.year:04d}-{local.month:02d}"


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name-2``, ``name-3``… when taken."""
    target = folder / name
    if not target.exists() and not Path(str(target) + ERROR_SUFFIX).exists():
        return target
    stem, suffix = _split(name)
    for n in range(2, 100_000):
        candidate = folder / f"{stem}-{n}{suffix}"
        if not candidate.exists():
            return candidate
    raise FileExistsError(str(target))


def _split(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if dot > 0 else (name, "")


def filed_name(name: str) -> str:
    """The name a file is filed under: readable from a Windows share, short enough that the
    « -2 » and « .erreur.txt » Relais may add still fit (see ``sanitize_filename``)."""
    return sanitize_filename(name, "document")


def move(path: Path, folder: Path) -> Path:
    """Move ``path`` into ``folder`` under a free, safe name; returns where it landed.

    Raises ``FileNotFoundError`` when ``path`` vanished meanwhile.
    """
    folder.mkdir(parents=True, exist_ok=True)
    _refuse_link(folder)
    target = unique_path(folder, filed_name(path.name))
    try:
        os.replace(path, target)  # same file system: atomic; a link is moved, not followed
    except FileNotFoundError:
        raise
    except OSError:
        shutil.move(str(path), str(target))
    return target


def file_copy(path: Path, folder: Path) -> Path:
    """A second name for ``path`` in ``folder`` (a hard link, else a copy); ``path`` stays.

    The original leaves the inbox only once its post is safely queued: a crash in between
    leaves it in the inbox, to be read again at the next start. A link left by such an
    interrupted run for this very file is reused rather than doubled. Raises
    ``FileNotFoundError`` when ``path`` vanished meanwhile.
    """
    folder.mkdir(parents=True, exist_ok=True)
    _refuse_link(folder)
    name = filed_name(path.name)
    stem, suffix = _split(name)
    for n in range(1, 100):
        candidate = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        if not candidate.exists():
            break
        try:
            if os.path.samefile(candidate, path):
                return candidate
        except OSError:
            continue
    target = unique_path(folder, name)
    try:
        os.link(path, target, follow_symlinks=False)
    except FileNotFoundError:
        raise
    except OSError:
        # Some network shares have no hard links.
        shutil.copy2(path, target, follow_symlinks=False)
    return target


def _refuse_link(folder: Path) -> None:
    """Never file anything through a link (``erreurs`` replaced by a link to elsewhere)."""
    if folder.is_symlink() or (folder.parent.name in RESERVED and folder.parent.is_symlink()):
        raise OSError(40, "refusing to file through a symbolic link", str(folder))
