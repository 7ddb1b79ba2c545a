"""The examples of issue 9 through the pages: a caseworker records the fact on its form, and
the safeguards page shows the verdict with the evidence in words, or what is missing."""

import re
from datetime import timedelta
from html import unescape

from caseapp.agencies.models import AgencyKind
from caseapp.core.extensions import db
from caseapp.crossborder.models import MonitoringPlan, TravelPlan
from caseapp.crossborder.operations import single_version
from tests.support.gate_builder import ready_case


def safeguard(client, case, sid) -> str:
    """The text of row ``sid`` of the safeguards page."""
    page = client.get(f"/cases/{case.id}/safeguards").get_data(as_text=True)
    row = re.search(rf'<tr class="(met|unmet)" id="safeguard-{sid}">(.*?)</tr>', page, re.S)
    assert row, sid
    text = unescape(re.sub(r"<[^>]+>", " ", row.group(2)))
    return f"{row.group(1)}: {' '.join(text.split())}"


def post(client, url, data):
    r = client.post(url, data=data)
    assert r.status_code == 302, unescape(r.get_data(as_text=True))[-3000:]


def test_s3_guardian_from_the_lead_agency_staff(factory, client, login):
    ready = ready_case(factory)
    login(ready.caseworker)
    post(
        client,
        f"/cases/{ready.case.id}/assessment/guardians",
        {
            "guardian-version": ready.case.version,
            "guardian-guardian_name": "Staff member",
            "guardian-organisation_id": ready.agency.id,
            "guardian-appointing_authority": "Guardianship authority",
            "guardian-appointed_on": ready.today.isoformat(),
            "guardian-declared_independent": "y",
        },
    )
    row = safeguard(client, ready.case, "S3")
    assert row.startswith("unmet") and "staff of the lead agency" in row
    assert "Record it" in row


def test_s3_uncle_without_legal_custody(factory, client, login):
    from caseapp.children.models import CareStatus

    ready = ready_case(factory, care_status=CareStatus.ACCOMPANIED)
    ready.r["guardian"].ended_on = ready.today
    db.session.commit()
    login(ready.caseworker)
    post(
        client,
        f"/cases/{ready.case.id}/family/new",
        {
            "version": ready.case.version,
            "name": "Uncle Petru",
            "relation": "aunt_uncle",
            "contact_status": "in_contact",
            "tracing_status": "traced",
            "with_the_child": "y",
        },
    )
    row = safeguard(client, ready.case, "S3")
    assert row.startswith("unmet") and "no legal custodian" in row


def test_s5_hearing_without_the_interpreter_the_child_needs(factory, client, login):
    ready = ready_case(factory)
    ready.case.child.interpreter_needed = True
    ready.case.child.languages = ["uz"]
    db.session.commit()
    login(ready.caseworker)
    row = safeguard(client, ready.case, "S5")
    assert row.startswith("unmet") and "interpreter" in row
    post(
        client,
        f"/cases/{ready.case.id}/assessment/hearings/new",
        {
            "version": ready.case.version,
            "held_on": ready.today.isoformat(),
            "language": "Uzbek",
            "interpreter": "Court interpreter",
            "interpreter_agency_id": ready.r["ngo"].id,
            "child_friendly_information_given": "y",
            "options_discussed": "y",
            "view_return": "Wants to go home",
            "views_summary": "Wants to go home.",
            "weight": "significant",
            "weight_reasons": "Mature.",
        },
    )
    row = safeguard(client, ready.case, "S5")
    assert row.startswith("met") and "interpreter Court interpreter" in row


def _central(client, ready, agency_id, day):
    return client.post(
        f"/cases/{ready.case.id}/return/central-approval",
        data={
            "version": ready.case.version,
            "authority_agency_id": agency_id,
            "reference": "CA-2",
            "approved_on": day.isoformat(),
        },
    )


def test_s11_from_the_case_s_own_agency_or_900_days_old(factory, client, login):
    ready = ready_case(factory)
    db.session.delete(ready.r["central"])  # only the approvals recorded below
    db.session.commit()
    login(ready.caseworker)
    r = _central(client, ready, ready.agency.id, ready.today)
    assert r.status_code == 400 and "not of the kind needed" in r.get_data(as_text=True)
    db.session.expire_all()
    assert len(client.get(f"/cases/{ready.case.id}/return/central-approval").data) > 0
    r = _central(client, ready, ready.r["central_agency"].id, ready.today - timedelta(days=900))
    assert r.status_code == 302
    row = safeguard(client, ready.case, "S11")
    assert row.startswith("unmet") and "valid for 180 days" in row


