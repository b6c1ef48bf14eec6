"""Per-client rate limiting: a token bucket per client address, answered with 429 when empty.

Headers follow the IETF draft httpapi-ratelimit-headers: `RateLimit-Policy: "default";q=60;w=60`
and `RateLimit: "default";r=<left>;t=<seconds until full>`, plus `Retry-After` on 429. Searches
have a budget of their own ("search"), sized for an agent searching as they type.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from aiohttp import web
from aiohttp.web_response import StreamResponse

from qa_service.config import Settings
from qa_service.errors import problem_response

WINDOW = 60.0  # seconds: the limit is N requests per minute
# What costs the engine work is limited, and the insights login (guessing the token);
# pages, the widget's assets and health probes are cheap, and a visitor browsing a site that
# embeds the widget must not use up their budget.
LIMITED = ("/api/", "/admin/", "/insights/login")
SEARCH = "/api/v1/search"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(slots=True)
class Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    remaining: int
    reset: int  # seconds until the bucket is full again
    retry_after: int  # seconds until one request is allowed (0 when allowed)


class Limiter:
    """Token buckets keyed by client, `limit` per minute with bursts up to `limit`.

    The table holds at most `max_clients` buckets: idle buckets that have refilled are dropped
    (they are the same as a new one), and past the bound the least recently seen go first.
    """

    def __init__(
        self,
        limit: int,
        *,
        name: str = "default",
        trusted: tuple[Network, ...] = (),
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.name = name
        self.trusted = trusted
        self.rate = limit / WINDOW  # tokens per second
        self.max_clients = max_clients
        self.clock = clock
        self.buckets: OrderedDict[str, Bucket] = OrderedDict()
        self._next_sweep = 0.0

    @property
    def policy(self) -> str:
        return f'"{self.name}";q={self.limit};w={int(WINDOW)}'

    def hit(self, client: str) -> Decision:
        now = self.clock()
        self._sweep(now)
        bucket = self.buckets.get(client)
        if bucket is None:
            bucket = self.buckets[client] = Bucket(float(self.limit), now)
            while len(self.buckets) > self.max_clients:
                self.buckets.popitem(last=False)
        else:
            self.buckets.move_to_end(client)
            bucket.tokens = min(self.limit, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        allowed = bucket.tokens >= 1.0
        if allowed:
            bucket.tokens -= 1.0
        reset = math.ceil((self.limit - bucket.tokens) / self.rate)
        retry = 0 if allowed else max(1, math.ceil((1.0 - bucket.tokens) / self.rate))
        return Decision(allowed, int(bucket.tokens), reset, retry)

    def _sweep(self, now: float) -> None:
        # A bucket untouched for a whole window is full again: forgetting it changes nothing.
        if now < self._next_sweep:
            return
        self._next_sweep = now + WINDOW / 4
        idle = [k for k, b in self.buckets.items() if now - b.updated >= WINDOW]
        for key in idle:
            del self.buckets[key]


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks ('10.0.0.1', '10.0.0.0/8', '::1'); raises ValueError on others."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values)


def _address(hop: str) -> IPAddress | None:
    """An address as proxies write it: bare, "[v6]:port" or "v4:port"; None if garbled."""
    hop = hop.strip()
    if hop.startswith("["):
        hop = hop[1:].partition("]")[0]
    elif hop.count(":") == 1:
        hop = hop.partition(":")[0]
    try:
        return ipaddress.ip_address(hop)
    except ValueError:
        return None


def _in(address: str, networks: tuple[Network, ...]) -> bool:
    ip = _address(address)
    return ip is not None and any(ip in net for net in networks)


def client_address(
    remote: str | None, forwarded_for: str | Sequence[str] | None, trusted: tuple[Network, ...]
) -> str:
    """The peer's address, or, when the peer is a trusted proxy, the nearest untrusted hop of
    X-Forwarded-For (the right-most one: entries further left are whatever the client wrote).
    Every line of the header counts, in order: a proxy may add its own line rather than
    append to the client's."""
    peer = remote or "unknown"
    if not isinstance(forwarded_for, str) and forwarded_for is not None:
        forwarded_for = ",".join(forwarded_for)
    if not forwarded_for or not _in(peer, trusted):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, trusted):
            ip = _address(hop)
            return peer if ip is None else str(ip)  # garbled: count it against the proxy
    return hops[0] if hops else peer


def bucket_key(address: str) -> str:
    """The rate-limit bucket of an address: IPv4 addresses one each, IPv6 ones per /64 (what
    one subscriber is given, so 2**64 addresses cannot mean 2**64 buckets)."""
    ip = _address(address)
    if ip is None:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


LIMITER = web.AppKey("limiter", Limiter)
SEARCH_LIMITER = web.AppKey("search_limiter", Limiter)


def setup(app: web.Application, settings: Settings) -> None:
    """Stores the limiters in the app, unless the limit is 0 (off, for benchmarks)."""
    if settings.rate_limit > 0:
        trusted = parse_networks(settings.trusted_proxies)
        app[LIMITER] = Limiter(settings.rate_limit, trusted=trusted)
        if settings.search_rate_limit > 0:
            app[SEARCH_LIMITER] = Limiter(
                settings.search_rate_limit, name="search", trusted=trusted
            )


@web.middleware
async def middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[StreamResponse]]
) -> StreamResponse:
    limiter = request.app[LIMITER]  # the app has this middleware only when it has a limiter
    if not request.path.startswith(LIMITED):
        return await handler(request)
    if request.path == SEARCH:
        limiter = request.app.get(SEARCH_LIMITER, limiter)
    forwarded = request.headers.getall("X-Forwarded-For", ())
    client = client_address(request.remote, forwarded, limiter.trusted)
    decision = limiter.hit(bucket_key(client))
    headers = {
        "RateLimit-Policy": limiter.policy,
        "RateLimit": f'"{limiter.name}";r={decision.remaining};t={decision.reset}',
    }
    if not decision.allowed:
        headers["Retry-After"] = str(decision.retry_after)
        return problem_response(
            429,
            f"Too many requests: at most {limiter.limit} a minute. "
            f"Try again in {decision.retry_after} s.",
            instance=request.path,
            headers=headers,
        )
    response = await handler(request)
    response.headers.update(headers)
    return response
