"""What a test needs from the machine (a browser, PostgreSQL, axe-core): missing, it skips on
a developer's machine and fails in CI, which must run every test."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing(tests: str, reason: str) -> NoReturn:
    """Skip for want of something, or fail when in CI: "CI must run the {tests}: {reason}"."""
    if in_ci():
        pytest.fail(f"CI must run the {tests}: {reason}", pytrace=False)
    pytest.skip(reason)
