"""Four eyes reads everyone who wrote the determination, not only who opened it (002, Rec 2;
UNHCR BIP): a supervisor who changed or submitted a BID a caseworker opened approves neither
the BID nor the return resting on it, and S10 is unmet when one of its writers approved it.
Each rule both ways: another supervisor, who wrote none of it, may."""

from __future__ import annotations

import pytest

from caseapp.cases.models import Outcome
from caseapp.core.errors import FourEyesViolation
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.dashboard import queries
from caseapp.determination import operations as ops
from caseapp.determination.models import BidWriter, PanelRole
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.operations import approve_return
from caseapp.gate.policy import current_policy
from tests.support import clock, lifecycle
from tests.support.gate_builder import execute_return, ready_case


def _edit(bid, sup):
    ops.update_bid(
        sup,
        bid,
        recommended=Outcome.RETURN,
        reasons="Rewritten by the supervisor.",
        expected_version=bid.version,
    )


def _panel(bid, sup):
    ops.add_panel_member(
        sup,
        bid,
        name="Member added by the supervisor",
        role=PanelRole.MEMBER,
        organisation=None,
        child_protection=False,
        expected_version=bid.version,
    )


def _submit(bid, sup):
    ops.submit_bid(sup, bid, expected_version=bid.version)


@pytest.mark.parametrize("write", [_edit, _panel, _submit], ids=["edited", "panel", "submitted"])
def test_a_supervisor_who_wrote_part_of_a_bid_does_not_review_it(factory, people, db, write):
    cw, sup, sup2 = people["cw"], people["sup"], people["sup2"]
    case = factory.case(caseworker=cw)
    bid = lifecycle.complete_bid(case, cw)  # opened and filled by the caseworker
    write(bid, sup)
    db.session.commit()
    if bid.status in ops.EDITABLE_STATUSES:
        ops.submit_bid(cw, bid, expected_version=bid.version)
        db.session.commit()
    assert bid.author_id == cw.id
    assert bid.writer_ids == {cw.id, sup.id}
    assert not bid.can_review(sup) and bid.can_review(sup2)
    with pytest.raises(FourEyesViolation):
        ops.approve_bid(sup, bid, expected_version=bid.version)
    with pytest.raises(FourEyesViolation):
        ops.send_back_bid(sup, bid, "no", expected_version=bid.version)
    db.session.rollback()
    # The approval queue agrees: the BID waits for sup2, not for sup.
    waiting = {row[0].id for row in queries.bids_awaiting(sup2)[0]}
    assert bid.id in waiting
    assert bid.id not in {row[0].id for row in queries.bids_awaiting(sup)[0]}
    ops.approve_bid(sup2, bid, expected_version=bid.version)
    db.session.commit()
    assert bid.approved_by_id == sup2.id


def test_writing_is_recorded_once_per_person(factory, people, db):
    cw, sup = people["cw"], people["sup"]
    case = factory.case(caseworker=cw)
    bid = lifecycle.complete_bid(case, cw)
    _edit(bid, sup)
    _edit(bid, sup)
    db.session.commit()
    assert sorted(w.user_id for w in bid.writers) == sorted([cw.id, sup.id])


def _ready_with_writer(factory, writer_of_bid: bool):
    """A case ready for return whose determination the approver did or did not help write."""
    ready = ready_case(factory)
    bid = ready.r["bid"]
    if writer_of_bid:  # what _edit_draft records when the approver changed the draft
        bid.writers.append(BidWriter(user_id=ready.approver.id))
    db.session.commit()
    return ready


@pytest.mark.parametrize("writer_of_bid", [True, False])
def test_a_writer_of_the_determination_does_not_approve_the_return(factory, writer_of_bid):
    ready = _ready_with_writer(factory, writer_of_bid)
    assert ready.case.can_approve_return(ready.approver, ready.r["bid"].writer_ids, ()) is not (
        writer_of_bid
    )
    if writer_of_bid:
        with pytest.raises(FourEyesViolation):
            approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    else:
        approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.rollback()


@pytest.mark.parametrize("approver_wrote_it", [True, False])
def test_s10_is_unmet_when_a_writer_approved_the_bid(factory, approver_wrote_it):
    """A BID approved before writers were recorded by someone who had changed it."""
    ready = ready_case(factory)
    bid = ready.r["bid"]
    if approver_wrote_it:
        bid.writers.append(BidWriter(user_id=bid.approved_by_id))
    db.session.commit()
    s10 = evaluate_return_gate(ready.case, today=clock.today(), policy=current_policy()).get("S10")
    assert s10.met is not approver_wrote_it
    if approver_wrote_it:
        assert "approved by someone who wrote it" in s10.reason


