"""The indicator pages, the drill-down page, the spreadsheets and the PDF summary."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from tests.indicators.dataset import build

PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}


@pytest.fixture
def data(app, factory):
    return build(factory)


def test_the_ombudspersons_home_is_the_indicators(client, login, data):
    response = login(data.ombudsperson)
    location = client.get("/").headers["Location"]
    assert location.endswith("/indicators/")
    assert response is not None


def test_the_page_shows_charts_with_tables_and_links_to_the_cases(client, login, data, db):
    login(data.ombudsperson)
    page = client.get("/indicators/", query_string=PERIOD)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('<svg class="chart"') >= 6
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script
    assert "style=" not in html
    assert "Children deprived of liberty" in html and "002, Rec 4" in html
    assert "indicator=identified&amp;measure=count&amp;from=2026-01-01" in html
    assert "dimension=sex&amp;category=female" in html
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "indicators:figures:view")
    )


def test_a_supervisor_sees_their_agencys_figures(client, login, data):
    login(data.supervisor_b)
    html = client.get("/indicators/", query_string=PERIOD).get_data(as_text=True)
    assert "Your agency" in html
    drill = client.get(
        "/indicators/cases", query_string={**PERIOD, "indicator": "identified", "measure": "count"}
    ).get_data(as_text=True)
    assert data.cases[3].number in drill
    assert data.cases[1].number not in drill


def test_the_drill_down_page_lists_exactly_the_cases(client, login, data):
    login(data.ombudsperson)
    args = {**PERIOD, "indicator": "deprived_of_liberty", "measure": "open_now"}
    html = client.get("/indicators/cases", query_string=args).get_data(as_text=True)
    listed = {n for n in (c.number for c in data.cases.values()) if n in html}
    assert listed == data.numbers(2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"from": "2026-03-31", "to": "2026-01-01"}, "ends before it begins"),
        ({"from": "31/12/2026"}, "not a date"),
        ({"from": "1800-01-01"}, "between 2000"),
    ],
)
def test_a_reversed_or_bad_period_is_refused_with_a_message(client, login, data, args, message):
    login(data.ombudsperson)
    response = client.get("/indicators/", query_string=args)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_an_unknown_figure_is_refused_with_a_message(client, login, data):
    login(data.ombudsperson)
    for args in ({"indicator": "nothing"}, {"indicator": "returns", "dimension": "sex"}):
        response = client.get("/indicators/cases", query_string=args)
        assert response.status_code == 400
        assert "no such figure" in response.get_data(as_text=True)


def test_the_indicators_download_as_xlsx_and_csv(client, login, data, db):
    login(data.ombudsperson)
    response = client.get("/indicators/indicators.xlsx", query_string=PERIOD, buffered=True)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Indicator", "Figure", "Breakdown", "Category", "Value")
    assert rows[1][:5] == ("Children identified", "number", "", "", 3)
    csv_text = client.get(
        "/indicators/indicators.csv", query_string=PERIOD, buffered=True
    ).get_data(as_text=True)
    assert "Children deprived of liberty,days in the period,,,46" in csv_text
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert "indicators:figures:download" in actions


def test_the_case_list_downloads_with_its_filters_and_no_formula(client, login, data, factory):
    from caseapp.core.permissions import Role

    cw = factory.user(Role.CASEWORKER, agency=data.agency_a)
    factory.case(caseworker=cw, given="=HYPERLINK(1)", family="+Evil", country_of_origin="KG")
    login(cw)
    response = client.post(
        "/cases/export", data={"format": "xlsx", "country_of_origin": "KG"}, buffered=True
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    numbers = {r[0] for r in rows[1:]}
    assert data.cases[2].number in numbers and data.cases[1].number not in numbers
    names = [r[5] for r in rows[1:]]
    assert "'+Evil =HYPERLINK(1)" in names
    response = client.post("/cases/export", data={"format": "csv"}, buffered=True)
    csv_text = response.get_data(as_text=True)
    assert ",'+Evil =HYPERLINK(1)," in csv_text
    assert data.cases[3].number not in csv_text  # another agency's case


def test_the_case_list_downloads_with_the_date_of_birth_filter(client, login, data, factory, db):
    """The download reads the list page's filters as the page does (``cases.listing``): the
    date of birth too, recorded in the audit entry as searched, not as written."""
    from datetime import date

    from caseapp.core.permissions import Role

    cw = factory.user(Role.CASEWORKER, agency=data.agency_a)
    born = factory.case(caseworker=cw, dob=date(2013, 2, 14))
    other = factory.case(caseworker=cw, dob=date(2011, 9, 3))
    login(cw)
    response = client.post(
        "/cases/export", data={"format": "csv", "date_of_birth": "2013-02-14"}, buffered=True
    )
    csv_text = response.get_data(as_text=True)
    assert born.number in csv_text and other.number not in csv_text
    entry = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "report:case_list:download")
        .order_by(AuditEntry.seq.desc())
    )
    assert entry.diff["filters"]["date_of_birth_searched"] is True
    assert "2013-02-14" not in str(entry.diff)


def test_the_pdf_summary_has_the_case_number_and_the_safeguards(client, login, data, db):
    login(data.caseworker_a)
    case = data.cases[1]
    response = client.get(f"/cases/{case.id}/summary.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert case.number in text
    assert "Return safeguards" in text and "S18" in text
    assert "Ivanov" in text  # the lead agency's staff read names
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "report:case_summary:download")
    )
    assert entry.case_id == case.id and entry.diff == {"identified": True}


def test_the_pdf_in_russian_with_cyrillic_names(client, login, data, factory):
    from caseapp.core.permissions import Role

    cw = factory.user(Role.CASEWORKER, agency=data.agency_a, locale="ru")
    case = factory.case(caseworker=cw, given="Айгерим", family="Каримова")
    login(cw)
    response = client.get(f"/cases/{case.id}/summary.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Каримова" in text and case.number in text


def test_the_ombudsperson_gets_pseudonyms(client, login, data):
    login(data.ombudsperson)
    response = client.get(f"/cases/{data.cases[1].id}/summary.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Ivanov" not in text and "P-" in text


def test_another_agency_cannot_download_the_summary(client, login, data):
    login(data.supervisor_b)
    assert client.get(f"/cases/{data.cases[1].id}/summary.pdf").status_code == 404


def test_a_missing_font_is_a_clear_refusal_not_a_500(client, login, data, monkeypatch, tmp_path):
    from caseapp.reports import fonts

    monkeypatch.setattr(fonts, "SEARCH", ())
    client.application.config["PDF_FONT_DIR"] = str(tmp_path)
    login(data.caseworker_a)
    response = client.get(f"/cases/{data.cases[1].id}/summary.pdf")
    assert response.status_code == 503
    assert "fonts-dejavu-core" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "shown"),
    [("ombudsperson", True), ("supervisor_b", True), ("caseworker_a", False)],
)
def test_the_navigation_links_the_indicators_for_those_who_may_read_them(
    client, login, data, who, shown
):
    # The same rule as the pages' (``indicators.access.can_view_indicators``), asked by
    # ``base.html``: the link is there exactly when the page would answer.
    login(getattr(data, who))
    html = client.get("/preferences").get_data(as_text=True)
    assert ('href="/indicators/"' in html) is shown
    assert (client.get("/indicators/", query_string=PERIOD).status_code == 200) is shown
