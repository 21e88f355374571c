"""Start-up and health benchmark: `relais run` against the fake Discord, with 50 feeds and
1,000 calendar rows.

    .venv/bin/python benchmarks/startup.py [--feeds 50] [--meetings 1000] [--load-seconds 20]

Measured on a real `python -m bot run` child process (the way Relais runs in production):

* ready: from the spawn to « Relais is ready » in its log (migrations, calendar.toml loaded,
  login, command sync, gateway READY, services started);
* first post: from the spawn to the first message the fake Discord receives (a file waiting
  in the inbox);
* /sante under load: latency of GET /sante every 50 ms while the 50 feeds are polled for the
  first time (each with 20 items) and, unless --no-feeds-bench, benchmarks/feeds.py --quick runs
  beside it as outside load;
* idle memory: RSS of the process once its outbox is empty and it has been quiet for 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import REPO, status_mib
from tests.e2e.fake_discord import FakeDiscord


def make_feed(feed: int, items: int = 20) -> bytes:
    base = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    parts = []
    for number in range(items):
        when = format_datetime(base + timedelta(hours=number))
        parts.append(
            f"<item><title>Communiqué {feed}-{number}</title><guid>f{feed}-{number}</guid>"
            f"<link>https://exemple.org/{feed}/{number}</link><pubDate>{when}</pubDate>"
            "<description>Le ministère annonce une consultation qui se tiendra le 11 décembre "
            "2026.</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Flux {feed}</title><link>https://exemple.org/{feed}</link>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def write_config(root: Path, feeds_port: int, web_port: int, feeds: int, meetings: int) -> Path:
    config = root / "config"
    config.mkdir()
    (config / "relais.toml").write_text(
        '[relais]\nstaff_role = "Permanence"\n'
        '[feeds]\nallow_hosts = ["127.0.0.0/8"]\n'
        f'[web]\nlisten = "127.0.0.1:{web_port}"\n'
        "[calendar]\nmirror_scheduled_events = false\n",
        encoding="utf-8",
    )
    (config / "feeds.toml").write_text(
        "".join(
            f'[[feed]]\nname = "Flux {i}"\nurl = "http://127.0.0.1:{feeds_port}/{i}.xml"\n'
            'channels = ["msss"]\ninterval_minutes = 5\n\n'
            for i in range(feeds)
        ),
        encoding="utf-8",
    )
    start = datetime.now(UTC).date() + timedelta(days=3)
    lines = [
        '[[delegations]]\nname = "Groupe de travail PSOC"\nrole = "Comité PSOC"\n'
        'channel = "psoc"\n'
    ]
    for i in range(meetings):
        day = start + timedelta(days=i // 4)
        hour = 9 + (i % 4) * 2
        lines.append(
            f'[[meetings]]\nkey = "bench-{i}"\ntitle = "Rencontre {i}"\n'
            f'date = "{day.isoformat()} {hour:02d}:00"\nend = "{hour + 1} h"\n'
            'delegations = ["Groupe de travail PSOC"]\n'
        )
    (config / "calendar.toml").write_text("\n".join(lines), encoding="utf-8")
    return config


async def serve_feeds(feeds: int) -> tuple[web.AppRunner, int]:
    bodies = {f"/{i}.xml": make_feed(i) for i in range(feeds)}

    async def handler(request: web.Request) -> web.Response:
        body = bodies.get(request.path)
        if body is None:
            return web.Response(status=404)
        return web.Response(body=body, content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/{name}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, int(runner.addresses[0][1])


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument("--no-feeds-bench", action="store_true")
    parser.add_argument("--log", action="store_true", help="print Relais's log (start-up)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="relais-startup-") as scratch:
        root = Path(scratch)
        runner, feeds_port = await serve_feeds(args.feeds)
        web_port = free_port()
        config = write_config(root, feeds_port, web_port, args.feeds, args.meetings)
        (root / "inbox").mkdir()
        (root / "inbox" / "note.txt").write_text(
            "Note de la permanence\n\nLa rencontre du comité aura lieu le 14 janvier 2027.\n",
            encoding="utf-8",
        )
        async with FakeDiscord() as fake:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "RELAIS_"))}
            env.update(
                {
                    "DISCORD_TOKEN": fake.token or "",
                    "DISCORD_GUILD_ID": fake.guild_id,
                    "DISCORD_API_BASE": fake.api_base,
                    "DISCORD_GATEWAY_URL": fake.gateway_url,
                    "RELAIS_CONFIG_DIR": str(config),
                    "RELAIS_DATABASE": str(root / "data" / "relais.db"),
                    "RELAIS_INBOX": str(root / "inbox"),
                    "PYTHONPATH": str(REPO),
                }
            )
            log_path = root / "relais.log"
            started = time.perf_counter()
            with log_path.open("wb") as log:
                proc = subprocess.Popen(  # noqa: ASYNC220 (the child is what is measured)
                    [sys.executable, "-m", "bot", "run"], cwd=root, env=env,
                    stdout=log, stderr=subprocess.STDOUT,
                )  # fmt: skip
            ready = first_post = None
            try:
                while ready is None or first_post is None:
                    now = time.perf_counter() - started
                    if ready is None and "Relais is ready" in log_path.read_text(errors="replace"):
                        ready = now
                    if first_post is None and fake.messages:
                        first_post = now
                    if proc.poll() is not None or now > 180:
                        print(log_path.read_text(errors="replace")[-3000:])
                        raise SystemExit("relais did not become ready")
                    await asyncio.sleep(0.01)
                outside = None
                if not args.no_feeds_bench:
                    outside = subprocess.Popen(  # noqa: ASYNC220
                        [sys.executable, str(REPO / "benchmarks" / "feeds.py"), "--quick"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    )  # fmt: skip
                latencies: list[float] = []
                statuses: dict[int, int] = {}
                async with aiohttp.ClientSession() as session:
                    until = time.perf_counter() + args.load_seconds
                    while time.perf_counter() < until:
                        t0 = time.perf_counter()
                        async with session.get(f"http://127.0.0.1:{web_port}/sante") as response:
                            await response.read()
                            statuses[response.status] = statuses.get(response.status, 0) + 1
                        latencies.append((time.perf_counter() - t0) * 1000)
                        await asyncio.sleep(0.05)
                    if outside is not None:
                        outside.terminate()
                        outside.wait(30)
                    # Idle: outbox drained, then 10 s of quiet.
                    quiet_deadline = time.perf_counter() + 300
                    while time.perf_counter() < quiet_deadline:
                        async with session.get(f"http://127.0.0.1:{web_port}/sante") as response:
                            document = await response.json()
                        if document["boite_envoi"]["en_attente"] == 0:
                            break
                        await asyncio.sleep(1)
                    await asyncio.sleep(10)
                    idle = status_mib(proc.pid)
                    async with session.get(f"http://127.0.0.1:{web_port}/metrics") as response:
                        metrics = await response.text()
                posts = len(fake.messages)
                if args.log:
                    print("\n".join(log_path.read_text(errors="replace").splitlines()[:40]))
            finally:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        await runner.cleanup()

    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    print(f"feeds {args.feeds}, calendar meetings {args.meetings} (+ their reminders)")
    print(f"ready after        {ready:.2f} s")
    print(f"first post after   {first_post:.2f} s")
    print(
        f"/sante under load  n={len(latencies)} p50 {statistics.median(latencies):.1f} ms"
        f"  p95 {p(0.95):.1f} ms  max {latencies[-1]:.1f} ms  statuses {statuses}"
        f"  ({'with' if not args.no_feeds_bench else 'without'} benchmarks/feeds.py --quick beside)"
    )
    print(f"idle memory (RSS)  {idle:.1f} MiB, posts sent {posts}")
    sent = [line for line in metrics.splitlines() if line.startswith("relais_posts_sent")]
    print("metrics            " + "; ".join(sent))
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
