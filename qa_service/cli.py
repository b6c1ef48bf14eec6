"""Command line: serve (the default), ask, search, eval, insights and db, over the same engine
and store as the server."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
import textwrap
from collections.abc import Coroutine, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from qa_service.config import INSIGHTS_TEXT, Settings, on_off
from qa_service.engine import Engine
from qa_service.errors import QAError, ReloadError

log = logging.getLogger("qa_service")
T = TypeVar("T")


def _policy_options(parser: argparse.ArgumentParser) -> None:
    """What every command answers from: the policy, its intents and its contacts."""
    parser.add_argument(
        "--policy", type=Path, help="policy file (.md, .txt or .html; default: the bundled one)"
    )
    parser.add_argument(
        "--intents", type=Path, help="intents directory (default: the bundled intents)"
    )
    parser.add_argument(
        "--contact-email", help="contact email for fallbacks (default: the policy's own)"
    )
    parser.add_argument(
        "--contact-phone", help="contact phone for fallbacks (default: the policy's own)"
    )


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        metavar="URL",
        help="where insights are kept: sqlite:///PATH or postgresql://USER:PASSWORD@HOST/NAME "
        "(default: insights.db in the user's data directory, such as "
        "~/.local/share/policy-qa/)",
    )


def _insights_options(parser: argparse.ArgumentParser) -> None:
    """What the service records about questions and feedback (docs/privacy.md)."""
    parser.add_argument(
        "--insights",
        choices=["on", "off"],
        help="record questions (redacted) and feedback for the insights report (on)",
    )
    parser.add_argument(
        "--insights-text",
        choices=INSIGHTS_TEXT,
        help="which questions keep their redacted text: none, unanswered (not answered or "
        "with low confidence) or all (unanswered)",
    )
    parser.add_argument(
        "--insights-days", type=int, metavar="N", help="delete records older than N days (90)"
    )
    _database_option(parser)
    parser.add_argument(
        "--privacy-url",
        metavar="URL",
        help="the page the widget's 'questions are kept' line links to (/policy)",
    )


def _serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (8080)")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes; more than 1 serves under gunicorn, engine built once (1)",
    )
    parser.add_argument(
        "--answer-cache",
        type=int,
        help="answers kept for repeated questions, per process; 0 turns it off (1024)",
    )
    parser.add_argument(
        "--rate-limit", type=int, help="API requests a minute per client (120, 0: off)"
    )
    parser.add_argument(
        "--search-rate-limit",
        type=int,
        help="searches a minute per client, counted apart from --rate-limit: the agent "
        "console searches as the agent types (300, 0: counted in --rate-limit)",
    )
    parser.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDR",
        help="proxy address or network whose X-Forwarded-For is believed (repeatable)",
    )
    parser.add_argument(
        "--log-questions",
        action="store_true",
        default=None,
        help="log visitors' questions, redacted (off by default)",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="where visitors reach the service, such as https://privacy.example.com: pages and "
        "citation links use it rather than the request's Host header",
    )
    parser.add_argument(
        "--read-timeout",
        type=float,
        metavar="S",
        help="seconds a client has to send a request's head, then its body; also the "
        "keep-alive idle time (15)",
    )
    parser.add_argument(
        "--shutdown-timeout",
        type=float,
        metavar="S",
        help="seconds from SIGTERM to exit: requests in flight finish within it (30)",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        metavar="N",
        help="open connections per process; more are answered 503 "
        "(default: the open-file limit less a reserve)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        metavar="ORIGIN",
        help="an origin whose pages may embed the widget and call the API, such as "
        "https://www.example.com (repeat it or separate with commas; '*' allows any; "
        "default: the server's own origin, http://127.0.0.1:8080 and http://localhost:8080)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py",
        description="policy-qa: cited answers from a privacy statement. "
        "With no command, serves the HTTP API with the default settings.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the HTTP API (the default)")
    _policy_options(serve)
    _serve_options(serve)
    _insights_options(serve)
    ask = commands.add_parser("ask", help="answer one question")
    ask.add_argument("question", help="the question, as a visitor would type it")
    ask.add_argument("--json", action="store_true", help="print the API's JSON")
    _policy_options(ask)
    search = commands.add_parser("search", help="rank clauses for some terms")
    search.add_argument("terms", help="words to look for")
    search.add_argument("--limit", type=int, default=5, help="how many clauses to list (5)")
    search.add_argument("--json", action="store_true", help="print the API's JSON")
    _policy_options(search)
    evaluate = commands.add_parser(
        "eval",
        help="score labelled questions: a file (against --policy) or a directory of policies "
        "each beside its questions",
    )
    evaluate.add_argument(
        "path", type=Path, help="JSON lines file, or a directory of name.md + name.jsonl pairs"
    )
    evaluate.add_argument(
        "--split",
        choices=["dev", "test", "all"],
        default="test",
        help="which labelled questions: dev (tuning may use them), test (never), all (test)",
    )
    evaluate.add_argument(
        "--min-accuracy",
        type=float,
        metavar="X",
        help="exit with status 1 when the (pooled) status accuracy is below X, e.g. 0.75",
    )
    evaluate.add_argument(
        "--misses", action="store_true", help="also list every miss of every policy"
    )
    _policy_options(evaluate)
    tune = commands.add_parser(
        "tune",
        help="fit the confidence and the thresholds on labelled dev questions, and print them",
    )
    tune.add_argument(
        "paths",
        type=Path,
        nargs="+",
        help="labelled files (against --policy) or directories of policies beside their questions",
    )
    _policy_options(tune)
    _insights_parser(commands)
    database = commands.add_parser("db", help="the insights database")
    database_commands = database.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    upgrade = database_commands.add_parser("upgrade", help="apply the migrations (Alembic)")
    _database_option(upgrade)
    return parser


def _insights_parser(commands: Any) -> None:
    insights = commands.add_parser(
        "insights", help="what visitors asked, what went unanswered, whether answers helped"
    )
    _report_options(insights)
    insights.add_argument("--json", action="store_true", help="print the API's JSON")
    insights.add_argument("--csv", type=Path, metavar="FILE", help="also write it as CSV")
    actions = insights.add_subparsers(dest="insights_command", metavar="COMMAND")
    suggest = actions.add_parser(
        "suggest", help="draft intents (TOML) from the most asked unanswered questions"
    )
    _report_options(suggest)
    suggest.add_argument(
        "--out", type=Path, metavar="FILE", help="write the TOML here (default: print it)"
    )
    suggest.add_argument("--top", type=int, default=10, metavar="N", help="at most N drafts (10)")
    suggest.add_argument(
        "--min-count",
        type=int,
        default=2,
        metavar="N",
        help="only groups of questions asked at least N times (2)",
    )


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--days", type=int, default=30, metavar="N", help="the last N days, UTC (30)"
    )
    _database_option(parser)
    _policy_options(parser)


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, then the options given (each command has its own)."""
    options: dict[str, Any] = {
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
        "policy": getattr(args, "policy", None),
        "intents": getattr(args, "intents", None),
        "contact_email": getattr(args, "contact_email", None),
        "contact_phone": getattr(args, "contact_phone", None),
        "rate_limit": getattr(args, "rate_limit", None),
        "search_rate_limit": getattr(args, "search_rate_limit", None),
        "trusted_proxies": tuple(args.trusted_proxy)
        if getattr(args, "trusted_proxy", None)
        else None,
        "log_questions": getattr(args, "log_questions", None),
        "cors_origins": getattr(args, "cors_origin", None),
        "answer_cache": getattr(args, "answer_cache", None),
        "public_url": getattr(args, "public_url", None),
        "read_timeout": getattr(args, "read_timeout", None),
        "shutdown_timeout": getattr(args, "shutdown_timeout", None),
        "max_connections": getattr(args, "max_connections", None),
        "insights": on_off(args.insights) if getattr(args, "insights", None) else None,
        "insights_text": getattr(args, "insights_text", None),
        "insights_days": getattr(args, "insights_days", None),
        "database": getattr(args, "database", None),
        "privacy_url": getattr(args, "privacy_url", None),
    }
    return Settings.from_env(**options)


