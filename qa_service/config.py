"""Settings: defaults first, then environment, then command-line overrides."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """A folder the project ships: inside the package once installed (qa_service/bundled/),
    at the top of a checkout."""
    installed = PACKAGE / "bundled" / name
    return installed if installed.is_dir() else PACKAGE.parent / name


DEFAULT_POLICY = bundled("corpus") / "emailcenterpro_privacy_statement.md"
DEFAULT_INTENTS = bundled("intents")
# Pages on these origins may call the API and load the widget (the server's own origin always
# may): what `make run` serves, so the demo works whether opened as 127.0.0.1 or localhost.
DEFAULT_CORS_ORIGINS = ("http://127.0.0.1:8080", "http://localhost:8080")

# Which questions keep their (redacted) text in insights: none, only those not answered or
# answered with low confidence, or all.
InsightsText = Literal["none", "unanswered", "all"]
INSIGHTS_TEXT: tuple[str, ...] = get_args(InsightsText)


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    policy: Path = DEFAULT_POLICY
    intents: Path = DEFAULT_INTENTS
    contact_email: str | None = None  # overrides what the policy says, if set
    contact_phone: str | None = None
    max_question_chars: int = 1000
    max_body_bytes: int = 16 * 1024
    max_search_limit: int = 50
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    # Hardening (see docs/security.md).
    rate_limit: int = 120  # API requests per minute per client; 0 turns limiting off
    # Searches a minute per client, counted apart: the agent console searches as the agent
    # types, which must never run into the visitors' limit above. 0: no separate budget.
    search_rate_limit: int = 300
    trusted_proxies: tuple[str, ...] = field(default_factory=tuple)  # addresses or networks
    log_questions: bool = False  # opt-in, and redacted even then
    admin_token: str | None = field(default=None, repr=False)  # enables POST /admin/reload
    shutdown_timeout: float = 30.0  # seconds from SIGTERM to exit, whatever is in flight
    # Seconds a client has to send a request's head (from connecting, or from its previous
    # response, so also the keep-alive idle time), and then its body.
    read_timeout: float = 15.0
    # Open connections at most, per process; None: somewhat below the open-file limit.
    max_connections: int | None = None
    answer_cache: int = 1024  # answers kept for repeated questions; 0 turns it off
    # Where visitors reach the service, such as https://privacy.example.com: pages and links
    # use it instead of trusting the request's Host header.
    public_url: str | None = None
    # Insights (docs/privacy.md): what visitors ask and whether answers helped, without
    # personal details. `database` None means the SQLite file at insights.default_database().
    insights: bool = True
    insights_text: InsightsText = "unanswered"
    insights_days: int = 90  # records older than this are deleted
    insights_flush: float = 1.0  # seconds between batched writes
    database: str | None = field(default=None, repr=False)  # may hold a password
    privacy_url: str = "/policy"  # the widget's "questions are kept..." line links here

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if self.answer_cache < 0:
            raise ValueError(f"answer cache must be 0 (off) or more, got {self.answer_cache}")
        if self.rate_limit < 0:
            raise ValueError(f"rate limit must be 0 (off) or more, got {self.rate_limit}")
        for name in ("read_timeout", "shutdown_timeout"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name.replace('_', ' ')} must be more than 0 seconds")
        if self.max_connections is not None and self.max_connections < 1:
            raise ValueError(f"max connections must be 1 or more, got {self.max_connections}")
        if self.search_rate_limit < 0:
            raise ValueError(
                f"search rate limit must be 0 (off) or more, got {self.search_rate_limit}"
            )
        if self.public_url is not None:
            parts = urlsplit(self.public_url)
            if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
                raise ValueError(
                    f"public URL must look like https://host[:port][/path], got {self.public_url!r}"
                )
            object.__setattr__(self, "public_url", self.public_url.rstrip("/"))
        if self.insights_text not in INSIGHTS_TEXT:
            raise ValueError(
                f"insights text must be one of {', '.join(INSIGHTS_TEXT)}, "
                f"got {self.insights_text!r}"
            )
        scheme = urlsplit(self.privacy_url).scheme
        if not (self.privacy_url.startswith("/") or scheme in {"http", "https"}):
            raise ValueError(
                f"privacy URL must be a path such as /policy or an http(s) URL, "
                f"got {self.privacy_url!r}"
            )
        if self.insights_days < 1:
            raise ValueError(f"insights days must be 1 or more, got {self.insights_days}")
        if not self.insights_flush > 0:
            raise ValueError(f"insights flush must be more than 0 s, got {self.insights_flush}")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"trusted proxy {proxy!r} is not an address or network") from None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        if "POLICY_QA_HOST" in env:
            values["host"] = env["POLICY_QA_HOST"]
        if "POLICY_QA_PORT" in env:
            values["port"] = _int(env, "POLICY_QA_PORT")
        if "POLICY_QA_POLICY" in env:
            values["policy"] = Path(env["POLICY_QA_POLICY"])
        if "POLICY_QA_INTENTS" in env:
            values["intents"] = Path(env["POLICY_QA_INTENTS"])
        if "POLICY_QA_CONTACT_EMAIL" in env:
            values["contact_email"] = env["POLICY_QA_CONTACT_EMAIL"]
        if "POLICY_QA_CONTACT_PHONE" in env:
            values["contact_phone"] = env["POLICY_QA_CONTACT_PHONE"]
        if "POLICY_QA_CORS_ORIGINS" in env:
            values["cors_origins"] = (env["POLICY_QA_CORS_ORIGINS"],)
        values.update(_hardening_env(env))
        if "POLICY_QA_PUBLIC_URL" in env:
            values["public_url"] = env["POLICY_QA_PUBLIC_URL"] or None
        if "POLICY_QA_ANSWER_CACHE" in env:
            values["answer_cache"] = _int(env, "POLICY_QA_ANSWER_CACHE")
        values.update(_insights_env(env))
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "cors_origins" in values:  # --cors-origin may be repeated or comma-separated
            values["cors_origins"] = split_origins(values["cors_origins"])
        return replace(cls(), **values)


def _hardening_env(env: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "POLICY_QA_RATE_LIMIT" in env:
        values["rate_limit"] = _int(env, "POLICY_QA_RATE_LIMIT")
    if "POLICY_QA_SEARCH_RATE_LIMIT" in env:
        values["search_rate_limit"] = _int(env, "POLICY_QA_SEARCH_RATE_LIMIT")
    if "POLICY_QA_TRUSTED_PROXIES" in env:
        values["trusted_proxies"] = tuple(
            p.strip() for p in env["POLICY_QA_TRUSTED_PROXIES"].split(",") if p.strip()
        )
    if "POLICY_QA_LOG_QUESTIONS" in env:
        values["log_questions"] = env["POLICY_QA_LOG_QUESTIONS"].lower() in {"1", "true", "yes"}
    if "POLICY_QA_READ_TIMEOUT" in env:
        values["read_timeout"] = _float(env, "POLICY_QA_READ_TIMEOUT")
    if "POLICY_QA_SHUTDOWN_TIMEOUT" in env:
        values["shutdown_timeout"] = _float(env, "POLICY_QA_SHUTDOWN_TIMEOUT")
    if "POLICY_QA_MAX_CONNECTIONS" in env:
        values["max_connections"] = _int(env, "POLICY_QA_MAX_CONNECTIONS")
    if env.get("POLICY_QA_ADMIN_TOKEN"):
        values["admin_token"] = env["POLICY_QA_ADMIN_TOKEN"]
    return values


def _insights_env(env: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "POLICY_QA_INSIGHTS" in env:
        values["insights"] = on_off(env["POLICY_QA_INSIGHTS"], "POLICY_QA_INSIGHTS")
    if "POLICY_QA_INSIGHTS_TEXT" in env:
        values["insights_text"] = env["POLICY_QA_INSIGHTS_TEXT"]
    if "POLICY_QA_INSIGHTS_DAYS" in env:
        values["insights_days"] = _int(env, "POLICY_QA_INSIGHTS_DAYS")
    if "POLICY_QA_INSIGHTS_FLUSH" in env:
        try:
            values["insights_flush"] = float(env["POLICY_QA_INSIGHTS_FLUSH"])
        except ValueError:
            raise ValueError("POLICY_QA_INSIGHTS_FLUSH must be a number of seconds") from None
    if env.get("POLICY_QA_DATABASE"):
        values["database"] = env["POLICY_QA_DATABASE"]
    if env.get("POLICY_QA_PRIVACY_URL"):
        values["privacy_url"] = env["POLICY_QA_PRIVACY_URL"]
    return values


def on_off(value: str | bool, name: str = "insights") -> bool:
    """`on`/`off` (or true/false, 1/0, yes/no) as a boolean."""
    if isinstance(value, bool):
        return value
    lowered = value.strip().lower()
    if lowered in {"on", "true", "1", "yes"}:
        return True
    if lowered in {"off", "false", "0", "no"}:
        return False
    raise ValueError(f"{name} must be on or off, got {value!r}")


def _int(env: dict[str, str], name: str) -> int:
    try:
        return int(env[name])
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {env[name]!r}") from None


def _float(env: dict[str, str], name: str) -> float:
    try:
        return float(env[name])
    except ValueError:
        raise ValueError(f"{name} must be a number of seconds, got {env[name]!r}") from None


def split_origins(values: Sequence[str]) -> tuple[str, ...]:
    """Origins from repeated options or comma-separated lists, without trailing slashes."""
    if isinstance(values, str):
        values = [values]
    return tuple(o.strip().rstrip("/") for value in values for o in value.split(",") if o.strip())
