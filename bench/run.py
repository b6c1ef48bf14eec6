"""`make bench`: policy-qa beside a bare aiohttp handler, on this machine, in one run.

Load: wrk (Debian) on loopback, `ask.lua` rotating 1,000 distinct questions, bounded in
connections and seconds. Each single-process server is pinned to CPU 0 and wrk to CPU 1
(when there are two), so both servers get the same core and the same load generator.
Any non-2xx reply or socket error fails the run: it would have measured nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from questions import questions  # noqa: E402
from soak import children  # noqa: E402
from synthetic import synthetic_policy  # noqa: E402

PY = sys.executable


class BenchError(RuntimeError):
    pass


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    percentiles: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    ready_s: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pin(cpus: str | None) -> list[str]:
    if cpus and shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", cpus]
    return []


def _ask(port: int, question: str = "do you sell my email?") -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/ask",
        data=json.dumps({"question": question}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()
        return int(response.status)


def start(args: list[str], cpus: str | None) -> Server:
    """Start a server on a free loopback port; time until its first answered request."""
    port = _free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*_pin(cpus), PY, *args, "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = t0 + 60
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"{args} exited with {proc.returncode}")
        try:
            if _ask(port) == 200:
                return Server(proc, port, time.perf_counter() - t0)
        except OSError:
            time.sleep(0.01)
    proc.kill()
    raise BenchError(f"{args} did not answer within 60 s")


def stop(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


def _summed_mib(pid: int, file: str, field: str) -> float:
    """A /proc memory field (in kB) of the process and its children, summed, in MiB."""
    total = 0
    for p in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{p}/{file}").read_text().splitlines():
                if line.startswith(field):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory (VmHWM) of the process and its children, summed."""
    return _summed_mib(pid, "status", "VmHWM:")


def pss_mib(pid: int) -> float:
    """Proportional set size of the process and its children: shared pages counted once."""
    return _summed_mib(pid, "smaps_rollup", "Pss:")