def _ask(engine: Engine, question: str, as_json: bool, base: str | None = None) -> None:
    from qa_service.serialise import answer_json

    answer = engine.answer(question)
    if as_json:
        print(json.dumps(answer_json(answer, base=base), ensure_ascii=False, indent=2))
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


def _search(engine: Engine, terms: str, limit: int, as_json: bool, base: str | None = None) -> None:
    from qa_service.serialise import hits_json

    hits = engine.search(terms, limit)
    if as_json:
        print(json.dumps(hits_json(terms, hits, base), ensure_ascii=False, indent=2))
        return
    if not hits:
        print("No clause matches.")
    for n, hit in enumerate(hits, 1):
        print(f"{n}. {hit.score:.3f}  {hit.clause.id}")
        print(textwrap.indent(textwrap.fill(hit.clause.text, 84), "     "))


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from qa_service.evaluation import (
        LEGEND,
        details,
        evaluate,
        labelled_policies,
        load_cases,
        table,
    )

    def cases(path: Path) -> list[Any]:
        return [c for c in load_cases(path) if args.split in ("all", c.split)]

    if args.path.is_dir():
        reports = []
        for policy, labelled in labelled_policies(args.path):
            chosen = cases(labelled)
            if chosen:
                engine = Engine.from_settings(replace(settings, policy=policy))
                reports.append(evaluate(engine, chosen, policy.stem))
        if not reports:
            print(
                f"error: no {args.split} questions beside a policy in {args.path}", file=sys.stderr
            )
            return 2
    elif chosen := cases(args.path):
        reports = [evaluate(Engine.from_settings(settings), chosen, args.path.stem)]
    else:
        print(f"error: no {args.split} questions in {args.path}", file=sys.stderr)
        return 2
    print(f"{args.split} split")
    print("\n".join(table(reports)))
    print(textwrap.fill(LEGEND, 100))
    for report in reports if args.misses or not args.path.is_dir() else []:
        print(f"\n== {report.name}")
        print("\n".join(details(report)))
    pooled = sum(r.accuracy * len(r.outcomes) for r in reports) / sum(
        len(r.outcomes) for r in reports
    )
    if args.min_accuracy is not None and pooled < args.min_accuracy:
        print(f"\nstatus accuracy {pooled:.1%} is below {args.min_accuracy:.1%}", file=sys.stderr)
        return 1
    return 0


