"""The reference: a bare aiohttp handler that parses the same JSON body and returns a small
JSON reply, served with the same logging and access log as `run.py`."""

from __future__ import annotations

import argparse
import json

from aiohttp import web

# The same logging and access line as run.py (the engine not loaded).
from qa_service.logs import AccessLogger, configure_logging
from qa_service.prefork import serve


async def ask(request: web.Request) -> web.Response:
    body = json.loads(await request.read())
    return web.json_response({"status": "ok", "length": len(body["question"])})


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_post("/api/v1/ask", ask)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    configure_logging()
    if args.workers > 1:
        serve(create_app, args.host, args.port, args.workers, access_log_class=AccessLogger)
        return
    web.run_app(
        create_app(), host=args.host, port=args.port, access_log_class=AccessLogger, print=None
    )


if __name__ == "__main__":
    main()
