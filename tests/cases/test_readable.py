"""No internal value on a page (issue 12 item 6): stages, legal bases, message kinds and
escorts are shown by their labels; every case page names the case and the child."""

import html
import re

import pytest

from caseapp.cases.models import Stage
from caseapp.crossborder.models import EscortKind, LegalBasis, MessageKind
from tests.support.gate_builder import ready_case

PAGES = [
    "/cases/{id}",
    "/cases/{id}/assessment",
    "/cases/{id}/determination",
    "/cases/{id}/decision",
    "/cases/{id}/return/",
    "/cases/{id}/return/coordination",
    "/cases/{id}/return/travel",
    "/cases/{id}/return/messages",
    "/cases/{id}/safeguards",
    "/cases/{id}/monitoring/",
    "/cases/{id}/documents",
    "/cases/{id}/close",
]
ENUMS = (Stage, LegalBasis, MessageKind, EscortKind)
INTERNAL = sorted({m.value for enum in ENUMS for m in enum if "_" in m.value})


def _text(page: str) -> str:
    """What a reader sees: no tags, no attribute values."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_no_internal_value_and_the_case_is_named_on_every_case_page(
    client, factory, login, db, locale
):
    ready = ready_case(factory)
    ready.caseworker.locale = locale
    db.session.commit()
    case_id, number = ready.case.id, ready.case.number
    name = ready.case.child.primary_name.full_name
    login(ready.caseworker)
    for path in PAGES:
        response = client.get(path.format(id=case_id))
        assert response.status_code == 200, path
        text = _text(response.get_data(as_text=True))
        shown = [value for value in INTERNAL if re.search(rf"\b{value}\b", text)]
        assert shown == [], f"{path}: {shown}"
        assert "DESIGN.md" not in text, path
        assert number in text and name in text, path