def _tune(args: argparse.Namespace, settings: Settings) -> int:
    from qa_service.calibration import fit
    from qa_service.evaluation import labelled_policies, load_cases

    sets = []
    for path in args.paths:
        pairs = labelled_policies(path) if path.is_dir() else [(settings.policy, path)]
        for policy, labelled in pairs:
            dev = [c for c in load_cases(labelled) if c.split == "dev"]
            if dev:
                sets.append((Engine.from_settings(replace(settings, policy=policy)), dev))
    if not sets:
        print("error: no dev questions to fit on", file=sys.stderr)
        return 2
    result = fit(sets)
    t = result.tuning
    print(f"fitted on {result.questions} dev questions of {len(sets)} policies:")
    print(f"  status accuracy {result.accuracy:.1%}, AUROC {result.auroc or 0:.3f}")
    print(f"calibration={t.calibration}, answer_at={t.answer_at}, domain={t.domain}")
    return 0


def _on_database(work: Coroutine[Any, Any, T]) -> T:
    """Run `work`; a database server that cannot be reached is a DatabaseError (one line)."""
    from sqlalchemy.exc import SQLAlchemyError

    from qa_service.errors import DatabaseError

    try:
        return asyncio.run(work)
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise DatabaseError(
            f"the insights database is unavailable: {reason[0] if reason else type(exc).__name__}"
        ) from None


