"""Charts for the insights page, drawn on the server as inline SVG: no script, no CDN, and
nothing the page's Content-Security-Policy forbids (colours come from the stylesheet's
classes, never from style attributes). Every label goes through html.escape."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from qa_service.insights.report import Day


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _nice_max(value: int) -> int:
    """A round number at or above `value` for the top of an axis."""
    if value <= 5:
        return 5
    step: int = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * step:
            return factor * step
    return value


def daily_statuses(days: Sequence[Day], statuses: Sequence[str], title: str) -> str:
    """Questions a day, one bar a day, stacked by status."""
    width, height, left, bottom, top = 720, 220, 40, 24, 10
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = _nice_max(max((d.total for d in days), default=0))
    slot = plot_w / max(len(days), 1)
    bar = max(slot * 0.7, 1.0)
    parts: list[str] = []
    for tick in (0, peak // 2, peak):
        y = top + plot_h - plot_h * tick / peak
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    for n, day in enumerate(days):
        x = left + n * slot + (slot - bar) / 2
        y = top + plot_h
        label = f"{day.day}: " + ", ".join(f"{day.counts[s]} {s}" for s in statuses)
        rects: list[str] = []
        for status in statuses:
            count = day.counts[status]
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            rects.append(
                f'<rect class="s-{_e(status)}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}"/>'
            )
        parts.append(f"<g><title>{_e(label)}</title>{''.join(rects)}</g>")
    if days:
        base = top + plot_h + 16
        parts.append(f'<text class="axis" x="{left}" y="{base}">{_e(days[0].day)}</text>')
        parts.append(
            f'<text class="axis" x="{width - 8}" y="{base}" text-anchor="end">'
            f"{_e(days[-1].day)}</text>"
        )
    legend = "".join(
        f'<li><span class="swatch s-{_e(s)}" aria-hidden="true"></span>{_e(s.replace("_", " "))}'
        "</li>"
        for s in statuses
    )
    return (
        f'<figure class="chart"><svg viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(title)}" preserveAspectRatio="xMinYMin meet">{"".join(parts)}</svg>'
        f'<figcaption><ul class="legend">{legend}</ul></figcaption></figure>'
    )


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    shown: str  # the value as written at the bar's end
    hint: str = ""  # a tooltip


def bars(items: Sequence[Bar], title: str, *, scale: float | None = None) -> str:
    """Horizontal bars, one a row, longest at `scale` (default: the largest value)."""
    if not items:
        return '<p class="empty">Nothing yet.</p>'
    row, label_w, width, value_w = 26, 300, 720, 70
    plot_w = width - label_w - value_w
    top = scale or max(item.value for item in items) or 1.0
    height = row * len(items) + 4
    parts: list[str] = []
    for n, item in enumerate(items):
        y = n * row + 4
        w = max(plot_w * item.value / top, 1.0 if item.value else 0.0)
        label = item.label if len(item.label) <= 42 else item.label[:40] + "…"
        parts.append(
            f"<g><title>{_e(item.hint or item.label)}</title>"
            f'<text class="label" x="{label_w - 8}" y="{y + 15}" text-anchor="end">'
            f"{_e(label)}</text>"
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}"/>'
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 15}">{_e(item.shown)}</text>'
            "</g>"
        )
    return (
        f'<figure class="chart"><svg viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{_e(title)}" preserveAspectRatio="xMinYMin meet">{"".join(parts)}</svg>'
        "</figure>"
    )
