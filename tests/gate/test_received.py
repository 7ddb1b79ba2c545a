"""The partner's signed documents obey the gate's rules for local records
(``caseapp/gate/safeguards/received.py``; DESIGN.md 4.1 principles 2-3; 002, Rec 2 and Rec 6).

Each rule both ways: the latest word across both sources (a local withdrawal recorded after
the partner's confirmation wins; a partner's confirmation recorded after it counts), the
policy's validity windows (the last day counts, the next does not), and the right party (an
active partner of the country of return counts; another country's or a deactivated one does
not). The documents arrive through the real inbox, signed with the partner's key.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from caseapp.cases.models import Stage
from caseapp.core.errors import GateNotSatisfied, InvalidTransition, StaleVersion
from caseapp.core.extensions import db
from caseapp.crossborder.models import TravelPlan, WithdrawalKind
from caseapp.crossborder.operations import record_guarantee, withdraw_guarantee
from caseapp.crossborder.withdrawals import record_withdrawal
from caseapp.exchange.documents import DocumentType as T
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.operations import approve_return
from caseapp.gate.policy import current_policy
from tests.exchange import records
from tests.exchange.test_two_instances import EXCHANGED, bodies
from tests.support import clock
from tests.support.gate_builder import execute_return, ready_case

INBOX = {"path": "/api/v1/exchange/inbox", "content_type": "application/json"}


@pytest.fixture
def sent(client, factory, db):
    """A case ready for return to Moldova but for the five safeguards the partner's documents
    meet, its exchange with the Moldovan partner, and ``send(type, body)`` to receive one."""
    ready = ready_case(factory, breaks=EXCHANGED)
    records.return_to_partner(ready, "MD")
    world = SimpleNamespace(agency=ready.agency, case=ready.case)
    link = records.link(world)

    def send(doc_type: T, body: dict) -> None:
        raw = records.signed(world, doc_type, link.exchange_id, body)
        answer = client.post(data=raw, **INBOX)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        db.session.expire_all()

    return SimpleNamespace(ready=ready, world=world, link=link, send=send)


def send_all(sent, *, but: tuple[T, ...] = ()) -> None:
    """The partner's four documents of today (``bodies()``), but those of types ``but``."""
    for doc_type, body in bodies().items():
        if T(doc_type) not in but:
            sent.send(T(doc_type), body)


def gate(ready, today=None):
    return evaluate_return_gate(ready.case, today=today or clock.today(), policy=current_policy())


def unmet(ready, today=None) -> set[str]:
    return set(gate(ready, today).unmet_ids) & set(EXCHANGED)


def withdraw_readiness(ready):
    record_withdrawal(
        ready.caseworker,
        ready.case,
        kind=WithdrawalKind.READINESS,
        on_date=clock.today(),
        made_by="Child protection directorate of Moldova",
        expected_version=ready.case.version,
    )
    db.session.commit()


# -- the right party ---------------------------------------------------------------------------


def test_the_partner_of_the_country_of_return_meets_the_five(sent):
    assert unmet(sent.ready) == set(EXCHANGED)
    send_all(sent)
    assert unmet(sent.ready) == set()
    assert (
        "signed by Child protection directorate of Moldova (MD)"
        in gate(sent.ready).get("S12").reason
    )


def test_a_partner_of_another_country_does_not(sent):
    send_all(sent)
    records.return_to_partner(sent.ready, "UA")  # the child now returns to Ukraine
    result = gate(sent.ready)
    assert set(result.unmet_ids) & set(EXCHANGED) == set(EXCHANGED)
    reason = result.get("S7").reason
    assert "Documents from Child protection directorate of Moldova (MD) do not count" in reason
    assert "(UA)" in reason


def test_a_deactivated_partner_does_not(sent):
    send_all(sent)
    partner = records.partner(sent.world)
    partner.active = False  # what update_partner(active=False) stores
    db.session.commit()
    assert unmet(sent.ready) == set(EXCHANGED)
    partner.active = True
    db.session.commit()
    assert unmet(sent.ready) == set()


