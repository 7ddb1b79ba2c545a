"""The SVG bar chart: escaped text, bars proportional to values, links to the drill-down."""

from __future__ import annotations

from caseapp.indicators.charts import Bar, bar_chart


def test_labels_and_links_are_escaped_and_bars_are_proportional():
    svg = str(
        bar_chart(
            [Bar("<script>x</script>", 4, "/indicators/cases?a=1&b=2"), Bar("two", 2)],
            title='T "1"',
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'href="/indicators/cases?a=1&amp;b=2"' in svg
    assert "<title>T &#34;1&#34;</title>" in svg
    assert 'width="290.0"' in svg and 'width="145.0"' in svg  # 480 - 150 - 40 = 290
    assert "style" not in svg and "<script" not in svg


def test_no_bars_no_chart():
    assert str(bar_chart([], title="x")) == ""
