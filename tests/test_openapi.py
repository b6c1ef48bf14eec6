"""The OpenAPI description matches what the server really sends."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

Client = TestClient[web.Request, web.Application]


async def _spec(client: Client) -> dict[str, Any]:
    resp = await client.get("/openapi.json")
    assert resp.status == 200
    spec: dict[str, Any] = await resp.json()
    return spec


def _validator(spec: dict[str, Any], path: str, method: str, status: int, media: str) -> Any:
    operation = spec["paths"][path][method]
    schema = operation["responses"][str(status)]["content"][media]["schema"]
    registry: Registry[Any] = Registry().with_resource(
        "urn:policy-qa", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    ref = schema["$ref"].replace("#", "urn:policy-qa#", 1)
    return Draft202012Validator({"$ref": ref}, registry=registry)


CASES: list[tuple[str, str, str, dict[str, Any], int, str]] = [
    (
        "/api/v1/ask",
        "post",
        "/api/v1/ask",
        {"json": {"question": "Do you sell my email?"}},
        200,
        "application/json",
    ),
    (
        "/api/v1/ask",
        "post",
        "/api/v1/ask",
        {"json": {"question": "how long do you keep data"}},
        200,
        "application/json",
    ),
    (
        "/api/v1/ask",
        "post",
        "/api/v1/ask",
        {"json": {"question": "hello"}},
        200,
        "application/json",
    ),
    ("/api/v1/ask", "post", "/api/v1/ask", {"json": {}}, 422, "application/problem+json"),
    (
        "/api/v1/ask",
        "post",
        "/api/v1/ask",
        {"data": b"{", "headers": {"Content-Type": "application/json"}},
        400,
        "application/problem+json",
    ),
    ("/api/v1/ask", "post", "/api/v1/ask", {"data": b"x"}, 415, "application/problem+json"),
    ("/api/v1/search", "get", "/api/v1/search?q=cookies", {}, 200, "application/json"),
    (
        "/api/v1/search",
        "get",
        "/api/v1/search?q=cookies&limit=0",
        {},
        422,
        "application/problem+json",
    ),
    ("/api/v1/clauses", "get", "/api/v1/clauses", {}, 200, "application/json"),
    (
        "/api/v1/clauses/{clause_id}",
        "get",
        "/api/v1/clauses/nope",
        {},
        404,
        "application/problem+json",
    ),
    ("/healthz", "get", "/healthz", {}, 200, "application/json"),
]


@pytest.mark.parametrize(("path", "method", "url", "kwargs", "status", "media"), CASES)
async def test_responses_match_the_spec(
    client: Client,
    path: str,
    method: str,
    url: str,
    kwargs: dict[str, Any],
    status: int,
    media: str,
) -> None:
    spec = await _spec(client)
    resp = await client.request(method.upper(), url, **kwargs)
    assert resp.status == status
    assert resp.content_type == media
    _validator(spec, path, method, status, media).validate(await resp.json())


async def test_every_clause_validates(client: Client) -> None:
    spec = await _spec(client)
    listing = await (await client.get("/api/v1/clauses")).json()
    validator = _validator(spec, "/api/v1/clauses/{clause_id}", "get", 200, "application/json")
    for clause in listing["clauses"]:
        resp = await client.get(f"/api/v1/clauses/{clause['clause_id']}")
        validator.validate(await resp.json())


async def test_spec_is_openapi_3_1_and_describes_every_route(client: Client) -> None:
    spec = await _spec(client)
    assert spec["openapi"].startswith("3.1")
    routes = {
        r.resource.canonical
        for r in client.app.router.routes()
        if r.resource is not None and r.method != "HEAD"
    }
    assert {"/api/v1/ask", "/api/v1/search", "/api/v1/clauses", "/healthz"} <= set(spec["paths"])
    # /admin/reload is routed only when an admin token is configured.
    assert set(spec["paths"]) - {"/admin/reload"} <= routes


def test_a_wrong_response_would_fail_validation() -> None:
    """The check can fail: a body missing a required field is rejected."""
    from qa_service.openapi import spec

    validator = _validator(spec(), "/api/v1/ask", "post", 200, "application/json")
    assert not validator.is_valid({"status": "answered"})
    assert not validator.is_valid({"status": "maybe", "answer": "", "citations": []})
