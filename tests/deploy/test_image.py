"""The container image (Dockerfile): built and run with podman or docker where one works here;
else, the same entrypoint in a clean virtual environment installed the way the image is.

Set RELAIS_TEST_BASE_IMAGE to a local image with python3 (3.11-3.13) and venv when the default
python:3.12-slim-bookworm cannot be pulled (no registry access), e.g. one made with debootstrap:
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm root
    tar -C root -c . | podman import - localhost/relais-base:bookworm
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASE = os.environ.get("RELAIS_TEST_BASE_IMAGE", "")
IMAGE = "localhost/relais:smoke-test"
# This machine's kernel refuses raising rlimits and crun's cgroup mode: runc with explicit,
# lower ulimits works. Tried in order; the first that runs a container is used.
RUNTIME_FLAVOURS = [
    ([], []),
    (["--runtime", "runc"], ["--ulimit", "nofile=4096:4096", "--ulimit", "nproc=4096:4096"]),
]


def _base_image(tool: str) -> str | None:
    candidates = [BASE] if BASE else ["python:3.12-slim-bookworm", "localhost/relais-base:bookworm"]
    for image in candidates:
        probe = subprocess.run([tool, "image", "inspect", image], capture_output=True, timeout=60)
        if probe.returncode == 0:
            return image
    return None


def _container_runtime() -> tuple[list[str], list[str], str] | str:
    """(command prefix, run flags, base image), or why no container can run here."""
    reasons = []
    for tool in ("podman", "docker"):
        if shutil.which(tool) is None:
            reasons.append(f"{tool} absent")
            continue
        base = _base_image(tool)
        if base is None:
            reasons.append(
                f"{tool}: no base image with python3 locally (set RELAIS_TEST_BASE_IMAGE)"
            )
            continue
        for global_flags, run_flags in RUNTIME_FLAVOURS:
            prefix = [tool, *global_flags]
            try:
                probe = subprocess.run(
                    [*prefix, "run", "--rm", *run_flags, base, "python3", "-c", "print(1)"],
                    capture_output=True,
                    timeout=120,
                )
            except subprocess.TimeoutExpired:
                continue
            if probe.returncode == 0:
                return prefix, run_flags, base
            reasons.append(f"{' '.join(prefix)}: {probe.stderr.decode(errors='replace')[-200:]}")
    return "; ".join(reasons)


RUNTIME = None if os.environ.get("RELAIS_TEST_FORCE_VENV") else _container_runtime()
NO_RUNTIME = RUNTIME is None or isinstance(RUNTIME, str)
WHY = "RELAIS_TEST_FORCE_VENV set" if RUNTIME is None else str(RUNTIME)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _wait_healthy(url: str, within: float = 90.0) -> dict[str, object]:
    deadline = time.monotonic() + within
    last: object = None
    while time.monotonic() < deadline:
        try:
            status, document = _get(url)
            if status == 200:
                return document
            last = document
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"/sante never answered 200: {last}")


@pytest.fixture(scope="module")
def image() -> Iterator[tuple[list[str], list[str]]]:
    assert not isinstance(RUNTIME, str) and RUNTIME is not None
    prefix, run_flags, base = RUNTIME
    build_flags = ["--network", "host", "--format", "docker"] if prefix[0] == "podman" else []
    # The build reaches PyPI the way this machine does (its CA bundle and pip settings).
    mounts = []
    if prefix[0] == "podman":
        for host_path in ("/etc/ssl/certs", "/etc/pip.conf", "/opt/wheels"):
            if Path(host_path).exists():
                mounts += ["-v", f"{host_path}:{host_path}:ro"]
    build = subprocess.run(
        [*prefix, "build", *build_flags, *mounts, *run_flags,
         "--build-arg", f"PYTHON_IMAGE={base}", "-t", IMAGE, str(REPO)],
        capture_output=True, timeout=900,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout.decode()[-3000:] + build.stderr.decode()[-3000:]
    yield prefix, run_flags
    subprocess.run([*prefix, "rmi", "-f", IMAGE], capture_output=True, timeout=120)


@pytest.mark.skipif(NO_RUNTIME, reason=f"no container runtime can run here: {WHY}")
def test_image_runs_demo_and_serves_health_as_a_non_root_user(
    image: tuple[list[str], list[str]], tmp_path: Path
) -> None:
    prefix, run_flags = image
    inspect = subprocess.run(
        [*prefix, "image", "inspect", IMAGE], capture_output=True, timeout=60, check=True
    )
    details = json.loads(inspect.stdout)[0]
    config = details["Config"]
    assert config["User"] == "relais"
    assert set(config["Volumes"]) == {"/data", "/inbox"}
    healthcheck = config.get("Healthcheck") or details.get("Healthcheck")  # docker / podman
    assert healthcheck and healthcheck["Test"] == ["CMD", "relais", "sante"]

    demo = subprocess.run(
        [*prefix, "run", "--rm", *run_flags, IMAGE, "demo"], capture_output=True, timeout=300
    )
    assert demo.returncode == 0, demo.stderr.decode()[-2000:]
    assert "Démonstration terminée" in demo.stdout.decode()

    data, inbox = tmp_path / "data", tmp_path / "inbox"
    for folder in (data, inbox):
        folder.mkdir()
        folder.chmod(0o777)  # the image's user (uid 10001) writes there
    port = _free_port()
    name = f"relais-smoke-{os.getpid()}"
    started = subprocess.run(
        [*prefix, "run", "-d", "--name", name, *run_flags, "--network", "host",
         "-e", f"RELAIS_WEB_LISTEN=127.0.0.1:{port}",
         "-v", f"{data}:/data", "-v", f"{inbox}:/inbox", IMAGE],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert started.returncode == 0, started.stderr.decode()
    try:
        document = _wait_healthy(f"http://127.0.0.1:{port}/sante")
        assert document["mode"] == "console" and document["base_de_donnees_inscriptible"]
        probe = subprocess.run(
            [*prefix, "exec", name, "relais", "sante"], capture_output=True, timeout=60
        )
        assert probe.returncode == 0, probe.stderr.decode()
        assert (data / "relais.db").is_file()  # the database is in the volume
        logs = subprocess.run([*prefix, "logs", name], capture_output=True, timeout=60)
        lines = [line for line in logs.stderr.decode().splitlines() if line.startswith("{")]
        assert lines and all(json.loads(line)["level"] for line in lines)  # JSON logs
    finally:
        stop = subprocess.run([*prefix, "stop", "-t", "30", name], capture_output=True, timeout=90)
        code = subprocess.run(
            [*prefix, "inspect", "--format", "{{.State.ExitCode}}", name],
            capture_output=True, timeout=60,
        )  # fmt: skip
        subprocess.run([*prefix, "rm", "-f", name], capture_output=True, timeout=60)
    assert stop.returncode == 0
    assert code.stdout.decode().strip() == "0"  # SIGTERM: a clean stop


@pytest.mark.skipif(not NO_RUNTIME, reason="the image itself is tested with the container runtime")
def test_image_entrypoint_in_a_clean_virtual_environment(tmp_path: Path) -> None:
    """What the Dockerfile does, without a container: a venv with only the runtime
    dependencies (constrained by the lock), the package installed (not editable), the
    image's environment, `relais demo` and `relais check` from another folder."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    install = subprocess.run(
        [*pip, "--constraint", str(REPO / "requirements.lock"), str(REPO)],
        capture_output=True, timeout=900, cwd=tmp_path,
    )  # fmt: skip
    if install.returncode != 0 and b"No matching distribution" in install.stderr:
        pytest.skip("the package index is not reachable from here")
    assert install.returncode == 0, install.stderr.decode()[-3000:]
    frozen = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "freeze"], capture_output=True, timeout=60
    ).stdout.decode()
    assert "pytest" not in frozen and "mypy" not in frozen  # runtime dependencies only
    config = tmp_path / "app" / "config"
    shutil.copytree(REPO / "config", config)
    env = {
        "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
        "RELAIS_CONFIG_DIR": str(config),
        "RELAIS_DATABASE": str(tmp_path / "data" / "relais.db"),
        "RELAIS_INBOX": str(tmp_path / "inbox"),
        "RELAIS_WEB_LISTEN": "127.0.0.1:0",
        "RELAIS_LOG_FORMAT": "json",
        "HOME": str(tmp_path),
    }
    relais = str(venv / "bin" / "relais")
    demo = subprocess.run([relais, "demo"], capture_output=True, env=env, cwd=tmp_path, timeout=300)
    assert demo.returncode == 0, demo.stderr.decode()[-2000:]
    assert "Démonstration terminée" in demo.stdout.decode()
    check = subprocess.run(
        [relais, "check"], capture_output=True, env=env, cwd=tmp_path, timeout=120
    )
    assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()
