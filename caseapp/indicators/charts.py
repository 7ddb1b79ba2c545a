"""Bar charts as inline SVG, drawn on the server.

Why not a chart library: the page's Content-Security-Policy allows no inline script and no
inline style (``style-src 'self'``). pygal, the maintained pure-Python SVG library, embeds a
``<style>`` element and script hooks in every chart, which that policy blocks; the JavaScript
libraries need a script per chart. A horizontal bar chart needs only rectangles and text, so
this module draws them with presentation attributes (x, y, width, height) and CSS classes
styled by ``caseapp.css``. Every bar is a link to the cases behind it, and every chart is
shown next to its table (the table is what screen readers and print use; the SVG is
``aria-hidden``).
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 480
LABEL_WIDTH = 150
VALUE_WIDTH = 40
BAR_HEIGHT = 18
GAP = 6


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and where it drills down to."""

    label: str
    value: int | float
    href: str | None = None


def bar_chart(bars: list[Bar], *, title: str) -> Markup:
    """A horizontal bar chart of ``bars`` (largest value = full width)."""
    if not bars:
        return Markup("")
    top = max((b.value or 0) for b in bars) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="chart" role="img" aria-hidden="true" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for n, bar in enumerate(bars):
        y = GAP + n * (BAR_HEIGHT + GAP)
        length = round(span * (bar.value or 0) / top, 1)
        text_y = y + BAR_HEIGHT - 5
        label = escape(bar.label if len(bar.label) <= 22 else bar.label[:21] + "…")
        shape = (
            f'<text class="chart-label" x="{LABEL_WIDTH - 6}" y="{text_y}" '
            f'text-anchor="end">{label}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" '
            f'height="{BAR_HEIGHT}"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 4}" y="{text_y}">'
            f"{escape(_number(bar.value))}</text>"
        )
        if bar.href:
            shape = f'<a href="{escape(bar.href)}">{shape}</a>'
        parts.append(shape)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
