"""`relais calendrier-url`: links for an operator, stable until renewed, French refusal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RELAIS_"))}
    env["RELAIS_DATABASE"] = str(tmp_path / "relais.db")
    return subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(tmp_path), "calendrier-url", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_links_are_stable_until_renewed(tmp_path: Path) -> None:
    (tmp_path / "relais.toml").write_text(
        '[web]\npublic_url = "https://relais.example.org"\n', encoding="utf-8"
    )
    first = run(tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Calendrier public de la CTROC : https://relais.example.org/")
    assert run(tmp_path).stdout == first.stdout
    renewed = run(tmp_path, "--renouveler")
    assert renewed.returncode == 0 and renewed.stdout != first.stdout
    missing = run(tmp_path, "--delegation", "Inconnue")
    assert missing.returncode == 2 and "Délégation « Inconnue » introuvable" in missing.stderr
