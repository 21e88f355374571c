"""The deployment files agree with Relais: the systemd unit parses, and the unit, compose.yaml
and the Dockerfile name the commands, variables and paths Relais really has."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import build_parser
from bot.settings import ENV_KEYS

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze absent")
def test_systemd_unit_parses(tmp_path: Path) -> None:
    home = tmp_path / "opt-relais"
    (home / ".venv" / "bin").mkdir(parents=True)
    executable = home / ".venv" / "bin" / "relais"
    executable.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    executable.chmod(0o755)
    unit = (REPO / "deploy" / "relais.service").read_text(encoding="utf-8")
    (tmp_path / "relais.service").write_text(unit.replace("/opt/relais", str(home)))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "relais.service")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    problems = [
        line for line in (result.stdout + result.stderr).splitlines()
        if "relais.service" in line and "Failed to" not in line  # no systemd running here
    ]  # fmt: skip
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def test_deployment_files_use_real_commands_and_variables() -> None:
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    known_env = set(ENV_KEYS)
    texts = {
        name: (REPO / name).read_text(encoding="utf-8")
        for name in ("Dockerfile", "compose.yaml", "deploy/relais.service")
    }
    for name, text in texts.items():
        for variable in set(re.findall(r"\bRELAIS_[A-Z_]+\b", text)):
            assert variable in known_env, f"{name}: {variable} is not read by Relais"
        for command in re.findall(r"\brelais (\w+)", text):
            if command in ("check", "run", "sante", "sauvegarde", "invite", "demo"):
                assert command in commands, f"{name}: relais {command}"
    docker = texts["Dockerfile"]
    assert re.search(r"^USER relais$", docker, re.M)
    assert 'VOLUME ["/data", "/inbox"]' in docker
    assert 'HEALTHCHECK' in docker and '"relais", "sante"' in docker
    assert "requirements.lock" in docker
    compose = texts["compose.yaml"]
    assert "/data" in compose and "/inbox" in compose and "127.0.0.1:8765:8765" in compose
    unit = texts["deploy/relais.service"]
    assert "ExecStart=/opt/relais/.venv/bin/relais run" in unit
    assert "RestartPreventExitStatus=2" in unit
