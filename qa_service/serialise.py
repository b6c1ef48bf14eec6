"""The engine's results as the API's JSON (shared by the views and the CLI's --json).

`base` is the configured public URL (`Settings.public_url`): links are absolute under it, and
relative to the service (`/policy#...`) when none is configured, never guessed from a request.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from qa_service.corpus import Clause, Contact, Policy
from qa_service.engine import Answer, SearchHit


def policy_url(base: str | None, clause_id: str | None = None) -> str:
    """The policy page (at a clause), under the public URL if there is one."""
    return f"{base or ''}/policy" + (f"#{clause_id}" if clause_id else "")


def clause_json(clause: Clause, base: str | None = None) -> dict[str, Any]:
    return {
        "clause_id": clause.id,
        "text": clause.text,
        "section": clause.section,
        "position": clause.position,
        "paragraph": clause.paragraph,
        "sentence": clause.sentence,
        "url": policy_url(base, clause.id),
    }


def contact_json(contact: Contact) -> dict[str, Any]:
    return {"email": contact.email, "phone": contact.phone, "address": contact.address}


def answer_json(
    answer: Answer, answer_id: str | None = None, base: str | None = None
) -> dict[str, Any]:
    """`answer_id` names the answer for feedback; None when insights are off."""
    return {
        "status": answer.status,
        "answer": answer.answer,
        "citations": [
            {**clause_json(c.clause, base), "score": round(c.score, 4)} for c in answer.citations
        ],
        "confidence": answer.confidence,
        "contact": contact_json(answer.contact),
        "suggestions": list(answer.suggestions),
        "intent": answer.intent,
        "answer_id": answer_id,
        # The question's language when the policy is not written in it (the answer says so,
        # in that language); None for every other answer.
        "language": answer.language,
    }


def hits_json(query: str, hits: list[SearchHit], base: str | None = None) -> dict[str, Any]:
    return {
        "query": query,
        "results": [
            {**clause_json(h.clause, base), "score": h.score, "matched": list(h.matched)}
            for h in hits
        ],
    }


def policy_json(policy: Policy, contact: Contact) -> dict[str, Any]:
    return {
        "title": policy.title,
        "owner": policy.owner,
        "effective_date": policy.effective_date,
        "effective_date_iso": policy.effective_date_iso,
        "contact": contact_json(contact),
        "sections": [
            {"index": s.index, "title": s.title, "clause_ids": list(s.clause_ids)}
            for s in policy.sections
        ],
    }


def json_reply(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON reply, encoded by orjson straight to UTF-8 bytes."""
    return web.Response(
        status=status,
        body=orjson.dumps(data),
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )
