"""The OpenAPI 3.1 description of the HTTP API, served at /openapi.json.

tests/test_openapi.py checks the server's real responses against these schemas.
"""

from __future__ import annotations

from typing import Any

from qa_service import __version__
from qa_service.validation import VISIBLE_PATTERN

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
            "url": {"type": "string"},
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
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["query", "results"],
        "properties": {
            "query": {"type": "string"},
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
    "Health": {
        "type": "object",
        "required": ["status", "policy", "clauses", "intents"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "policy": {"type": "string"},
            "clauses": {"type": "integer"},
            "intents": {"type": "integer"},
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
            if path != "/healthz":
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