def _db_upgrade(settings: Settings) -> int:
    from qa_service.insights.store import database_url, display, upgrade, writable_file

    url = database_url(settings.database)
    writable_file(url)
    revision = _on_database(upgrade(url))
    print(f"{display(url)}: schema at revision {revision}")
    return 0


def _insights(settings: Settings, engine: Engine, args: argparse.Namespace) -> int:
    from qa_service.insights.report import MAX_DAYS, lines, make_report, report_csv, report_json
    from qa_service.insights.store import Store, database_url, writable_file
    from qa_service.insights.suggest import drafts, drafts_toml

    if not 1 <= args.days <= MAX_DAYS:
        raise QAError(f"--days must be from 1 to {MAX_DAYS}")
    url = database_url(settings.database)
    writable_file(url)

    async def read() -> Any:
        store = Store(url)
        try:
            await store.upgrade()  # a new database reads as empty, not as an error
            return await make_report(store, engine, args.days)
        finally:
            await store.close()

    report = _on_database(read())
    if args.insights_command == "suggest":
        text = drafts_toml(
            drafts(report, engine.policy, most=args.top, min_count=args.min_count), report
        )
        if args.out:
            args.out.write_text(text, encoding="utf-8")
            print(f"wrote draft intents to {args.out}", file=sys.stderr)
        else:
            print(text, end="")
        return 0
    if args.csv:
        args.csv.write_text(report_csv(report), encoding="utf-8", newline="")
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines(report)))
    return 0


def _serve(settings: Settings, engine: Engine, workers: int = 1) -> None:
    from qa_service import lifecycle, reloading
    from qa_service.app import create_app
    from qa_service.logs import configure_logging, install_filters
    from qa_service.state import EngineRef

    configure_logging()
    install_filters(*logging.getLogger().handlers)
    log.info(
        "serving %r (%d clauses, %d intents) on %s port %d",
        engine.policy.title,
        len(engine.policy.clauses),
        len(engine.routes),
        settings.host,
        settings.port,
    )
    if workers > 1 and settings.insights:
        # Migrate once, in the master, rather than in every worker at the same moment.
        from qa_service.insights.store import database_url, upgrade

        with contextlib.suppress(Exception):  # a server that is down: the workers retry
            asyncio.run(upgrade(database_url(settings.database)))
    if workers > 1:
        from qa_service.prefork import serve

        current = EngineRef(engine)

        def reload() -> bool:  # in the gunicorn master, on SIGHUP, before new workers fork
            try:
                current.engine = reloading.build(settings, current.engine)
            except ReloadError:  # logged; the old engine stays, and so do the workers
                return False
            return True

        serve(
            lambda: create_app(settings, engine=current.engine),
            settings.host,
            settings.port,
            workers,
            on_reload=reload,
            shutdown_timeout=settings.shutdown_timeout,
            max_connections=settings.max_connections,
        )
        return
    app = create_app(settings, engine=engine)
    app.on_startup.append(reloading.on_sighup)
    lifecycle.run(app, settings)


def main(argv: Sequence[str] | None = None) -> None:
    if hasattr(signal, "SIGPIPE"):  # `run.py eval ... | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["serve"])
    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if args.command == "serve" and args.workers < 1:
        parser.error("--workers must be at least 1")
    try:
        if args.command == "eval":
            raise SystemExit(_eval(args, settings))
        if args.command == "tune":
            raise SystemExit(_tune(args, settings))
        if args.command == "db":
            raise SystemExit(_db_upgrade(settings))
        engine = Engine.from_settings(settings)
        if args.command == "insights":
            raise SystemExit(_insights(settings, engine, args))
        if args.command == "serve":
            from qa_service.insights.service import effective

            settings = effective(settings)  # before serving: a bad --database stops here
    except (QAError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    if args.command == "ask":
        _ask(engine, args.question, args.json, settings.public_url)
    elif args.command == "search":
        _search(engine, args.terms, args.limit, args.json, settings.public_url)
    else:
        _serve(settings, engine, args.workers)
