"""Short soaks (bench/soak.py with small numbers): many clients, real and garbage questions,
policy reloads under load, one process and then two gunicorn workers. Zero 5xx, zero dropped
connections, memory roughly flat; a worker killed costs at most the requests it held."""

from __future__ import annotations

import pytest

from bench.soak import soak


@pytest.mark.soak
async def test_soak_with_reloads() -> None:
    report = await soak(duration=10, clients=20, reloads=5)
    print("\n".join(report.lines()))
    assert report.requests > 1000
    assert report.statuses[200] > 0 and report.statuses[422] > 0  # both kinds were asked
    assert report.server_errors == 0
    assert report.dropped == 0, report.errors
    assert report.errors["server-log-tracebacks"] == 0
    assert report.reloads == 4  # two by SIGHUP, two by POST /admin/reload
    assert report.rejected_reloads == 1
    # Engines swapped out must be freed: allow noise, not one engine's worth per reload.
    assert report.rss_end_kib - report.rss_start_kib < 48 * 1024


@pytest.mark.soak
async def test_soak_under_two_workers_with_reloads_and_a_killed_worker() -> None:
    report = await soak(duration=8, clients=16, reloads=3, workers=2, kill=True)
    print("\n".join(report.lines()))
    assert report.requests > 1000
    assert report.reloads == 2 and report.rejected_reloads == 1  # by SIGHUP to the master
    assert report.failures_otherwise == 0, report.failures  # reloads, good or refused: none
    assert report.killed_at is not None and report.victim_connections > 0
    assert report.failures_after_kill <= report.victim_connections
    assert report.errors["server-log-tracebacks"] == 0
    assert report.errors["server-log-errors"] == 0
