"""A short soak (bench/soak.py with small numbers): many clients, real and garbage questions,
policy reloads under load. Zero 5xx, zero dropped connections, memory roughly flat."""

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