@pytest.mark.parametrize("withdrawn_days_ago", [0, 30])
def test_a_deactivated_partners_withdrawal_still_counts(client, factory, db, withdrawn_days_ago):
    """Deactivating a partner does not take back its word against the return: a readiness
    withdrawal from a partner of the country of return, since deactivated, still outweighs
    an older local confirmation (fail closed; 002, Rec 2). One older than the local
    confirmation (dated 10 days ago) does not, active or not."""
    ready = ready_case(factory)
    records.return_to_partner(ready, "MD")
    world = SimpleNamespace(agency=ready.agency, case=ready.case)
    link = records.link(world)
    assert "S12" not in gate(ready).unmet_ids
    withdrawn_on = clock.today() - timedelta(days=withdrawn_days_ago)
    body = {"withdrawn_on": withdrawn_on.isoformat(), "reason": "The family moved away."}
    raw = records.signed(world, T.READINESS_WITHDRAWAL, link.exchange_id, body)
    assert client.post(data=raw, **INBOX).status_code == 200
    db.session.expire_all()
    later = withdrawn_days_ago == 0
    assert ("S12" in gate(ready).unmet_ids) is later
    records.partner(world).active = False  # what update_partner(active=False) stores
    db.session.commit()
    assert ("S12" in gate(ready).unmet_ids) is later
    if later:
        assert "Withdrawn by the partner" in gate(ready).get("S12").reason


@pytest.mark.parametrize("confirmed_again", [True, False])
def test_a_withdrawal_the_partner_followed_with_a_confirmation_does_not_stand(
    client, factory, db, confirmed_again
):
    """Deactivation keeps a partner's withdrawal only while it is that partner's latest word:
    one it followed with a new confirmation does not come back (the local confirmation of 10
    days ago decides again, once the partner's documents no longer count)."""
    ready = ready_case(factory)
    records.return_to_partner(ready, "MD")
    world = SimpleNamespace(agency=ready.agency, case=ready.case)
    link = records.link(world)
    withdrawal = {
        "withdrawn_on": (clock.today() - timedelta(days=5)).isoformat(),
        "reason": "The family moved away.",
    }
    documents = [(T.READINESS_WITHDRAWAL, withdrawal)]
    if confirmed_again:
        yesterday = (clock.today() - timedelta(days=1)).isoformat()
        documents.append(
            (T.READINESS, {"confirmed_on": yesterday, "confirmed_by": "Head of directorate"})
        )
    for doc_type, body in documents:
        raw = records.signed(world, doc_type, link.exchange_id, body)
        assert client.post(data=raw, **INBOX).status_code == 200
    db.session.expire_all()
    assert ("S12" in gate(ready).unmet_ids) is not confirmed_again
    records.partner(world).active = False
    db.session.commit()
    result = gate(ready)
    assert ("S12" in result.unmet_ids) is not confirmed_again
    if not confirmed_again:
        assert "since been deactivated" in result.get("S12").reason


# -- the latest word across both sources ---------------------------------------------------------


def test_a_local_readiness_withdrawal_after_the_partners_confirmation_wins(sent):
    send_all(sent)
    withdraw_readiness(sent.ready)
    assert unmet(sent.ready) == {"S12"}
    with pytest.raises(GateNotSatisfied, match="S12"):
        approve_return(
            sent.ready.approver, sent.ready.case, expected_version=sent.ready.case.version
        )
    db.session.rollback()


def test_the_partners_confirmation_after_a_local_withdrawal_counts(sent):
    withdraw_readiness(sent.ready)
    send_all(sent)
    assert unmet(sent.ready) == set()


