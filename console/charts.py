"""Charts as SVG markup, drawn on the server: no script, font or image is loaded.

Pure functions returning a string; every label is escaped. Colours and sizes are attributes, so
the page's content security policy needs no inline styles.
"""

from __future__ import annotations

import math
from html import escape
from typing import List, Optional, Sequence, Tuple

PALETTE = (
    "#2f6db5",
    "#e07b39",
    "#3a9a5b",
    "#b8474e",
    "#7d5ba6",
    "#8c6d46",
    "#d16ba5",
    "#6f7782",
    "#b5a33a",
    "#3fa7b5",
)
FONT = 'font-family="sans-serif"'
TEXT = "#333333"
GRID = "#dddddd"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def text_width(text: str, size: float) -> float:
    """About how wide `text` is drawn: CJK characters are square, others about half as wide."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.58 for ch in text)


def fit(text: str, width: float, size: float) -> str:
    """`text`, cut with an ellipsis to fit `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def nice_ticks(maximum: float, count: int = 4) -> List[float]:
    """Round tick values from 0 to at least `maximum`."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _frame(slug: str, title: str, width: int, height: int, body: List[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{_e(slug)}-title">'
        f'<title id="{_e(slug)}-title">{_e(title)}</title>' + "".join(body) + "</svg>"
    )


def _empty(slug: str, title: str, width: int, message: str) -> str:
    return _frame(
        slug,
        title,
        width,
        60,
        [
            f'<text x="{width / 2:.0f}" y="34" text-anchor="middle" {FONT} font-size="13" '
            f'fill="#777777">{_e(message)}</text>'
        ],
    )


def column_chart(
    slug: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Tuple[str, Sequence[float]]],
    width: int = 760,
    height: int = 260,
    empty: str = "no data in this range",
) -> str:
    """Stacked columns, one per category (a day), one colour per series, with a legend."""
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    if not categories or not any(totals):
        return _empty(slug, title, width, empty)
    left, right, top, legend_height = 48, 12, 12, 22 if len(series) > 1 else 0
    bottom = 34 + legend_height
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = nice_ticks(max(totals))
    scale = plot_h / ticks[-1]
    body: List[str] = []
    for tick in ticks:
        y = top + plot_h - tick * scale
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {FONT} '
            f'font-size="11" fill="{TEXT}">{_number(tick)}</text>'
        )
    slot = plot_w / len(categories)
    bar = max(min(slot * 0.7, 48), 1)
    every = max(1, math.ceil(len(categories) / max(plot_w // 46, 1)))
    for i, category in enumerate(categories):
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for n, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            h = value * scale
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{_e(category)} '
                f"{_e(name)}: {_number(value)}</title></rect>"
            )
        if i % every == 0:
            body.append(
                f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 16}" '
                f'text-anchor="middle" {FONT} font-size="11" fill="{TEXT}">'
                f"{_e(category)}</text>"
            )
    if legend_height:
        x = left
        for n, (name, _) in enumerate(series):
            body.append(
                f'<rect x="{x}" y="{height - 16}" width="11" height="11" '
                f'fill="{PALETTE[n % len(PALETTE)]}"/>'
            )
            body.append(
                f'<text x="{x + 15}" y="{height - 6}" {FONT} font-size="12" '
                f'fill="{TEXT}">{_e(name)}</text>'
            )
            x += 15 + text_width(str(name), 12) + 18
    return _frame(slug, title, width, height, body)


def bar_chart(
    slug: str,
    title: str,
    items: Sequence[Tuple[str, float]],
    width: int = 760,
    label_width: int = 260,
    share_of: Optional[float] = None,
    empty: str = "no data in this range",
    limit: int = 15,
) -> str:
    """Horizontal bars with their labels and values (with the share of `share_of` if given)."""
    items = [(label, value) for label, value in items if value > 0][:limit]
    if not items:
        return _empty(slug, title, width, empty)
    row, top = 24, 6
    height = top * 2 + row * len(items)
    value_width = 110 if share_of else 60
    plot_w = width - label_width - value_width - 8
    maximum = max(value for _, value in items)
    body: List[str] = []
    for n, (label, value) in enumerate(items):
        y = top + n * row
        w = max(plot_w * value / maximum, 1)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" {FONT} '
            f'font-size="12" fill="{TEXT}">{_e(fit(str(label), label_width - 12, 12))}'
            f"<title>{_e(label)}</title></text>"
        )
        body.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{PALETTE[0]}"><title>{_e(label)}: {_number(value)}</title></rect>'
        )
        shown = _number(value)
        if share_of:
            shown += f" ({value / share_of:.1%})"
        body.append(
            f'<text x="{label_width + w + 6:.1f}" y="{y + 16}" {FONT} font-size="12" '
            f'fill="{TEXT}">{_e(shown)}</text>'
        )
    return _frame(slug, title, width, height, body)


def share_chart(
    slug: str,
    title: str,
    items: Sequence[Tuple[str, float, int]],
    width: int = 760,
    label_width: int = 260,
) -> str:
    """Shares (0…1) as horizontal bars on a common 0–100 % scale, with the counts."""
    if not items:
        return _empty(slug, title, width, "no data in this range")
    row, top = 24, 6
    height = top * 2 + row * len(items) + 16
    plot_w = width - label_width - 130
    body: List[str] = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_width + plot_w * tick
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - 16}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{x:.1f}" y="{height - 3}" text-anchor="middle" {FONT} '
            f'font-size="10" fill="{TEXT}">{tick:.0%}</text>'
        )
    for n, (label, value, count) in enumerate(items):
        y = top + n * row
        w = max(plot_w * min(max(value, 0.0), 1.0), 1)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" {FONT} '
            f'font-size="12" fill="{TEXT}">{_e(fit(str(label), label_width - 12, 12))}'
            f"</text>"
        )
        body.append(
            f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" '
            f'fill="{PALETTE[(n + 1) % len(PALETTE)]}"><title>{_e(label)}: {value:.1%}'
            f"</title></rect>"
        )
        body.append(
            f'<text x="{label_width + plot_w + 8}" y="{y + 16}" {FONT} font-size="12" '
            f'fill="{TEXT}">{_e(f"{value:.1%} ({count:,})")}</text>'
        )
    return _frame(slug, title, width, height, body)
