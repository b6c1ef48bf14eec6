"""Token buckets per client: the pure limiter on a fake clock, then 429s from the real app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web

from qa_service.config import Settings
from qa_service.ratelimit import Limiter, bucket_key, client_address, parse_networks


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    clock = Clock()
    limiter = Limiter(6, clock=clock)  # 6 a minute: one token every 10 s
    decisions = [limiter.hit("a") for _ in range(7)]
    assert [d.allowed for d in decisions] == [True] * 6 + [False]
    assert [d.remaining for d in decisions[:6]] == [5, 4, 3, 2, 1, 0]
    assert decisions[-1].retry_after == 10
    assert limiter.hit("b").allowed  # another client has its own bucket
    clock.now += 10
    assert limiter.hit("a").allowed
    assert not limiter.hit("a").allowed
    clock.now += 60
    assert limiter.hit("a").remaining == 5  # full again, never more than the limit


def test_idle_buckets_are_evicted_and_the_table_is_bounded() -> None:
    clock = Clock()
    limiter = Limiter(60, max_clients=100, clock=clock)
    for n in range(1000):
        limiter.hit(f"10.0.{n // 256}.{n % 256}")
    assert len(limiter.buckets) == 100  # least recently seen dropped past the bound
    clock.now += 61
    limiter.hit("fresh")
    assert list(limiter.buckets) == ["fresh"]  # idle ones were full again: forgotten


def test_client_address_trusts_forwarded_for_only_from_trusted_proxies() -> None:
    trusted = parse_networks(["127.0.0.1", "10.0.0.0/8"])
    xff = "203.0.113.9, 198.51.100.7, 10.1.2.3"
    assert client_address("192.0.2.1", xff, trusted) == "192.0.2.1"  # not a proxy: ignored
    assert client_address("192.0.2.1", xff, ()) == "192.0.2.1"
    assert client_address("127.0.0.1", xff, trusted) == "198.51.100.7"  # right-most untrusted
    assert client_address("127.0.0.1", "spoofed, 203.0.113.9", trusted) == "203.0.113.9"
    assert client_address("127.0.0.1", "not-an-ip", trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", None, trusted) == "127.0.0.1"
    assert client_address(None, None, trusted) == "unknown"


def test_every_forwarded_for_line_counts_and_the_right_most_untrusted_hop_wins() -> None:
    trusted = parse_networks(["127.0.0.1", "10.0.0.0/8"])
    # The client's own line, then the line HAProxy adds with the address it saw.
    lines = ["203.0.113.66, 198.51.100.1", "192.0.2.44"]
    assert client_address("127.0.0.1", lines, trusted) == "192.0.2.44"
    assert client_address("127.0.0.1", ["192.0.2.44", "10.1.1.1"], trusted) == "192.0.2.44"
    assert client_address("127.0.0.1", ["[2001:db8::7]:443"], trusted) == "2001:db8::7"
    assert client_address("127.0.0.1", ["192.0.2.44:5678"], trusted) == "192.0.2.44"
    assert client_address("127.0.0.1", [], trusted) == "127.0.0.1"


def test_ipv6_clients_share_a_bucket_per_64() -> None:
    keys = {bucket_key(f"2001:db8:1:2:{n:x}::{n:x}") for n in range(200)}
    assert keys == {"2001:db8:1:2::/64"}
    assert bucket_key("2001:db8:1:3::1") != bucket_key("2001:db8:1:2::1")
    assert bucket_key("::ffff:192.0.2.1") == "192.0.2.1" == bucket_key("192.0.2.1")
    assert bucket_key("192.0.2.1") != bucket_key("192.0.2.2")
    assert bucket_key("unknown") == "unknown"


def test_settings_from_env() -> None:
    settings = Settings.from_env(
        {"POLICY_QA_RATE_LIMIT": "0", "POLICY_QA_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}
    )
    assert settings.rate_limit == 0
    assert settings.trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    assert Settings().rate_limit == 120
    with pytest.raises(ValueError):
        parse_networks(["not-a-network"])


async def test_app_answers_429_with_ratelimit_headers(
    aiohttp_client: Callable[..., Any], make_app: Callable[..., web.Application]
) -> None:
    client = await aiohttp_client(make_app(rate_limit=3))
    for remaining in (2, 1, 0):
        response = await client.get("/api/v1/clauses")
        assert response.status == 200
        assert response.headers["RateLimit-Policy"] == '"default";q=3;w=60'
        assert response.headers["RateLimit"].startswith(f'"default";r={remaining};t=')
    response = await client.post("/api/v1/ask", json={"question": "do you sell my email?"})
    assert response.status == 429
    assert response.content_type == "application/problem+json"
    body = await response.json(content_type="application/problem+json")
    assert body["status"] == 429 and body["title"] == "Too Many Requests"
    assert 1 <= int(response.headers["Retry-After"]) <= 20
    assert response.headers["RateLimit"].startswith('"default";r=0;t=')
    assert response.headers["X-Request-ID"]
    health = await client.get("/healthz")  # probes are never limited
    assert health.status == 200
    for path in ("/widget.js", "/policy", "/static/pages.css"):  # nor the pages and assets
        assert (await client.get(path)).status == 200


async def test_forwarded_for_counts_per_visitor_behind_a_trusted_proxy(
    aiohttp_client: Callable[..., Any], make_app: Callable[..., web.Application]
) -> None:
    client = await aiohttp_client(make_app(rate_limit=1, trusted_proxies=("127.0.0.1",)))
    first = await client.get("/api/v1/clauses", headers={"X-Forwarded-For": "203.0.113.1"})
    second = await client.get("/api/v1/clauses", headers={"X-Forwarded-For": "203.0.113.2"})
    again = await client.get("/api/v1/clauses", headers={"X-Forwarded-For": "203.0.113.1"})
    assert (first.status, second.status, again.status) == (200, 200, 429)


async def test_a_second_forwarded_for_line_does_not_bypass_the_limit(
    aiohttp_client: Callable[..., Any], make_app: Callable[..., web.Application]
) -> None:
    """Behind a proxy that adds its own X-Forwarded-For line, a client writing a new address
    in its own line each time is still one client."""
    client = await aiohttp_client(make_app(rate_limit=2, trusted_proxies=("127.0.0.1",)))
    statuses = []
    for n in range(4):
        headers = [("X-Forwarded-For", f"203.0.113.{n}"), ("X-Forwarded-For", "198.51.100.7")]
        response = await client.get("/api/v1/clauses", headers=headers)
        statuses.append(response.status)
    assert statuses == [200, 200, 429, 429]


async def test_one_ipv6_64_is_one_client(
    aiohttp_client: Callable[..., Any], make_app: Callable[..., web.Application]
) -> None:
    client = await aiohttp_client(make_app(rate_limit=3, trusted_proxies=("127.0.0.1",)))
    statuses = []
    for n in range(200):
        headers = {"X-Forwarded-For": f"2001:db8:aa:bb:{n:x}:{n:x}::1"}
        statuses.append((await client.get("/api/v1/clauses", headers=headers)).status)
    assert statuses.count(200) == 3 and statuses.count(429) == 197
    other = await client.get("/api/v1/clauses", headers={"X-Forwarded-For": "2001:db8:aa:bc::1"})
    assert other.status == 200


async def test_forwarded_for_is_ignored_without_a_trusted_proxy(
    aiohttp_client: Callable[..., Any], make_app: Callable[..., web.Application]
) -> None:
    client = await aiohttp_client(make_app(rate_limit=1))
    first = await client.get("/api/v1/clauses", headers={"X-Forwarded-For": "203.0.113.1"})
    second = await client.get("/api/v1/clauses", headers={"X-Forwarded-For": "203.0.113.2"})
    assert (first.status, second.status) == (200, 429)


async def test_zero_turns_limiting_off(
    aiohttp_client: Callable[..., Any], make_app: Callable[..., web.Application]
) -> None:
    client = await aiohttp_client(make_app(rate_limit=0))
    for _ in range(100):
        response = await client.get("/healthz")
        assert response.status == 200
    response = await client.get("/api/v1/clauses")
    assert "RateLimit" not in response.headers


async def test_searches_have_a_budget_of_their_own(
    aiohttp_client: Callable[..., Any], make_app: Callable[..., web.Application]
) -> None:
    """An agent searching as they type never uses up what a visitor's questions may use,
    nor the other way round."""
    client = await aiohttp_client(make_app(rate_limit=2, search_rate_limit=5))
    for remaining in (4, 3, 2, 1, 0):
        response = await client.get("/api/v1/search?q=cookies")
        assert response.status == 200
        assert response.headers["RateLimit-Policy"] == '"search";q=5;w=60'
        assert response.headers["RateLimit"].startswith(f'"search";r={remaining};t=')
    assert (await client.get("/api/v1/search?q=cookies")).status == 429
    for _ in range(2):  # the visitors' budget is untouched, and as tight as it was
        response = await client.post("/api/v1/ask", json={"question": "do you sell my email?"})
        assert response.status == 200
        assert response.headers["RateLimit-Policy"] == '"default";q=2;w=60'
    assert (await client.post("/api/v1/ask", json={"question": "cookies?"})).status == 429


async def test_search_budget_zero_counts_searches_with_the_rest(
    aiohttp_client: Callable[..., Any], make_app: Callable[..., web.Application]
) -> None:
    client = await aiohttp_client(make_app(rate_limit=2, search_rate_limit=0))
    assert (await client.get("/api/v1/search?q=cookies")).status == 200
    assert (await client.get("/api/v1/clauses")).status == 200
    response = await client.get("/api/v1/search?q=cookies")
    assert response.status == 429
    assert response.headers["RateLimit-Policy"] == '"default";q=2;w=60'


def test_search_budget_from_env_and_default() -> None:
    assert Settings().search_rate_limit == 300  # 5 a second, for a minute on end
    assert Settings.from_env({"POLICY_QA_SEARCH_RATE_LIMIT": "50"}).search_rate_limit == 50
    with pytest.raises(ValueError):
        Settings(search_rate_limit=-1)
