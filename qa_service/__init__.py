"""policy-qa: cited answers from a privacy statement. `from qa_service import Engine`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Engine", "__version__"]

if TYPE_CHECKING:
    from qa_service.engine import Engine


def __getattr__(name: str) -> Any:
    # The engine imports scikit-learn (most of a second): only when it is asked for, so the
    # CLI's --help and the pages' modules start at once.
    if name == "Engine":
        from qa_service.engine import Engine

        return Engine
    raise AttributeError(f"module 'qa_service' has no attribute {name!r}")