def test_the_migration_finds_the_writers_already_recorded(tmp_path):
    """``bid_writer`` is filled from the BIDs' authors and from the audit entries that changed
    or submitted them (migration f4b8d2e6a1c9); other entries name no writer."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from tests.support.migration_db import agency_people_cases, audit_entry, database_at, insert_row

    with database_at(tmp_path, "c6d2a8f4e1b9"):
        with db.engine.begin() as conn:
            (cw, sup, sup2, viewer), (case,) = agency_people_cases(
                conn, ("cw", "sup", "sup2", "viewer"), 1
            )
            bid = insert_row(
                conn,
                "best_interests_determination",
                case_id=case,
                author_id=cw,
                status="approved",
                submitted_at="2026-03-01T10:00:00+00:00",
                approved_by_id=sup2,
                approved_at="2026-03-02T10:00:00+00:00",
                version=3,
            )
            entries = [
                (sup, "bid:draft:update", "BestInterestsDetermination"),
                (sup, "bid:submit", "BestInterestsDetermination"),
                (sup2, "bid:approve", "BestInterestsDetermination"),
                (viewer, "case:view", "Case"),
                (viewer, "bid:draft:update", "Case"),  # another object with the same id
            ]
            for seq, (actor, action, object_type) in enumerate(entries, start=1):
                audit_entry(
                    conn,
                    seq,
                    actor_id=actor,
                    action=action,
                    object_type=object_type,
                    object_id=bid,
                    case_id=case,
                )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT bid_id, user_id FROM bid_writer")).all()
    assert sorted(rows) == [(bid, cw), (bid, sup)]


def test_the_migration_gives_a_copied_draft_the_writers_of_what_it_copied(tmp_path):
    """A draft opened before ``bid_writer`` existed, copying a withdrawn BID, gets that BID's
    writers (migration b2d4f6a8c0e1, from the trail's ``bid:draft:create`` entries); a copy
    of a copy gets both; a draft that copied nothing, or a BID that no longer exists, gets
    none."""
    import json

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from tests.support.migration_db import agency_people_cases, audit_entry, database_at, insert_row

    with database_at(tmp_path, "f4b8d2e6a1c9"):
        with db.engine.begin() as conn:
            (cw, cw2, sup, other), (case, fresh_case) = agency_people_cases(
                conn, ("cw", "cw2", "sup", "other"), 2
            )

            def bid(case_id, author, status):
                submitted = {"submitted_at": "2026-03-01T10:00:00+00:00"}
                return insert_row(
                    conn,
                    "best_interests_determination",
                    case_id=case_id,
                    author_id=author,
                    status=status,
                    version=1,
                    **(submitted if status == "withdrawn" else {}),
                )

            first = bid(case, sup, "withdrawn")
            second = bid(case, cw, "withdrawn")
            third = bid(case, cw2, "draft")
            fresh = bid(fresh_case, other, "draft")
            writers = [(first, sup), (first, cw), (second, cw), (third, cw2), (fresh, other)]
            for bid_id, user_id in writers:
                insert_row(conn, "bid_writer", bid_id=bid_id, user_id=user_id)
            creations = [
                (first, None),
                (second, first),
                (third, second),
                (fresh, 9999),  # names a BID that no longer exists
            ]
            for seq, (bid_id, copied) in enumerate(creations, start=1):
                diff = {"status": [None, "draft"]}
                if copied is not None:
                    diff["copied_from"] = [None, copied]
                audit_entry(
                    conn,
                    seq,
                    actor_id=cw,
                    action="bid:draft:create",
                    object_type="BestInterestsDetermination",
                    object_id=bid_id,
                    case_id=case,
                    diff=json.dumps(diff),
                )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT bid_id, user_id FROM bid_writer")).all()
    assert sorted(rows) == sorted(
        [
            (first, sup),
            (first, cw),
            (second, cw),
            (second, sup),  # copied from the first
            (third, cw2),
            (third, cw),  # the first's and the second's, through the second
            (third, sup),
            (fresh, other),  # nothing copied
        ]
    )


@pytest.mark.parametrize("own_work", [True, False])
def test_an_approval_given_by_a_writer_does_not_carry_the_return_out(factory, own_work):
    """An approval in force given by someone later found to have written the determination
    (what the migration's backfill finds) leaves S10 unmet: the handover refuses."""
    from caseapp.core.errors import GateNotSatisfied

    ready = ready_case(factory)
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    if own_work:
        db.session.add(BidWriter(bid_id=ready.r["bid"].id, user_id=ready.approver.id))
        db.session.commit()
        db.session.expire_all()

    if own_work:
        with pytest.raises(GateNotSatisfied, match="S10"):
            execute_return(ready)
        db.session.rollback()
    else:
        execute_return(ready)
        db.session.commit()


def test_the_last_resort_queue_leaves_out_a_writer_of_the_determination(factory, client, login):
    """A writer of the determination may not approve a last resort (``approve_last_resort``),
    so their queue does not offer it; another supervisor's does."""
    from caseapp.crossborder.approvals import approve_last_resort
    from caseapp.crossborder.models import Consent

    ready = ready_case(factory)
    db.session.add(BidWriter(bid_id=ready.r["bid"].id, user_id=ready.approver.id))
    consent = db.session.get(Consent, ready.r["consent"].id)
    consent.non_voluntary = True
    consent.last_resort_justification = "Documented: no other solution is safe."
    db.session.commit()
    with pytest.raises(FourEyesViolation):
        approve_last_resort(ready.approver, consent, expected_version=ready.case.version)
    db.session.rollback()
    link = f"/cases/{ready.case.id}/return/consent"
    other = factory.user(Role.SUPERVISOR, agency=ready.agency)
    for user, offered in ((ready.approver, False), (other, True)):
        login(user)
        for page in ("/queue",):
            answer = client.get(page)
            assert answer.status_code == 200, (page, answer.status_code)
            html = answer.get_data(as_text=True)
            assert (link in html) is offered, (user, page)
        client.post("/logout")
