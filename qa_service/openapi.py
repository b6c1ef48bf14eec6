"""The OpenAPI 3.1 description of the HTTP API, served at /openapi.json.

tests/test_openapi.py checks the server's real responses against these schemas.
"""

from __future__ import annotations

from typing import Any

from qa_service import __version__
from qa_service.engine import STATUSES
from qa_service.insights.recorder import CHANNELS
from qa_service.validation import ANSWER_ID_PATTERN, MAX_COMMENT_CHARS, VISIBLE_PATTERN

_NULLABLE_STRING = {"type": ["string", "null"]}

_SCHEMAS: dict[str, Any] = {
    "Question": {
        "type": "object",
        "required": ["question"],
        "properties": {
            "question": {
                "type": "string",
                "minLength": 1,
                "maxLength": 1000,
                "pattern": VISIBLE_PATTERN,
                "description": "At least one character that is not whitespace or control.",
            },
            "channel": {
                "type": "string",
                "enum": list(CHANNELS),
                "default": "api",
                "description": "Who asks, for insights: the chat widget sends 'widget', the "
                "agent console 'agent'; anything else is the API's.",
            },
        },
    },
    "Clause": {
        "type": "object",
        "required": ["clause_id", "text", "section", "position", "paragraph", "sentence", "url"],
        "properties": {
            "clause_id": {"type": "string"},
            "text": {"type": "string"},
            "section": {"type": "string"},
            "position": {"type": "integer", "minimum": 1},
            "paragraph": {"type": "integer", "minimum": 1},
            "sentence": {"type": "integer", "minimum": 1},
            "url": {
                "type": "string",
                "description": "The clause on the policy page: absolute under the configured "
                "public URL (--public-url, POLICY_QA_PUBLIC_URL), such as "
                "https://privacy.example.com/policy#clause-id; without one, relative to the "
                "service (/policy#clause-id), as the service never guesses its own address "
                "from a request.",
            },
        },
    },
    "Citation": {
        "allOf": [
            {"$ref": "#/components/schemas/Clause"},
            {
                "type": "object",
                "required": ["score"],
                "properties": {"score": {"type": "number"}},
            },
        ]
    },
    "Contact": {
        "type": "object",
        "required": ["email", "phone", "address"],
        "properties": {
            "email": _NULLABLE_STRING,
            "phone": _NULLABLE_STRING,
            "address": _NULLABLE_STRING,
        },
    },
    "Answer": {
        "type": "object",
        "required": [
            "status",
            "answer",
            "citations",
            "confidence",
            "contact",
            "suggestions",
            "intent",
        ],
        "properties": {
            "status": {
                "type": "string",
                "enum": ["answered", "fallback", "out_of_scope", "handoff", "smalltalk"],
            },
            "answer": {"type": "string"},
            "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "contact": {"$ref": "#/components/schemas/Contact"},
            "suggestions": {"type": "array", "items": {"type": "string"}},
            "intent": _NULLABLE_STRING,
            "answer_id": {
                "type": ["string", "null"],
                "description": "An opaque, random id naming this answer for "
                "POST /api/v1/feedback; null when insights are off.",
            },
            "language": {
                "type": ["string", "null"],
                "pattern": "^[a-z]{2,3}$",
                "description": "When the question is in a language the policy is not "
                "written in (ISO 639-1, such as 'fr'): the answer says so in that language "
                "and gives the contacts, with status 'fallback'. null otherwise.",
            },
        },
    },
    "Feedback": {
        "type": "object",
        "required": ["answer_id", "helpful"],
        "properties": {
            "answer_id": {"type": "string", "pattern": ANSWER_ID_PATTERN},
            "helpful": {"type": "boolean"},
            "comment": {
                "type": "string",
                "maxLength": MAX_COMMENT_CHARS,
                "description": "What the visitor was looking for; stored redacted.",
            },
        },
    },
    "FeedbackTaken": {
        "type": "object",
        "required": ["answer_id", "helpful"],
        "properties": {"answer_id": {"type": "string"}, "helpful": {"type": "boolean"}},
    },
    "Tally": {
        "type": "object",
        "required": ["questions", "votes", "helpful", "helpful_rate"],
        "properties": {
            "questions": {"type": "integer", "minimum": 0},
            "votes": {"type": "integer", "minimum": 0},
            "helpful": {"type": "integer", "minimum": 0},
            "helpful_rate": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        },
    },
    "Insights": {
        "type": "object",
        "required": [
            "days",
            "since",
            "until",
            "policy",
            "questions",
            "answer_rate",
            "per_day",
            "channels",
            "helpful",
            "intents",
            "clauses",
            "unanswered",
            "comments",
        ],
        "properties": {
            "days": {"type": "integer", "minimum": 1},
            "since": {"type": "string", "format": "date"},
            "until": {"type": "string", "format": "date"},
            "policy": {
                "type": "object",
                "required": ["title", "version"],
                "properties": {"title": {"type": "string"}, "version": {"type": "string"}},
            },
            "questions": {"type": "integer", "minimum": 0},
            "answer_rate": {
                "type": ["number", "null"],
                "minimum": 0,
                "maximum": 1,
                "description": "Answered, of the questions answered, fallback or out of scope.",
            },
            "per_day": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["day", *STATUSES],
                    "properties": {
                        "day": {"type": "string", "format": "date"},
                        **{s: {"type": "integer", "minimum": 0} for s in STATUSES},
                    },
                },
            },
            "channels": {
                "type": "object",
                "required": list(CHANNELS),
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
            "helpful": {
                "type": "object",
                "required": ["votes", "helpful", "rate"],
                "properties": {
                    "votes": {"type": "integer", "minimum": 0},
                    "helpful": {"type": "integer", "minimum": 0},
                    "rate": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
                },
            },
            "intents": {
                "type": "array",
                "items": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Tally"},
                        {
                            "type": "object",
                            "required": ["intent"],
                            "properties": {"intent": {"type": "string"}},
                        },
                    ]
                },
            },
            "clauses": {
                "type": "array",
                "description": "By the first clause each answer cites, most asked first.",
                "items": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Tally"},
                        {
                            "type": "object",
                            "required": ["clause_id", "text"],
                            "properties": {
                                "clause_id": {"type": "string"},
                                "text": _NULLABLE_STRING,
                            },
                        },
                    ]
                },
            },
            "unanswered": {
                "type": "array",
                "description": "Unanswered questions (their redacted text) grouped as "
                "near-duplicates, the most asked first.",
                "items": {
                    "type": "object",
                    "required": ["count", "examples", "nearest_clause"],
                    "properties": {
                        "count": {"type": "integer", "minimum": 1},
                        "examples": {"type": "array", "items": {"type": "string"}},
                        "nearest_clause": {
                            "oneOf": [
                                {"type": "null"},
                                {
                                    "type": "object",
                                    "required": ["clause_id", "text", "score"],
                                    "properties": {
                                        "clause_id": {"type": "string"},
                                        "text": {"type": "string"},
                                        "score": {"type": "number"},
                                    },
                                },
                            ]
                        },
                    },
                },
            },
            "comments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["minute", "helpful", "intent", "clause_id", "comment"],
                    "properties": {
                        "minute": {"type": "string", "format": "date-time"},
                        "helpful": {"type": "boolean"},
                        "intent": _NULLABLE_STRING,
                        "clause_id": _NULLABLE_STRING,
                        "comment": {"type": "string"},
                    },
                },
            },
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["query", "results"],
        "properties": {
            "query": {"type": "string"},
            "answer": {
                "$ref": "#/components/schemas/Answer",
                "description": "With answer=true: what /api/v1/ask answers to the query.",
            },
            "results": {
                "type": "array",
                "items": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Citation"},
                        {
                            "type": "object",
                            "required": ["matched"],
                            "properties": {
                                "matched": {"type": "array", "items": {"type": "string"}}
                            },
                        },
                    ]
                },
            },
        },
    },
    "Policy": {
        "type": "object",
        "required": [
            "title",
            "owner",
            "effective_date",
            "effective_date_iso",
            "contact",
            "sections",
        ],
        "properties": {
            "title": {"type": "string"},
            "owner": _NULLABLE_STRING,
            "effective_date": _NULLABLE_STRING,
            "effective_date_iso": {"type": ["string", "null"], "format": "date"},
            "contact": {"$ref": "#/components/schemas/Contact"},
            "sections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["index", "title", "clause_ids"],
                    "properties": {
                        "index": {"type": "integer"},
                        "title": {"type": "string"},
                        "clause_ids": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "ClauseList": {
        "type": "object",
        "required": ["policy", "clauses"],
        "properties": {
            "policy": {"$ref": "#/components/schemas/Policy"},
            "clauses": {"type": "array", "items": {"$ref": "#/components/schemas/Clause"}},
        },
    },
    "WidgetConfig": {
        "type": "object",
        "required": [
            "title",
            "owner",
            "greeting",
            "suggestions",
            "contact",
            "policy_url",
            "max_question_chars",
            "embedding",
            "privacy_notice",
        ],
        "properties": {
            "title": {"type": "string"},
            "owner": {"type": "string"},
            "greeting": {"type": "string"},
            "suggestions": {"type": "array", "items": {"type": "string"}},
            "contact": {"$ref": "#/components/schemas/Contact"},
            "policy_url": {"type": "string"},
            "max_question_chars": {"type": "integer", "minimum": 1},
            "privacy_notice": {
                "description": "The footer line while insights are on; null when off.",
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["text", "url"],
                        "properties": {
                            "text": {"type": "string"},
                            "url": {"type": ["string", "null"]},
                        },
                    },
                ],
            },
            "embedding": {
                "type": "object",
                "description": "Whether the page asking (its Origin) may use the API.",
                "required": ["allowed", "help"],
                "properties": {
                    "allowed": {"type": "boolean"},
                    "help": {
                        "type": ["string", "null"],
                        "description": "When not allowed: the setting the site's owner must "
                        "change, for the browser's console.",
                    },
                },
            },
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "policy", "clauses", "intents", "insights"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "policy": {"type": "string"},
            "clauses": {"type": "integer"},
            "intents": {"type": "integer"},
            "insights": {
                "type": "object",
                "required": ["enabled"],
                "description": "Events written, dropped (queue full or database unavailable) "
                "and waiting, while insights are on.",
                "properties": {
                    "enabled": {"type": "boolean"},
                    "recorded": {"type": "integer", "minimum": 0},
                    "dropped": {"type": "integer", "minimum": 0},
                    "queued": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
    "Reload": {
        "type": "object",
        "required": [
            "status",
            "policy",
            "clauses",
            "intents",
            "intents_before",
            "lost_intents",
            "reloads",
        ],
        "properties": {
            "status": {"type": "string", "enum": ["reloaded"]},
            "policy": {"type": "string"},
            "clauses": {"type": "integer"},
            "intents": {"type": "integer"},
            "intents_before": {"type": "integer"},
            "lost_intents": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Intents served before and not now, as 'name (file)': an "
                "intent file deleted or emptied is accepted, and said here.",
            },
            "reloads": {"type": "integer", "minimum": 1},
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
        },
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _hardened(paths: dict[str, Any]) -> dict[str, Any]:
    """Adds the answers every limited route may give: 429 (rate limit), 503 (shutting down)."""
    for path, operations in paths.items():
        for operation in operations.values():
            responses = operation["responses"]
            if path.startswith(("/api/", "/admin/")):  # what the rate limit counts
                responses.setdefault("429", _problem("Too many requests; see Retry-After."))
            responses.setdefault("503", _problem("The service is restarting; see Retry-After."))
    return paths


def spec() -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "policy-qa",
            "version": __version__,
            "description": "Cited answers from a company's privacy statement.",
        },
        "paths": {
            "/api/v1/ask": {
                "post": {
                    "operationId": "ask",
                    "summary": "Answer a visitor's question, citing the clause it comes from",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Question"}
                            }
                        },
                    },
                    "responses": {
                        "200": _ok("Answer", "The answer, its citations and the contact."),
                        "400": _problem("The body is not valid JSON or UTF-8."),
                        "413": _problem("The body is larger than 16 KiB."),
                        "415": _problem("The body is not sent as application/json."),
                        "422": _problem(
                            "The question is missing, not a string, empty or too long."
                        ),
                    },
                }
            },
            "/api/v1/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Rank the policy's clauses against a query",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {
                                "type": "string",
                                "minLength": 1,
                                "maxLength": 1000,
                                "pattern": VISIBLE_PATTERN,
                            },
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 50,
                                "default": 5,
                            },
                        },
                        {
                            "name": "prefix",
                            "in": "query",
                            "required": False,
                            "description": "Read the query's last word as unfinished, so "
                            "that 'coo' finds cookies: for searching as someone types.",
                            "schema": {"type": "boolean", "default": False},
                        },
                        {
                            "name": "answer",
                            "in": "query",
                            "required": False,
                            "description": "Also answer the query as /api/v1/ask would, in "
                            "the same reply: the agent console's one request when the agent "
                            "stops typing.",
                            "schema": {"type": "boolean", "default": False},
                        },
                        {
                            "name": "channel",
                            "in": "query",
                            "required": False,
                            "description": "Who asks, as in /api/v1/ask: counted in the "
                            "insights with answer=true.",
                            "schema": {"type": "string", "enum": list(CHANNELS), "default": "api"},
                        },
                    ],
                    "responses": {
                        "200": _ok("SearchResults", "Clauses, best first, with scores."),
                        "422": _problem("The query, limit or prefix is invalid."),
                    },
                }
            },
            "/api/v1/clauses": {
                "get": {
                    "operationId": "listClauses",
                    "summary": "The policy's metadata and all its clauses, in order",
                    "responses": {"200": _ok("ClauseList", "The policy as clauses.")},
                }
            },
            "/api/v1/clauses/{clause_id}": {
                "get": {
                    "operationId": "getClause",
                    "summary": "One clause by its id",
                    "parameters": [
                        {
                            "name": "clause_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _ok("Clause", "The clause."),
                        "404": _problem("No clause has this id."),
                    },
                }
            },
            "/api/v1/feedback": {
                "post": {
                    "operationId": "feedback",
                    "summary": "Say whether an answer helped (one vote per answer; a second "
                    "replaces the first)",
                    "description": "Exists while insights are on. Answers take feedback for a day.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Feedback"}
                            }
                        },
                    },
                    "responses": {
                        "202": _ok("FeedbackTaken", "The vote will be recorded."),
                        "400": _problem("The body is not valid JSON or UTF-8."),
                        "404": _problem("No answer has this id, or it is more than a day old."),
                        "413": _problem("The body is larger than 16 KiB."),
                        "415": _problem("The body is not sent as application/json."),
                        "422": _problem("A field is missing, of the wrong type or too long."),
                        "503": _problem(
                            "The insights database is unavailable, or the service is restarting."
                        ),
                    },
                }
            },
            "/api/v1/insights": {
                "get": {
                    "operationId": "insights",
                    "summary": "What visitors asked, what went unanswered, whether answers helped",
                    "description": "Exists while insights are on and POLICY_QA_ADMIN_TOKEN is set.",
                    "security": [{"adminToken": []}],
                    "parameters": [
                        {
                            "name": "days",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 366,
                                "default": 30,
                            },
                        }
                    ],
                    "responses": {
                        "200": _ok("Insights", "The report over the last `days` days (UTC)."),
                        "401": _problem("The bearer token is missing or wrong."),
                        "422": _problem("'days' is not a whole number from 1 to 366."),
                        "503": _problem(
                            "The insights database is unavailable, or the service is restarting."
                        ),
                    },
                }
            },
            "/admin/reload": {
                "post": {
                    "operationId": "reloadPolicy",
                    "summary": "Rebuild the engine from the policy and intent files, then swap",
                    "description": "Exists only when POLICY_QA_ADMIN_TOKEN is set.",
                    "security": [{"adminToken": []}],
                    "responses": {
                        "200": _ok("Reload", "The new policy is being served."),
                        "401": _problem("The bearer token is missing or wrong."),
                        "422": _problem("The new files failed to load; the old ones still serve."),
                    },
                }
            },
            "/widget.json": {
                "get": {
                    "operationId": "widgetConfig",
                    "summary": "What the chat widget needs before the first question",
                    "description": "Readable from any origin; `embedding` says whether the "
                    "page asking may use the API (see --cors-origin).",
                    "responses": {"200": _ok("WidgetConfig", "The widget's settings.")},
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness and what is loaded",
                    "responses": {"200": _ok("Health", "The service is up.")},
                }
            },
        },
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {"adminToken": {"type": "http", "scheme": "bearer"}},
        },
    }
    _hardened(document["paths"])
    return document
