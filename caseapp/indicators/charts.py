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

from markupsafe import Markup

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
    """A horizontal bar chart of ``bars`` (largest value = full width).

    Built from literal ``Markup`` templates whose ``format`` escapes every value.
    """
    if not bars:
        return Markup("")
    top = max((b.value or 0) for b in bars) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        Markup(
            '<svg class="chart" role="img" aria-hidden="true" viewBox="0 0 {w} {h}" '
            'width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>'
        ).format(w=WIDTH, h=height, t=title)
    ]
    for n, bar in enumerate(bars):
        y = GAP + n * (BAR_HEIGHT + GAP)
        length = round(span * (bar.value or 0) / top, 1)
        label = bar.label if len(bar.label) <= 22 else bar.label[:21] + "…"
        shape = Markup(
            '<text class="chart-label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
            '<rect class="chart-bar" x="{bx}" y="{y}" width="{length}" height="{bh}"/>'
            '<text class="chart-value" x="{vx}" y="{ty}">{value}</text>'
        ).format(
            lx=LABEL_WIDTH - 6,
            ty=y + BAR_HEIGHT - 5,
            label=label,
            bx=LABEL_WIDTH,
            y=y,
            length=length,
            bh=BAR_HEIGHT,
            vx=LABEL_WIDTH + length + 4,
            value=_number(bar.value),
        )
        if bar.href:
            shape = Markup('<a href="{href}">{shape}</a>').format(href=bar.href, shape=shape)
        parts.append(shape)
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
