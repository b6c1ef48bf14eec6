"""Who may read insights: the admin token as a bearer token (the JSON API), or a session
cookie the /insights login form sets (HttpOnly, SameSite=Strict), signed with a key derived
from the token, so every process with the same token accepts it and a new token ends every
session. POSTs from other sites are refused (CSRF)."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

from aiohttp import web

COOKIE = "policy_qa_insights"
COOKIE_PATH = "/insights"
SESSION_SECONDS = 12 * 3600


def _equal(sent: str, token: str) -> bool:
    return hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), token.encode("utf-8"))


def bearer_ok(headers: Mapping[str, str], token: str) -> bool:
    scheme, _, sent = headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and _equal(sent.strip(), token)


def token_ok(sent: str, token: str) -> bool:
    return _equal(sent.strip(), token)


def _signature(token: str, expires: int) -> str:
    key = hashlib.sha256(b"policy-qa insights session\0" + token.encode("utf-8")).digest()
    return hmac.new(key, f"insights-session:{expires}".encode(), hashlib.sha256).hexdigest()


def session_value(token: str, now: float | None = None) -> str:
    expires = int((time.time() if now is None else now) + SESSION_SECONDS)
    return f"{expires}.{_signature(token, expires)}"


def session_ok(value: str | None, token: str, now: float | None = None) -> bool:
    if not value:
        return False
    expires, _, signature = value.partition(".")
    if not expires.isdigit() or len(expires) > 12:
        return False
    if int(expires) < (time.time() if now is None else now):
        return False
    return hmac.compare_digest(signature.encode(), _signature(token, int(expires)).encode())


def same_site(request: web.Request, public_url: str | None) -> bool:
    """Whether a POST comes from this site's own pages: as the browser's Sec-Fetch-Site says,
    or else its Origin (browsers send one or both with every form POST; a client that sends
    neither is no browser another site could drive)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own = _origin(public_url) if public_url else f"{request.scheme}://{request.host}"
    return origin.lower().rstrip("/") == own.lower()


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def set_session(response: web.StreamResponse, token: str, secure: bool) -> None:
    response.set_cookie(
        COOKIE,
        session_value(token),
        max_age=SESSION_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="Strict",
        secure=secure,
    )


def clear_session(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path=COOKIE_PATH)