def _travel(client, ready, **changes):
    data = {
        "version": single_version(ready.case, TravelPlan),  # the plan's own lock
        "travel_on": (ready.today + timedelta(days=10)).isoformat(),
        "route": "By road",
        "escort_name": "Official",
        "escort_kind": "child_protection",
        "escort_agency_id": ready.r["travel"].escort_agency_id,
        "receiving_kind": "child_protection",
        "receiving_official": "Officer",
        "receiving_agency_id": ready.r["counterpart"].id,
        "handover_place": "Office",
        "arrival_placement_type": "family_community",
        "arrival_can_leave_at_will": "y",
    }
    data.update(changes)
    post(client, f"/cases/{ready.case.id}/return/travel", {k: v for k, v in data.items() if v})


def test_s14_handover_to_border_police_at_a_police_station(factory, client, login):
    ready = ready_case(factory)
    police = factory.agency(kind=AgencyKind.LAW_ENFORCEMENT, country="UA", name="Border Police")
    login(ready.caseworker)
    _travel(
        client,
        ready,
        receiving_agency_id=police.id,
        handover_place="Police station",
        arrival_placement_type="open_shelter",
        arrival_run_by_law_enforcement="y",
    )
    row = safeguard(client, ready.case, "S14")
    assert row.startswith("unmet")
    assert "Border Police is not child protection" in row and "deprivation of liberty" in row


def test_s14_a_mother_who_comes_to_collect_her_child(factory, client, login):
    ready = ready_case(factory)
    login(ready.caseworker)
    _travel(
        client,
        ready,
        escort_kind="family",
        escort_name="The mother",
        escort_agency_id="",
        receiving_kind="family_member",
        receiving_agency_id="",
        receiving_family_member_id=ready.r["mother"].id,
        receiving_official="The mother",
    )
    db.session.expire_all()
    assert db.session.get(TravelPlan, ready.r["travel"].id).receiving_family_member_id
    row = safeguard(client, ready.case, "S14")
    assert row.startswith("met") and "collected by Parent (mother)" in row


def _monitoring(client, ready, agency_id, first_visit):
    post(
        client,
        f"/cases/{ready.case.id}/return/monitoring-plan",
        {
            "version": single_version(ready.case, MonitoringPlan),
            "monitor_agency_id": agency_id,
            "monitor_name": "Monitor",
            "schedule": "1, 3",
            "first_visit_on": first_visit.isoformat(),
        },
    )


def test_s17_self_monitoring_and_a_first_visit_1000_days_after(factory, client, login):
    ready = ready_case(factory)
    travel = ready.r["travel"].travel_on
    login(ready.caseworker)
    _monitoring(client, ready, ready.agency.id, travel + timedelta(days=30))
    row = safeguard(client, ready.case, "S17")
    assert row.startswith("unmet") and "not independent" in row
    _monitoring(client, ready, ready.r["monitor_agency"].id, travel + timedelta(days=1000))
    row = safeguard(client, ready.case, "S17")
    assert row.startswith("unmet") and "within 45 days" in row
    _monitoring(client, ready, ready.r["monitor_agency"].id, travel + timedelta(days=30))
    row = safeguard(client, ready.case, "S17")
    assert row.startswith("met") and "Independent NGO" in row


def test_s1_a_child_recorded_as_17_is_not_17_forever(factory, client, login):
    ready = ready_case(factory)
    child = ready.case.child
    child.date_of_birth = None
    child.age_min, child.age_max = 17, 17
    child.age_assessed_on = ready.today - timedelta(days=400)
    db.session.commit()
    login(ready.caseworker)
    row = safeguard(client, ready.case, "S1")
    assert row.startswith("unmet") and "is 18 by the records" in row


def test_withdrawal_of_consent_through_the_page(factory, client, login):
    ready = ready_case(factory)
    login(ready.caseworker)
    post(
        client,
        f"/cases/{ready.case.id}/return/withdrawals",
        {
            "version": ready.case.version,
            "kind": "child_consent",
            "on_date": ready.today.isoformat(),
            "made_by": "The child",
            "reason": "Wants to stay with friends.",
        },
    )
    row = safeguard(client, ready.case, "S15")
    assert row.startswith("unmet") and "withdrew consent" in row
    page = client.get(f"/cases/{ready.case.id}/return/withdrawals").get_data(as_text=True)
    assert "the child withdrew consent · The child" in unescape(page)


def test_safeguards_page_in_words_in_russian(factory, client, login):
    ready = ready_case(factory)
    ready.caseworker.locale = "ru"
    db.session.commit()
    login(ready.caseworker)
    page = client.get(f"/cases/{ready.case.id}/safeguards").get_data(as_text=True)
    assert "Guarantee of care:" not in page and "CareGuarantee" not in page
    assert "signed.pdf" in page
