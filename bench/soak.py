"""Bounded soak test: concurrent clients on loopback ask real and garbage questions for a fixed
time while the policy is reloaded (SIGHUP and POST /admin/reload, one broken update among
them). Reports 5xx, dropped connections, reloads and the server's RSS at start and end.

With --workers 2 the server runs under gunicorn; reloads are SIGHUPs to the master (one of
them refused), and with --kill one worker is killed (SIGKILL) three quarters of the way in:
failures are then allowed only in the two seconds after the kill, and no more of them than
requests were in flight at that moment.

    .venv/bin/python -m bench.soak --duration 60 --clients 50 --reloads 12
    .venv/bin/python -m bench.soak --duration 60 --clients 50 --reloads 12 --workers 2 --kill
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "corpus" / "emailcenterpro_privacy_statement.md"
TOKEN = "soak-admin-token"
ADDED = "\n\nWe review this statement every year. Changes are posted on this page.\n"
KILL_WINDOW = 2.0  # seconds after a worker's SIGKILL in which its requests may fail

QUESTIONS = [
    "Do you sell my email address?",
    "do u sell my emial",
    "How long do you keep my data?",
    "Do you use cookies?",
    "Can I delete my account?",
    "What information do you collect?",
    "is my credit card 4111 1111 1111 1111 safe?",
    "hello",
    "I want to talk to a person",
    "What's the weather tomorrow?",
]


def garbage(rng: random.Random) -> tuple[str, str, bytes | None, dict[str, str]]:
    """A bad request: (method, path, body, headers)."""
    js = {"Content-Type": "application/json"}
    choice = rng.randrange(10)
    if choice == 0:
        return "POST", "/api/v1/ask", b'{"question": ', js
    if choice == 1:
        return "POST", "/api/v1/ask", json.dumps({"question": rng.randrange(99)}).encode(), js
    if choice == 2:
        return "POST", "/api/v1/ask", b'{"question": "hi"}', {"Content-Type": "text/plain"}
    if choice == 3:
        return "POST", "/api/v1/ask", json.dumps({"question": "a" * 1001}).encode(), js
    if choice == 4:
        return "POST", "/api/v1/ask", b"[" * 3000, js
    if choice == 5:
        return (
            "GET",
            f"/api/v1/search?q=email&limit={rng.choice(['0', '-1', '9' * 30, 'x'])}",
            None,
            {},
        )
    if choice == 6:
        return "GET", "/api/v1/clauses/" + "".join(rng.choices("abc-123", k=20)), None, {}
    if choice == 7:
        return "DELETE", "/api/v1/ask", None, {}
    if choice == 8:
        text = "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(1, 200)))
        return "POST", "/api/v1/ask", json.dumps({"question": text}).encode(), js
    return "POST", "/api/v1/ask", b'{"question": "\xff\xfe"}', js


@dataclass
class Report:
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    dropped: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    reloads: int = 0
    rejected_reloads: int = 0
    rss_start_kib: int = 0
    rss_end_kib: int = 0
    latencies: list[float] = field(default_factory=list)
    in_flight: int = 0  # requests sent and not yet answered, now
    killed_at: float | None = None  # time.monotonic() of the SIGKILL to a worker
    in_flight_at_kill: int = 0
    victim_connections: int = 0  # clients' connections the killed worker held (one request each)
    failures: list[tuple[float, str]] = field(default_factory=list)  # (when, what)

    @property
    def failures_after_kill(self) -> int:
        """Failures within KILL_WINDOW seconds after the kill."""
        if self.killed_at is None:
            return 0
        start = self.killed_at
        return sum(1 for when, _ in self.failures if start <= when <= start + KILL_WINDOW)

    @property
    def failures_otherwise(self) -> int:
        """Failures (dropped connections and 5xx) at any other time: must be 0."""
        return len(self.failures) - self.failures_after_kill

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def lines(self) -> list[str]:
        lat = sorted(self.latencies) or [0.0]
        return [
            f"requests {self.requests}, statuses {dict(sorted(self.statuses.items()))}",
            f"5xx {self.server_errors}, dropped connections {self.dropped} {dict(self.errors)}",
            f"reloads {self.reloads} ok, {self.rejected_reloads} broken update(s) rejected",
            f"latency p50 {lat[len(lat) // 2] * 1000:.1f} ms, "
            f"p99 {lat[int(len(lat) * 0.99)] * 1000:.1f} ms",
            f"server RSS start {self.rss_start_kib / 1024:.1f} MiB, "
            f"end {self.rss_end_kib / 1024:.1f} MiB",
            *(
                [
                    f"worker killed holding {self.victim_connections} connection(s), "
                    f"{self.in_flight_at_kill} request(s) in flight in all: "
                    f"{self.failures_after_kill} failure(s) in the {KILL_WINDOW:g} s after, "
                    f"{self.failures_otherwise} at other times"
                ]
                if self.killed_at is not None
                else []
            ),
        ]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _client(
    n: int, url: str, deadline: float, report: Report, session: aiohttp.ClientSession
) -> None:
    rng = random.Random(n)
    while time.monotonic() < deadline:
        if rng.random() < 0.3:
            method, path, body, headers = garbage(rng)
        elif rng.random() < 0.8:
            method, path = "POST", "/api/v1/ask"
            body = json.dumps({"question": rng.choice(QUESTIONS)}).encode()
            headers = {"Content-Type": "application/json"}
        else:
            method, path, body, headers = "GET", "/api/v1/search?q=cookies&limit=5", None, {}
        started = time.monotonic()
        report.in_flight += 1
        try:
            async with session.request(method, url + path, data=body, headers=headers) as resp:
                await resp.read()
                report.statuses[resp.status] += 1
                if resp.status >= 500:
                    report.failures.append((time.monotonic(), f"{resp.status} {path}"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            report.dropped += 1
            report.errors[type(exc).__name__] += 1
            report.failures.append((time.monotonic(), type(exc).__name__))
        finally:
            report.in_flight -= 1
        report.requests += 1
        report.latencies.append(time.monotonic() - started)


async def _reloader(
    url: str,
    proc: subprocess.Popen[bytes],
    policy: Path,
    count: int,
    duration: float,
    report: Report,
    session: aiohttp.ClientSession,
) -> None:
    original = policy.read_text(encoding="utf-8")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for n in range(count):
        await asyncio.sleep(duration / (count + 1))
        if n == count // 2:  # one broken update: refused, the old policy keeps serving
            policy.write_text("", encoding="utf-8")
            async with session.post(f"{url}/admin/reload", headers=headers) as resp:
                await resp.read()
                report.rejected_reloads += resp.status == 422
            policy.write_text(original, encoding="utf-8")
            continue
        policy.write_text(original + (ADDED if n % 2 == 0 else ""), encoding="utf-8")
        if n % 2:
            proc.send_signal(signal.SIGHUP)  # counted from the server's log at the end
        else:
            async with session.post(f"{url}/admin/reload", headers=headers) as resp:
                await resp.read()


async def _wait_for_log(log: Path, text: str, count: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while log.read_text(encoding="utf-8", errors="replace").count(text) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {text!r} in the server log after {seconds:g} s")
        await asyncio.sleep(0.05)


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid`."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return sorted(out)


def _connections_of(pid: int, port: int) -> int:
    """Established TCP connections to `port` that process `pid` holds (Linux /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = str(fd.readlink())
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
                if fields[3] == "01" and local_port == port and fields[9] in inodes:
                    count += 1
    return count


async def _sighup_reloader(
    proc: subprocess.Popen[bytes],
    policy: Path,
    log: Path,
    count: int,
    duration: float,
    report: Report,
    kill: bool,
    port: int,
) -> None:
    """Under gunicorn: every reload is a SIGHUP to the master, one of them of a broken policy,
    each waited for in the log; then, with `kill`, one worker is killed."""
    original = policy.read_text(encoding="utf-8")
    span = duration * (0.6 if kill else 1.0)
    done = rejected = 0
    for n in range(count):
        await asyncio.sleep(span / (count + 1))
        if n == count // 2:  # one broken update: refused, nothing changes
            policy.write_text("", encoding="utf-8")
            proc.send_signal(signal.SIGHUP)
            rejected += 1
            await _wait_for_log(log, "policy reload rejected", rejected)
            policy.write_text(original, encoding="utf-8")
            continue
        policy.write_text(original + (ADDED if n % 2 == 0 else ""), encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        done += 1
        await _wait_for_log(log, "policy reloaded", done)
    report.rejected_reloads = rejected
    if kill:
        await asyncio.sleep(max(0.0, duration * 0.75 - span))
        held = {pid: _connections_of(pid, port) for pid in children(proc.pid)}
        victim = max(held, key=lambda pid: held[pid])  # the one whose loss shows most
        report.victim_connections = held[victim]
        report.in_flight_at_kill = report.in_flight
        report.killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)


async def soak(
    duration: float = 10.0,
    clients: int = 20,
    reloads: int = 5,
    workers: int = 1,
    kill: bool = False,
) -> Report:
    """Serves a copy of the bundled policy in a subprocess on 127.0.0.1 and soaks it."""
    workdir = Path(tempfile.mkdtemp(prefix="policy-qa-soak-"))
    policy = workdir / POLICY.name
    shutil.copy(POLICY, policy)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_QA_")}
    env.update(POLICY_QA_ADMIN_TOKEN=TOKEN, POLICY_QA_RATE_LIMIT="0")
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "run.py"),
            "serve",
            "--port",
            str(port),
            "--policy",
            str(policy),
            "--workers",
            str(workers),
            "--database",  # insights on, as shipped, in the soak's own directory
            f"sqlite:///{workdir / 'insights.db'}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    report = Report()
    try:
        timeout = aiohttp.ClientTimeout(total=10)
        connector = aiohttp.TCPConnector(limit=clients)
        async with (
            aiohttp.ClientSession(timeout=timeout, connector=connector) as session,
            aiohttp.ClientSession(timeout=timeout) as admin,  # never queued behind visitors
        ):
            for _ in range(300):  # up to 30 s to start
                try:
                    async with session.get(f"{url}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            report.rss_start_kib = rss_kib(proc.pid)
            deadline = time.monotonic() + duration
            if workers > 1:
                reloader = _sighup_reloader(
                    proc, policy, workdir / "server.log", reloads, duration, report, kill, port
                )
            else:
                reloader = _reloader(url, proc, policy, reloads, duration, report, admin)
            await asyncio.gather(
                reloader, *(_client(n, url, deadline, report, session) for n in range(clients))
            )
            report.rss_end_kib = rss_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()
    text = (workdir / "server.log").read_text(encoding="utf-8", errors="replace")
    # A killed worker is logged by gunicorn, without a traceback of ours.
    report.errors["server-log-tracebacks"] = text.count("Traceback")
    report.errors["server-log-errors"] = text.count("Logging error")
    report.reloads = text.count("policy reloaded")
    if proc.returncode != 0:
        report.errors[f"exit-{proc.returncode}"] += 1
    shutil.rmtree(workdir, ignore_errors=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds (10)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--reloads", type=int, default=5, help="policy reloads (5)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (1)")
    parser.add_argument("--kill", action="store_true", help="SIGKILL a worker (with --workers)")
    args = parser.parse_args()
    kill = args.kill and args.workers > 1
    report = asyncio.run(soak(args.duration, args.clients, args.reloads, args.workers, kill))
    print("\n".join(report.lines()))
    failed = (
        report.failures_otherwise
        or report.failures_after_kill > report.victim_connections
        or report.errors["server-log-tracebacks"]
    )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
