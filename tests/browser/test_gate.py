"""In a real browser (issue 3, "what this must show"): a supervisor opens a blocked case and
sees exactly the unmet safeguards with their sources, cannot approve it, then approves the
ready case; the author of the determination cannot approve their own (four eyes)."""

import os
import re

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Case, Stage
from caseapp.gate.models import ReturnApproval
from caseapp.gate.safeguards import TITLES
from tests.support.gate_builder import ready_case

pytestmark = pytest.mark.browser

APPROVE = "Approve the return"
FORCE_SUBMIT = "document.querySelector('form[action$=\"/return/approve\"]').submit()"


def _stage(db, case_id):
    """The case's stage as stored now (then release the transaction for the server)."""
    db.session.expire_all()
    stage = db.session.scalar(select(Case.stage).where(Case.id == case_id))
    db.session.commit()
    return stage


def _count(db, model, *where):
    db.session.expire_all()
    n = db.session.scalar(select(func.count()).select_from(model).where(*where))
    db.session.commit()
    return n


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / name), full_page=True)
    if os.environ.get("CASEAPP_SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["CASEAPP_SCREENSHOT_DIR"], name))


def test_supervisor_sees_the_unmet_safeguards_cannot_approve_then_approves_the_ready_case(
    live_server, page, factory, db, log_in, tmp_path
):
    from playwright.sync_api import expect

    broken = ["S7", "S14", "S16"]
    blocked = ready_case(factory, breaks=tuple(broken))
    ready = ready_case(factory, agency=blocked.agency)
    supervisor = blocked.approver  # of the lead agency of both; wrote neither determination
    blocked_id, ready_id = blocked.case.id, ready.case.id
    supervisor_id = supervisor.id
    log_in(page, supervisor)

    # The blocked case: exactly the broken safeguards are shown unmet, with their sources.
    page.goto(f"{live_server}/cases/{blocked_id}/safeguards")
    expect(page.get_by_text("3 of 19 safeguards not met.")).to_be_visible()
    unmet = page.locator("tr.unmet")
    expect(unmet).to_have_count(len(broken))
    assert [unmet.nth(i).get_attribute("id") for i in range(len(broken))] == [
        f"safeguard-{sid}" for sid in broken
    ]
    for sid in broken:
        row = page.locator(f"#safeguard-{sid}")
        expect(row).to_contain_text("not met")
        expect(row.locator("th")).to_contain_text(f"{sid} · {TITLES[sid][0]}")
        expect(row).to_contain_text(TITLES[sid][1])  # the source, e.g. "002, fn 12 (v)"
    expect(page.locator("tr.met")).to_have_count(19 - len(broken))
    expect(page.locator("#safeguard-S14")).to_contain_text("escort by law enforcement")
    expect(page.locator("#safeguard-S16")).to_contain_text("an appeal is pending")

    # The approve button is disabled, with the reason next to it.
    button = page.get_by_role("button", name=APPROVE)
    expect(button).to_be_disabled()
    expect(page.locator("#approve-blocker")).to_have_text("Safeguards not met: S7, S14, S16.")
    _shot(page, tmp_path, "gate-blocked.png")

    # Forcing the form through anyway (CSRF token and version included) changes nothing.
    with page.expect_navigation():
        page.evaluate(FORCE_SUBMIT)
    # The confirmation step says what is being confirmed (issue 12 item 4), and decides nothing.
    expect(page.get_by_text("Not met: S7, S14, S16. The approval will be refused.")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()
    expect(
        page.get_by_text("The return cannot be approved: safeguards not met: S7, S14, S16.")
    ).to_be_visible()
    assert _stage(db, blocked_id) is Stage.RETURN_PREPARATION
    assert _count(db, ReturnApproval, ReturnApproval.case_id == blocked_id) == 0
    assert _count(db, AuditEntry, AuditEntry.action == "gate:refuse") == 1

    # The ready case: every safeguard met; the supervisor approves it.
    page.goto(f"{live_server}/cases/{ready_id}/safeguards")
    expect(page.get_by_text("Every safeguard is met.")).to_be_visible()
    expect(page.locator("tr.unmet")).to_have_count(0)
    page.get_by_role("button", name=APPROVE).click()
    expect(page.get_by_role("heading", name="Approve the return?")).to_be_visible()
    expect(page.get_by_text("All 19 safeguards are met today.")).to_be_visible()
    page.get_by_label("Comment (kept in the audit trail)").fill("Checked with the counterpart.")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("The return is approved.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Stage: return approved", re.IGNORECASE))).to_be_visible()
    expect(page.get_by_role("button", name=APPROVE)).to_have_count(0)
    _shot(page, tmp_path, "gate-approved.png")
    assert _stage(db, ready_id) is Stage.RETURN_APPROVED
    db.session.expire_all()
    approval = db.session.scalar(select(ReturnApproval).where(ReturnApproval.case_id == ready_id))
    assert approval.approved_by_id == supervisor_id
    assert approval.gate_evaluation["all_met"] is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "return:approve"))
    assert entry.reason == "Checked with the counterpart."
    db.session.commit()
    assert _stage(db, blocked_id) is Stage.RETURN_PREPARATION


def test_the_author_of_the_determination_cannot_approve_their_own(
    live_server, page, factory, db, log_in
):
    from playwright.sync_api import expect

    ready = ready_case(factory)
    author = ready.approver
    # The determination was drafted by this supervisor (and approved by another).
    ready.r["bid"].author_id = author.id
    db.session.commit()
    case_id = ready.case.id
    log_in(page, author)

    page.goto(f"{live_server}/cases/{case_id}/safeguards")
    expect(page.get_by_text("Every safeguard is met.")).to_be_visible()
    expect(page.get_by_role("button", name=APPROVE)).to_be_disabled()
    expect(page.locator("#approve-blocker")).to_have_text(
        "You wrote the determination: another supervisor must approve (four eyes)."
    )

    with page.expect_navigation():
        page.evaluate(FORCE_SUBMIT)
    page.get_by_role("button", name="Confirm").click()
    expect(
        page.get_by_text(
            "You wrote the determination: another supervisor must approve (four eyes)."
        ).first
    ).to_be_visible()
    assert _stage(db, case_id) is Stage.RETURN_PREPARATION
    assert _count(db, ReturnApproval, ReturnApproval.case_id == case_id) == 0
