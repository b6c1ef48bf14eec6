"""Settings: defaults first, then environment, then command-line overrides."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POLICY = ROOT / "corpus" / "emailcenterpro_privacy_statement.md"
DEFAULT_INTENTS = ROOT / "intents"


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
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    answer_cache: int = 1024  # answers kept for repeated questions; 0 turns it off

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        if "POLICY_QA_HOST" in env:
            values["host"] = env["POLICY_QA_HOST"]
        if "POLICY_QA_PORT" in env:
            values["port"] = int(env["POLICY_QA_PORT"])
        if "POLICY_QA_POLICY" in env:
            values["policy"] = Path(env["POLICY_QA_POLICY"])
        if "POLICY_QA_INTENTS" in env:
            values["intents"] = Path(env["POLICY_QA_INTENTS"])
        if "POLICY_QA_CONTACT_EMAIL" in env:
            values["contact_email"] = env["POLICY_QA_CONTACT_EMAIL"]
        if "POLICY_QA_CONTACT_PHONE" in env:
            values["contact_phone"] = env["POLICY_QA_CONTACT_PHONE"]
        if "POLICY_QA_CORS_ORIGINS" in env:
            values["cors_origins"] = tuple(
                o.strip() for o in env["POLICY_QA_CORS_ORIGINS"].split(",") if o.strip()
            )
        if "POLICY_QA_ANSWER_CACHE" in env:
            values["answer_cache"] = int(env["POLICY_QA_ANSWER_CACHE"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)