def test_a_partners_confirmation_dated_before_the_local_withdrawal_does_not(sent):
    withdraw_readiness(sent.ready)
    body = dict(bodies()["readiness"], confirmed_on=(clock.today() - timedelta(1)).isoformat())
    send_all(sent, but=(T.READINESS,))
    sent.send(T.READINESS, body)  # received after the withdrawal, but given the day before
    assert unmet(sent.ready) == {"S12"}


def test_a_readiness_withdrawal_after_approval_stops_the_handover(sent):
    send_all(sent)
    ready = sent.ready
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    assert ready.case.stage is Stage.RETURN_APPROVED
    withdraw_readiness(ready)
    db.session.expire_all()
    assert ready.case.stage is Stage.RETURN_PREPARATION  # the hold withdrew the approval
    with pytest.raises(InvalidTransition):
        execute_return(ready)
    db.session.rollback()


def test_a_local_guarantee_withdrawal_recorded_after_the_partners_guarantee_wins(sent):
    """The case's own guarantee was withdrawn today (``breaks``): the partner's guarantee of
    today counts, recorded after it. A second local guarantee, given yesterday and withdrawn
    today after the partner's arrived, is the latest word: S7 is unmet again."""
    ready = sent.ready
    send_all(sent)
    assert "S7" not in unmet(ready)
    second = record_guarantee(
        ready.caseworker,
        ready.case,
        expected_version=ready.case.version,
        guarantor_kind=ready.r["guarantee"].guarantor_kind,
        guarantor_name="Grandmother",
        given_on=clock.today() - timedelta(1),
        written=True,
        document_reference="G-2",
    )
    db.session.commit()
    assert "S7" not in unmet(ready)  # given before the partner's: the partner's is later
    withdraw_guarantee(
        ready.caseworker, second, withdrawn_on=clock.today(), expected_version=ready.case.version
    )
    db.session.commit()
    assert unmet(ready) == {"S7"}


def test_a_later_unfavourable_home_study_wins_and_an_earlier_one_does_not(sent):
    """The case's own latest home study (39 days ago, ``breaks``) is unfavourable: the
    partner's favourable report received today is later and counts. The partner's unfavourable
    report received after it is its latest word and wins."""
    send_all(sent)
    assert "S6" not in unmet(sent.ready)
    body = dict(bodies()["home_study_report"], favourable=False)
    sent.send(T.HOME_STUDY_REPORT, body)
    result = gate(sent.ready).get("S6")
    assert not result.met
    assert "is unfavourable" in result.reason and "Moldova" in result.reason


def test_a_local_unfavourable_home_study_of_the_same_day_wins(sent):
    send_all(sent)
    ready = sent.ready
    ready.scenario.home_study(received_on=clock.today(), favourable=False)
    db.session.commit()
    assert unmet(ready) == {"S6"}


# -- time is part of the fact --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sid", "window"),
    [
        ("S7", "guarantee_valid_days"),
        ("S12", "confirmation_valid_days"),
        ("S13", "confirmation_valid_days"),
    ],
)
def test_a_partners_document_counts_for_the_policys_window(sent, sid, window):
    send_all(sent)
    days = getattr(current_policy(), window)
    last = clock.today() + timedelta(days)
    assert gate(sent.ready, last).get(sid).met
    result = gate(sent.ready, last + timedelta(1)).get(sid)
    assert not result.met
    assert f"it counts for {days} days" in result.reason


@pytest.mark.parametrize(("offset", "met"), [(0, True), (1, False), (-46, False)])
def test_the_partners_first_visit_falls_within_the_window_after_the_return(sent, offset, met):
    """The travel plan's day is 10 days ahead; the policy's window is 45 days after it."""
    ready = sent.ready
    travel_on = db.session.scalar(
        select(TravelPlan.travel_on).where(TravelPlan.case_id == ready.case.id)
    )
    days = current_policy().first_visit_within_days
    visit = travel_on + timedelta(days + offset)
    body = dict(bodies()["reintegration_plan"], first_visit_on=visit.isoformat())
    send_all(sent)
    sent.send(T.REINTEGRATION_PLAN, body)
    assert gate(ready).get("S17").met is met


