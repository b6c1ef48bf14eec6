"""The HTML shell every server-rendered page shares: the policy page, the demo, the console
and the insights pages. Every value goes through `escape`."""

from __future__ import annotations

import html
from collections.abc import Iterable


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def page(
    title: str,
    body: str,
    *,
    body_class: str,
    scripts: Iterable[str] = (),
    styles: Iterable[str] = (),
    indexed: bool = True,
) -> str:
    """A whole page: `body` is HTML already escaped; `styles` come after pages.css."""
    head = "".join(f'\n<link rel="stylesheet" href="{escape(href)}">' for href in styles)
    head += "".join(f'\n<script src="{escape(src)}" defer></script>' for src in scripts)
    robots = "" if indexed else '\n<meta name="robots" content="noindex">'
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">{robots}
<title>{escape(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/pages.css">{head}
</head>
<body class="{escape(body_class)}">
{body}
</body>
</html>
"""
