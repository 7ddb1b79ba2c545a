"""In a real browser (issue 13, "what this must show"): the ombudsperson lands on the
indicators, sees the charts beside their tables, drills down from a figure to exactly the cases
behind it, and downloads a case's PDF summary and the indicators as XLSX."""

from __future__ import annotations

import io
import os

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.indicators.dataset import build

pytestmark = pytest.mark.browser


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if os.environ.get("CASEAPP_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["CASEAPP_SCREENSHOT_DIR"], name))


def test_the_ombudsperson_sees_charts_drills_down_and_downloads(
    live_server, page, factory, db, log_in, tmp_path
):
    from playwright.sync_api import expect

    data = build(factory)
    numbers = {n: c.number for n, c in data.cases.items()}
    log_in(page, data.ombudsperson)
    expect(page).to_have_url(f"{live_server}/indicators/")

    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To (inclusive)").fill("2026-03-31")
    page.get_by_role("button", name="Show").click()
    section = page.locator("#ind-deprived_of_liberty")
    expect(section.get_by_role("heading", name="Children deprived of liberty")).to_be_visible()
    charts = page.locator("svg.chart")
    assert charts.count() >= 6
    expect(charts.first).to_be_visible()
    _shot(page, tmp_path, "ombuds-indicators.png")

    # The number of children deprived of liberty (3) leads to exactly those three cases.
    section.locator("table.totals a").first.click()
    expect(page.get_by_role("heading", name="Children deprived of liberty")).to_be_visible()
    table = page.locator("table.drill-down")
    expect(table.locator("tbody tr")).to_have_count(3)
    for n in (1, 2, 3):
        expect(table.get_by_role("link", name=numbers[n])).to_be_visible()
    expect(table.get_by_role("link", name=numbers[4])).to_have_count(0)
    _shot(page, tmp_path, "ombuds-drill-down.png")

    # A case's PDF summary: a PDF with the case number and the safeguards.
    row = table.locator("tr", has=page.get_by_role("link", name=numbers[1]))
    with page.expect_download() as pdf_info:
        row.get_by_role("link", name="PDF summary").click()
    pdf_path = tmp_path / "summary.pdf"
    pdf_info.value.save_as(pdf_path)
    body = pdf_path.read_bytes()
    assert body.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert numbers[1] in text
    assert "Return safeguards" in text and "S1" in text and "S18" in text

    # The indicators as XLSX.
    page.get_by_role("link", name="Back to the indicators").click()
    with page.expect_download() as xlsx_info:
        page.get_by_role("link", name="Download as XLSX").click()
    xlsx_path = tmp_path / "indicators.xlsx"
    xlsx_info.value.save_as(xlsx_path)
    workbook = load_workbook(xlsx_path, read_only=True)
    try:
        rows = list(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()  # read-only workbooks keep the file open until closed
    assert rows[0][:5] == ("Indicator", "Figure", "Breakdown", "Category", "Value")
    figures = {(r[0], r[1], r[2], r[3]): r[4] for r in rows[1:]}
    assert figures[("Children deprived of liberty", "number", "", "")] == 3
    assert figures[("Children identified", "number", "Sex", "female")] == 2