def test_a_received_document_makes_a_page_loaded_before_it_stale(sent):
    """The partner's word bumps the case's version as a local record does: an approval given
    on a page loaded before it arrived is refused as stale (on PostgreSQL, the same lock
    orders an approval racing it); loaded again, the approval goes through."""
    send_all(sent)
    ready = sent.ready
    seen = ready.case.version
    sent.send(T.READINESS, bodies()["readiness"])  # the partner confirms again: all still met
    assert unmet(ready) == set()
    with pytest.raises(StaleVersion):
        approve_return(ready.approver, ready.case, expected_version=seen)
    db.session.rollback()
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    assert ready.case.stage is Stage.RETURN_APPROVED


@pytest.mark.parametrize("from_counterpart", [True, False])
def test_only_the_counterparts_confirmation_is_a_local_word_on_readiness(
    sent, factory, from_counterpart
):
    """A confirmation logged after the partner's, from an agency that is not the counterpart
    S12 reads, is no word on readiness: the partner's confirmation still counts. One from
    the counterpart without its document is the latest word, and leaves S12 unmet."""
    from caseapp.crossborder.models import MessageDirection, MessageKind
    from caseapp.crossborder.operations import log_message

    ready = sent.ready
    send_all(sent)
    counterpart = ready.r["coordination"].counterpart_agency_id
    other = factory.agency(country="MD", name="Consulate").id
    log_message(
        ready.caseworker,
        ready.case,
        expected_version=ready.case.version,
        direction=MessageDirection.RECEIVED,
        kind=MessageKind.CONFIRMATION_OF_READINESS,
        counterpart="Named on the message",
        counterpart_is_child_protection=True,
        agency_id=counterpart if from_counterpart else other,
        subject="Ready",
        on_date=clock.today(),
    )
    db.session.commit()
    assert unmet(ready) == ({"S12"} if from_counterpart else set())


@pytest.mark.parametrize(("day", "accepted"), [("2028-02-29", True), ("2026-02-30", False)])
def test_a_date_that_is_no_calendar_day_is_refused_at_the_inbox(sent, client, day, accepted):
    """The schema's ``"format": "date"`` is checked: a day that does not exist is refused
    with a clear code before anything is stored, never found later by the gate (which would
    fail on every page that evaluates it)."""
    body = dict(bodies()["readiness"], confirmed_on=day)
    raw = records.signed(sent.world, T.READINESS, sent.link.exchange_id, body)
    answer = client.post(data=raw, **INBOX)
    if accepted:
        assert answer.status_code == 200
    else:
        assert answer.status_code == 400
        assert answer.get_json()["error"]["code"] == "invalid_document"
    gate(sent.ready)  # evaluates either way


@pytest.mark.parametrize("active", [False, True])
def test_deactivating_the_partner_withdraws_an_approval_resting_on_it(sent, factory, active):
    """The hold re-checks every approved case when a partner is edited: deactivated, its
    documents no longer count and the approval is withdrawn at once (DESIGN.md 4.1 item 6);
    an edit that keeps it active keeps the approval."""
    from caseapp.core.permissions import Role
    from caseapp.exchange.operations import update_partner

    send_all(sent)
    ready = sent.ready
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    partner = records.partner(sent.world)
    update_partner(
        factory.user(Role.ADMIN),
        partner,
        name=partner.name + " (renamed)",
        country=partner.country,
        base_url=partner.base_url,
        public_key=partner.public_key,
        fingerprint_confirmed="",
        confirmed_by=partner.confirmed_by,
        local_agency=partner.local_agency,
        active=active,
    )
    db.session.commit()
    db.session.expire_all()
    expected = Stage.RETURN_APPROVED if active else Stage.RETURN_PREPARATION
    assert ready.case.stage is expected
