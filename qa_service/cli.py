"""Command line: serve (the default), ask, search and eval, over the same engine as the server."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from qa_service.answering import Engine
from qa_service.config import Settings
from qa_service.corpus import PolicyError
from qa_service.intents import IntentError

log = logging.getLogger("qa_service")


def _options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("--host", default=default, help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=default, help="port to listen on (8080)")
    parser.add_argument(
        "--policy", type=Path, default=default, help="policy file (.md, .txt or .html)"
    )
    parser.add_argument("--intents", type=Path, default=default, help="intents directory")
    parser.add_argument("--contact-email", default=default, help="contact email for fallbacks")
    parser.add_argument("--contact-phone", default=default, help="contact phone for fallbacks")
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=default,
        help="API requests a minute per client (120, 0: off)",
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        default=default,
        help="proxy address or network whose X-Forwarded-For is believed (repeatable)",
    )
    parser.add_argument(
        "--log-questions",
        action="store_true",
        default=default,
        help="log visitors' questions, redacted (off by default)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=default,
        metavar="ORIGIN",
        help="an origin whose pages may embed the widget and call the API, such as "
        "https://www.example.com (repeat it or separate with commas; '*' allows any; "
        "default: the server's own origin, http://127.0.0.1:8080 and http://localhost:8080)",
    )


def _serve_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=default,
        help="worker processes; more than 1 serves under gunicorn, engine built once (1)",
    )
    parser.add_argument(
        "--answer-cache",
        type=int,
        default=default,
        help="answers kept for repeated questions, per process; 0 turns it off (1024)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="policy-qa: cited answers from a privacy statement. "
        "With no command, serves the HTTP API.",
    )
    _options(parser, None)
    shared = argparse.ArgumentParser(add_help=False)
    _options(shared, argparse.SUPPRESS)
    _serve_options(parser, None)
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", parents=[shared], help="serve the HTTP API (default)")
    _serve_options(serve, argparse.SUPPRESS)
    ask = commands.add_parser("ask", parents=[shared], help="answer one question")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print the API's JSON")
    search = commands.add_parser("search", parents=[shared], help="rank clauses for some terms")
    search.add_argument("terms")
    search.add_argument("--limit", type=int, default=5)
    search.add_argument("--json", action="store_true", help="print the API's JSON")
    evaluate = commands.add_parser("eval", parents=[shared], help="score a labelled set")
    evaluate.add_argument("file", type=Path, help="JSON lines: question, status, clause")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        host=args.host,
        port=args.port,
        policy=args.policy,
        intents=args.intents,
        contact_email=args.contact_email,
        contact_phone=args.contact_phone,
        rate_limit=args.rate_limit,
        trusted_proxies=tuple(args.trusted_proxy) if args.trusted_proxy else None,
        log_questions=args.log_questions or None,
        cors_origins=args.cors_origin,
        answer_cache=getattr(args, "answer_cache", None),
    )


def _ask(engine: Engine, question: str, as_json: bool) -> None:
    from qa_service.handlers import answer_json

    answer = engine.answer(question)
    if as_json:
        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
        return
    print(f"[{answer.status}, confidence {answer.confidence:.2f}]")
    print(textwrap.fill(answer.answer, 88))
    for citation in answer.citations:
        clause = citation.clause
        print(f"\n  cited: {clause.id} ({clause.section}, clause {clause.position})")
        print(textwrap.indent(textwrap.fill(f'"{clause.text}"', 84), "    "))
    if answer.suggestions:
        print("\nYou could also ask:")
        for s in answer.suggestions:
            print(f"  - {s}")


def _search(engine: Engine, terms: str, limit: int, as_json: bool) -> None:
    from qa_service.handlers import hits_json

    hits = engine.search(terms, limit)
    if as_json:
        print(json.dumps(hits_json(terms, hits), ensure_ascii=False, indent=2))
        return
    if not hits:
        print("No clause matches.")
    for n, hit in enumerate(hits, 1):
        print(f"{n}. {hit.score:.3f}  {hit.clause.id}")
        print(textwrap.indent(textwrap.fill(hit.clause.text, 84), "     "))


def _eval(engine: Engine, path: Path) -> int:
    from qa_service.evaluation import evaluate, load_cases

    report = evaluate(engine, load_cases(path))
    print("\n".join(report.lines()))
    return 0


def _serve(settings: Settings, engine: Engine, workers: int = 1) -> None:
    from aiohttp import web

    from qa_service import handlers, lifecycle, reloading
    from qa_service.app import create_app
    from qa_service.redact import AccessLogger, configure_logging, install_redaction

    configure_logging()
    install_redaction(*logging.getLogger().handlers)
    log.info(
        "serving %r (%d clauses, %d intents) on http://%s:%d/",
        engine.policy.title,
        len(engine.policy.clauses),
        len(engine.routes),
        settings.host,
        settings.port,
    )
    if workers > 1:
        from qa_service.workers import serve

        current = handlers.EngineRef(engine)

        def reload() -> None:  # in the gunicorn master, on SIGHUP, before new workers fork
            with contextlib.suppress(reloading.ReloadError):  # logged; the old engine stays
                current.engine = reloading.build(settings, current.engine)

        serve(
            lambda: create_app(settings, engine=current.engine),
            settings.host,
            settings.port,
            workers,
            on_reload=reload,
        )
        return
    app = create_app(settings, engine=engine)
    app.on_startup.append(reloading.on_sighup)
    app.on_startup.append(lifecycle.on_sigterm)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        access_log_class=AccessLogger,
        print=None,
        shutdown_timeout=settings.shutdown_timeout,
    )


def main(argv: Sequence[str] | None = None) -> None:
    if hasattr(signal, "SIGPIPE"):  # `run.py eval ... | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    workers = getattr(args, "workers", None) or 1
    if workers < 1:
        build_parser().error("--workers must be at least 1")
    if (getattr(args, "answer_cache", None) or 0) < 0:
        build_parser().error("--answer-cache must be 0 or more")
    settings = _settings(args)
    try:
        engine = Engine.from_settings(settings)
    except (PolicyError, IntentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if args.command == "ask":
        _ask(engine, args.question, args.json)
    elif args.command == "search":
        _search(engine, args.terms, args.limit, args.json)
    elif args.command == "eval":
        raise SystemExit(_eval(engine, args.file))
    else:
        _serve(settings, engine, workers)