def wrk(port: int, bodies: Path, seconds: int, connections: int, cpus: str | None) -> Load:
    out = subprocess.run(
        [
            *_pin(cpus),
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(HERE / "ask.lua"),
            f"http://127.0.0.1:{port}/api/v1/ask",
        ],
        env={**os.environ, "BENCH_BODIES": str(bodies)},
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    line = next((x for x in out.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise BenchError(f"wrk printed no result:\n{out}")
    r = json.loads(line[6:])
    bad = {k: r[k] for k in r if k.endswith(("_errors", "timeouts")) and r[k]}
    if bad:
        raise BenchError(f"non-2xx replies or socket errors, the run measured nothing: {bad}")
    if r["requests"] < 100:
        raise BenchError(f"only {r['requests']} requests completed")
    points = [(float(p), us / 1000) for p, us in r["percentiles"]]
    by = dict(points)
    return Load(r["requests"] / (r["duration_us"] / 1e6), by[50.0], by[99.0], r["requests"], points)


def _median(runs: list[Load]) -> Load:
    """The run with the median throughput (its latencies come with it)."""
    ordered = sorted(runs, key=lambda r: r.rps)
    return ordered[len(ordered) // 2]


def inprocess(policy: Path | None, qs: list[str]) -> dict[str, float]:
    """Build time and per-question answer time; a fresh engine, each question once."""
    code = r"""
import json, sys, time, statistics
from dataclasses import replace
from pathlib import Path
from qa_service.engine import Engine
from qa_service.config import Settings
policy, qs = sys.argv[1], json.loads(sys.stdin.read())
t0 = time.perf_counter()
settings = Settings(policy=Path(policy)) if policy else Settings()
engine = Engine.from_settings(replace(settings, answer_cache=0))  # time the work, not a cache
build = time.perf_counter() - t0
def run():
    times = []
    for q in qs:
        t = time.perf_counter(); engine.answer(q); times.append(time.perf_counter() - t)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99)]
cold, cold99 = run()
warm, warm99 = run()
print(json.dumps({"clauses": len(engine.policy.clauses), "build_s": build,
                  "cold_us": cold * 1e6, "cold_p99_us": cold99 * 1e6,
                  "warm_us": warm * 1e6, "warm_p99_us": warm99 * 1e6}))
"""
    out = subprocess.run(
        [*_pin("0"), PY, "-c", code, str(policy or "")],
        input=json.dumps(qs),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="per load run")
    parser.add_argument("--rounds", type=int, default=3, help="load runs per server")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--sizes", default="1000,10000", help="synthetic policy sizes")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "performance.png")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (make bench installs it with apt-get)")

    qs = questions(args.questions)
    rows: list[tuple[str, str, str, str]] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        bodies = Path(tmp) / "bodies.txt"
        bodies.write_text("".join(json.dumps({"question": q}) + "\n" for q in qs))

        # --- HTTP. Both servers run side by side and take turns under load, round after
        # round, so a noisy neighbour on the machine weighs on both alike; medians reported.
        # One process each: servers on CPU 0, wrk on CPU 1. Two workers: no pinning.
        loads: dict[str, Load] = {}
        ready: dict[str, float] = {}
        rss: dict[str, float] = {}
        pss: dict[str, float] = {}
        # policy-qa runs with its answer cache off, except in the separate "cached" case.
        # The rate limit is off: one load generator is one client, and a 429 measures nothing.
        # Insights are on, as shipped, into a database of the run's own; "qa_off" is the same
        # server with them off, to measure what recording costs.
        nocache = ["--answer-cache", "0", "--rate-limit", "0"]
        for suffix, extra, server_cpus, wrk_cpus in [
            ("", [], "0", "1"),
            ("2", ["--workers", "2"], None, None),
        ]:
            database = ["--database", f"sqlite:///{Path(tmp) / f'insights{suffix}.db'}"]
            commands = {
                "bare" + suffix: ["bench/bare_server.py", *extra],
                "qa" + suffix: ["run.py", "serve", *extra, *nocache, *database],
            }
            if not suffix:
                commands["qa_off"] = ["run.py", "serve", *nocache, "--insights", "off"]
                commands["cached"] = ["run.py", "serve", "--rate-limit", "0", *database]
            servers: dict[str, Server] = {}
            try:
                for name, command in commands.items():
                    servers[name] = start(command, server_cpus)
                runs: dict[str, list[Load]] = {name: [] for name in servers}
                for name, server in servers.items():
                    ready[name] = server.ready_s
                    wrk(server.port, bodies, 2, args.connections, wrk_cpus)  # warm-up
                for _ in range(args.rounds):
                    for name, server in servers.items():
                        runs[name].append(
                            wrk(server.port, bodies, args.seconds, args.connections, wrk_cpus)
                        )
                for name, server in servers.items():
                    loads[name] = _median(runs[name])
                    rss[name] = peak_rss_mib(server.proc.pid)
                    pss[name] = pss_mib(server.proc.pid)
            finally:
                for server in servers.values():
                    stop(server)

        # --- in-process: bundled statement and synthetic policies --------------------------
        sizes = [int(s) for s in args.sizes.split(",") if s]
        engine = {"bundled": inprocess(None, qs)}
        for size in sizes:
            path = Path(tmp) / f"synthetic_{size}.md"
            path.write_text(synthetic_policy(size), encoding="utf-8")
            engine[f"{size:,} clauses"] = inprocess(path, qs)

    bare, qa = loads["bare"], loads["qa"]
    ratio = qa.rps / bare.rps

    def row(name: str, ours: float, ref: float | None, fmt: str) -> None:
        ratio = "-" if not ref else f"{ours / ref:.2f}"
        rows.append((name, format(ours, fmt), "-" if ref is None else format(ref, fmt), ratio))

    c = args.connections
    row(f"POST /api/v1/ask, 1 process, {c} conns, no cache (req/s)", qa.rps, bare.rps, ",.0f")
    row("  latency p50 (ms)", qa.p50_ms, bare.p50_ms, ".2f")
    row("  latency p99 (ms)", qa.p99_ms, bare.p99_ms, ".2f")
    off = loads["qa_off"]
    row("  insights off (req/s)", off.rps, bare.rps, ",.0f")
    row("    latency p99 (ms)", off.p99_ms, bare.p99_ms, ".2f")
    row("  insights on / insights off, throughput", qa.rps / off.rps, None, ".2f")
    cached = loads["cached"]
    row("  answer cache on, the same questions repeating (req/s)", cached.rps, bare.rps, ",.0f")
    row("    latency p50 (ms)", cached.p50_ms, bare.p50_ms, ".2f")
    row("    latency p99 (ms)", cached.p99_ms, bare.p99_ms, ".2f")
    row("POST /api/v1/ask, --workers 2 (req/s)", loads["qa2"].rps, loads["bare2"].rps, ",.0f")
    row("  latency p50 (ms)", loads["qa2"].p50_ms, loads["bare2"].p50_ms, ".2f")
    row("  latency p99 (ms)", loads["qa2"].p99_ms, loads["bare2"].p99_ms, ".2f")
    row(
        "  2 workers / 1 process, throughput",
        loads["qa2"].rps / qa.rps,
        loads["bare2"].rps / bare.rps,
        ".2f",
    )
    row("start-up to first answered request (s)", ready["qa"], ready["bare"], ".2f")
    row("peak RSS, 1 process (MiB)", rss["qa"], rss["bare"], ".0f")
    row("  insights off (MiB)", rss["qa_off"], rss["bare"], ".0f")
    row("peak RSS, master + 2 workers, summed (MiB)", rss["qa2"], rss["bare2"], ".0f")
    row("PSS after load, master + 2 workers (MiB)", pss["qa2"], pss["bare2"], ".0f")
    for name, e in engine.items():
        label = f"answer() median, {name} ({int(e['clauses']):,} clauses), first pass (us)"
        if name != "bundled":
            label = f"answer() median, synthetic, {int(e['clauses']):,} clauses, first pass (us)"
        row(label, e["cold_us"], None, ",.0f")
        row("  second pass, word caches warm (us)", e["warm_us"], None, ",.0f")
        row("  p99 first pass (us)", e["cold_p99_us"], None, ",.0f")
        row("  engine build (s)", e["build_s"], None, ".2f")

    print(f"\nmachine: {machine()}")
    print(
        f"load: wrk, 1 thread, {c} connections, {args.rounds} rounds of {args.seconds} s per "
        f"server (median shown), {len(qs):,} distinct questions rotating"
    )
    print("\n| figure | policy-qa | bare aiohttp | ratio |\n| --- | ---: | ---: | ---: |")
    for r in rows:
        print("| " + " | ".join(r) + " |")

    # The budgets (docs/performance.md): what a website needs, with room to spare.
    if ratio < 0.3:
        failures.append(f"throughput is {ratio:.0%} of the bare handler's (budget 30%)")
    if engine["bundled"]["cold_us"] > 300:
        failures.append(f"answer() median is {engine['bundled']['cold_us']:.0f} us (budget 300)")
    if qa.rps < 0.9 * off.rps:
        failures.append(f"insights cost {1 - qa.rps / off.rps:.0%} of throughput (budget 10%)")
    biggest = engine[f"{max(sizes):,} clauses"] if sizes else None
    if biggest and biggest["cold_us"] > 1000:
        failures.append(
            f"answer() median is {biggest['cold_us']:.0f} us at {max(sizes):,} clauses "
            "(budget 1,000)"
        )
    if rss["qa"] > 150:
        failures.append(f"peak RSS is {rss['qa']:.0f} MiB (budget 150)")
    if ready["qa"] > 2:
        failures.append(f"start-up to the first answer took {ready['qa']:.2f} s (budget 2)")
    _plot(args.plot, loads, engine)
    for f in failures:
        print(f"budget missed: {f}")
    return 3 if failures else 0


def _plot(path: Path, loads: dict[str, Load], engine: dict[str, dict[str, float]]) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot (pip install -e '.[bench]')")
        return
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for key, label in [
        ("bare", "bare aiohttp"),
        ("qa", "policy-qa"),
        ("qa_off", "policy-qa, insights off"),
        ("cached", "policy-qa, answer cache on"),
        ("bare2", "bare aiohttp, 2 workers"),
        ("qa2", "policy-qa, 2 workers"),
    ]:
        pts = loads[key].percentiles
        left.plot([ms for _, ms in pts], [p for p, _ in pts], marker=".", label=label)
    left.set_xscale("log")
    left.set_xlabel("latency (ms, log scale)")
    left.set_ylabel("percentile")
    left.set_title("Latency under load (wrk, loopback)")
    left.legend()
    left.grid(alpha=0.3)
    xs = [e["clauses"] for e in engine.values()]
    right.plot(xs, [e["cold_us"] for e in engine.values()], marker="o", label="median, first pass")
    right.plot(xs, [e["cold_p99_us"] for e in engine.values()], marker="o", label="p99, first pass")
    right.plot(xs, [e["warm_us"] for e in engine.values()], marker="o", label="median, warm")
    right.set_xscale("log")
    right.set_xlabel("clauses in the policy")
    right.set_ylabel("answer() time (us)")
    right.set_title("In-process answer time vs policy size")
    right.legend()
    right.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"plot: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    raise SystemExit(main())
