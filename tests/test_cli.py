from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from qa_service.cli import main

from .conftest import DATA

ROOT = Path(__file__).parent.parent


def test_help_lists_the_options() -> None:
    out = subprocess.run(
        [sys.executable, "run.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for command in ("serve", "ask", "search", "eval"):
        assert command in out
    serve = subprocess.run(
        [sys.executable, "run.py", "serve", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in ("--host", "--port", "--policy", "--workers", "--rate-limit"):
        assert option in serve


def test_ask_prints_the_answer_and_its_citation(capsys: pytest.CaptureFixture[str]) -> None:
    main(["ask", "Do you sell my email address?"])
    out = capsys.readouterr().out
    assert out.startswith("[answered")
    assert "cited: we-have-a-strict-policy" in out
    assert "not selling our customers' email addresses" in out


async def test_ask_json_is_exactly_the_api_json(
    client: TestClient[web.Request, web.Application], capsys: pytest.CaptureFixture[str]
) -> None:
    question = "How long do you keep my data?"
    main(["ask", question, "--json"])
    printed = json.loads(capsys.readouterr().out)
    resp = await client.post("/api/v1/ask", json={"question": question})
    assert printed == await resp.json()


def test_ask_from_another_policy(capsys: pytest.CaptureFixture[str]) -> None:
    main(["ask", "do you honor do not track", "--json", "--policy", str(DATA / "tiny_policy.txt")])
    body = json.loads(capsys.readouterr().out)
    assert body["status"] == "fallback"
    assert body["contact"]["email"] == "hello@bluefinch.example"
    assert "(555) 010-4477" in body["answer"]


def test_search_lists_ranked_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    main(["search", "credit card", "--limit", "2"])
    lines = [line for line in capsys.readouterr().out.splitlines() if line[:2] in {"1.", "2."}]
    assert len(lines) == 2


def test_eval_prints_accuracy_per_status_and_misses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "set.jsonl"
    rows = [
        {
            "question": "Do you sell my email address?",
            "status": "answered",
            "clause": ["not selling our customers"],
            "split": "test",
        },
        {"question": "what's the weather", "status": "out_of_scope", "split": "test"},
        {"question": "what's the weather", "status": "smalltalk", "split": "test"},
        {"question": "hello", "status": "out_of_scope", "split": "dev"},
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["eval", str(labelled)])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("test split")
    assert "answered              1      1    100.0%" in out
    assert "smalltalk             0      1      0.0%" in out
    assert "misses (1):" in out and "line 3" in out
    with pytest.raises(SystemExit) as done:
        main(["eval", str(labelled), "--min-accuracy", "0.9"])
    assert done.value.code == 1
    assert "below 90.0%" in capsys.readouterr().err


def test_eval_of_a_directory_has_a_row_per_policy_and_a_pooled_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("acme_rockets", "lumen_fitness"):
        for suffix in (".md", ".jsonl"):
            (tmp_path / f"{name}{suffix}").write_bytes(
                (DATA / "policies" / f"{name}{suffix}").read_bytes()
            )
    with pytest.raises(SystemExit) as done:
        main(["eval", str(tmp_path), "--split", "all"])
    assert done.value.code == 0
    rows = capsys.readouterr().out.splitlines()
    assert [
        r.split()[0]
        for r in rows
        if r.split() and r.split()[0] in {"acme_rockets", "lumen_fitness", "pooled"}
    ] == ["acme_rockets", "lumen_fitness", "pooled"]


def test_a_broken_policy_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["ask", "hi", "--policy", str(empty)])
    assert done.value.code == 2
    assert "policy file is empty" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["ask", "hi"], {"POLICY_QA_RATE_LIMIT": "lots"}, "POLICY_QA_RATE_LIMIT must be a whole"),
        (["serve", "--trusted-proxy", "not-an-ip"], {}, "is not an address or network"),
        (["serve", "--port", "70000"], {}, "port must be between"),
        (["serve", "--public-url", "example.com"], {}, "public URL must look like"),
        ([], {"POLICY_QA_PUBLIC_URL": "ftp://x"}, "public URL must look like"),
    ],
)
def test_bad_settings_are_a_clear_error(
    argv: list[str],
    env: dict[str, str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    assert message in capsys.readouterr().err


def test_public_url_from_option_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_service.cli import _settings, build_parser

    args = build_parser().parse_args(["serve", "--public-url", "https://privacy.example.com/"])
    assert _settings(args).public_url == "https://privacy.example.com"
    monkeypatch.setenv("POLICY_QA_PUBLIC_URL", "https://qa.example.org/help")
    assert _settings(build_parser().parse_args(["serve"])).public_url == (
        "https://qa.example.org/help"
    )
