"""Determination page: /cases/<id>/determination (the BID, its panel, options and review)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases.models import Outcome
from caseapp.cases.pages import case_context, load_case
from caseapp.core import web
from caseapp.core.confirm import confirm_then_submit
from caseapp.core.extensions import db
from caseapp.core.forms import VersionedForm, VersionForm
from caseapp.core.permissions import Permission
from caseapp.determination import forms as f
from caseapp.determination import operations as ops
from caseapp.determination.models import BestInterestsDetermination, PanelMember

bp = Blueprint("determination", __name__, url_prefix="/cases")


def _fresh(form_cls: type[VersionedForm], prefix: str, version: int) -> VersionedForm:
    return form_cls(prefix=prefix, formdata=None).at(version)


def _page_forms(case, bid) -> dict[str, VersionedForm]:
    bv = bid.version if bid else 0
    page_forms = {
        "open": _fresh(VersionForm, "open", case.version),
        "new_draft": _fresh(VersionForm, "new_draft", case.version),
        "panel": _fresh(f.PanelMemberForm, "panel", bv),
        "recommendation": _fresh(f.RecommendationForm, "recommendation", bv),
        "submit": _fresh(VersionForm, "submit", bv),
        "approve": _fresh(VersionForm, "approve", bv),
        "send_back": _fresh(f.SendBackForm, "send_back", bv),
    }
    if bid is not None:
        rec = page_forms["recommendation"]
        rec.recommended.data = bid.recommended.value if bid.recommended else ""
        rec.reasons.data = bid.reasons or ""
        rec.family_unity.data = bid.family_unity or ""
    options = {o.option: o for o in bid.options} if bid else {}
    for option in Outcome:
        form = _fresh(f.OptionForm, f"option-{option.value}", bv)
        if option in options:
            form.assessment.data = options[option].assessment
        page_forms[f"option-{option.value}"] = form
    return page_forms


def render_page(case, forms=None, errors=None):
    """Render the determination page."""
    bid = ops.current_bid(case)
    history = db.session.scalars(
        select(BestInterestsDetermination)
        .where(BestInterestsDetermination.case_id == case.id)
        .order_by(BestInterestsDetermination.id.desc())
    ).all()
    bv = bid.version if bid else 0
    return render_template(
        "determination/page.html",
        **case_context(case),
        bid=bid,
        history=history,
        forms={**_page_forms(case, bid), **(forms or {})},
        errors=errors or {},
        gaps=ops.submission_gaps(bid) if bid else [],
        editable=bid is not None and bid.status in ops.EDITABLE_STATUSES,
        may_review=bid is not None and bid.can_review(current_user),
        options={o.option: o for o in bid.options} if bid else {},
        all_options=list(Outcome),
        remove_form=lambda member: _fresh(VersionForm, f"remove-{member.id}", bv),
    )


@bp.get("/<int:case_id>/determination")
@login_required
def page(case_id: int):
    """The BID: panel, options, recommendation, submission and review (002, Rec 2)."""
    return render_page(load_case(case_id))


def _submit(case, name: str, form_cls, operation, target, success: str):
    """One of the page's forms through its operation on ``target`` (the case or a BID)."""
    page = "determination.page"
    return web.submit_on_page(
        form_cls(prefix=name),
        operation,
        current_user,
        target,
        case=case,
        name=name,
        page=page,
        render_page=render_page,
        success=success,
    )


def _bid_submit(case_id: int, bid_id: int, name: str, form_cls, operation, success: str):
    case = load_case(case_id, edit=True)
    bid = web.load(BestInterestsDetermination, bid_id, case=case)
    return _submit(case, name, form_cls, operation, bid, success)


def _review(
    case_id: int,
    bid_id: int,
    name: str,
    form_cls,
    operation,
    success: str,
    confirm_title: str | None = None,
):
    """A supervisor's review of a BID. Approving or sending it back is a supervisor's
    (DESIGN.md section 1; 002, Rec 2): a caseworker is refused (403) before the form is read.
    With ``confirm_title`` the act is confirmed on a page showing what is approved, with a
    comment kept in the audit entry (issue 12 item 4)."""
    case = load_case(case_id, edit=True)
    web.require(current_user.can(Permission.BID_APPROVE))
    bid = web.load(BestInterestsDetermination, bid_id, case=case)
    if confirm_title is None:
        return _submit(case, name, form_cls, operation, bid, success)
    form = form_cls(prefix=name)
    page_url = url_for("determination.page", case_id=case.id)
    return confirm_then_submit(
        form,
        operation,
        current_user,
        bid,
        title=confirm_title,
        facts=lambda: _bid_facts(case, bid),
        back_url=page_url,
        success=success,
        next_url=page_url,
        render=lambda error: render_page(case, {name: form}, {name: error}),
    )


@bp.post("/<int:case_id>/determination/open")
@login_required
def open_determination(case_id: int):
    """assessment -> determination with a draft BID."""
    case = load_case(case_id, edit=True)
    success = _("The determination is open: a draft BID was created.")
    return _submit(case, "open", VersionForm, ops.open_determination, case, success)


@bp.post("/<int:case_id>/determination/new-draft")
@login_required
def new_draft(case_id: int):
    """A new draft BID after the determination was reopened."""
    case = load_case(case_id, edit=True)
    success = _("A new draft BID was created from the previous one.")
    return _submit(case, "new_draft", VersionForm, ops.open_new_draft, case, success)


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/panel")
@login_required
def add_panel_member(case_id: int, bid_id: int):
    """Add a panel member."""
    return _bid_submit(
        case_id, bid_id, "panel", f.PanelMemberForm, ops.add_panel_member, _("Panel member added.")
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/panel/<int:member_id>/remove")
@login_required
def remove_panel_member(case_id: int, bid_id: int, member_id: int):
    """Remove a panel member from the draft."""
    case = load_case(case_id, edit=True)
    bid = web.load(BestInterestsDetermination, bid_id, case=case)
    member = web.load(PanelMember, member_id, bid=bid)
    operation = partial(ops.remove_panel_member, member=member)
    name, success = f"remove-{member_id}", _("Panel member removed.")
    return _submit(case, name, VersionForm, operation, bid, success)


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/options/<option>")
@login_required
def set_option(case_id: int, bid_id: int, option: str):
    """Record the panel's assessment of one option."""
    if option not in {o.value for o in Outcome}:
        abort(404)
    operation = partial(ops.set_option, option=Outcome(option))
    return _bid_submit(
        case_id, bid_id, f"option-{option}", f.OptionForm, operation, _("Option assessment saved.")
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/recommendation")
@login_required
def update_bid(case_id: int, bid_id: int):
    """Set the recommended solution and reasons."""
    return _bid_submit(
        case_id,
        bid_id,
        "recommendation",
        f.RecommendationForm,
        ops.update_bid,
        _("Recommendation saved."),
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/submit")
@login_required
def submit_bid(case_id: int, bid_id: int):
    """Submit the BID for a supervisor's approval."""
    success = _("The BID was submitted for approval.")
    return _bid_submit(case_id, bid_id, "submit", VersionForm, ops.submit_bid, success)


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/approve")
@login_required
def approve_bid(case_id: int, bid_id: int):
    """Approve (a supervisor who is not the author), after a confirmation step showing what
    is approved, with a comment kept in the audit entry (issue 12 item 4)."""
    title, success = _("Approve the best-interests determination?"), _("The BID was approved.")
    return _review(case_id, bid_id, "approve", f.ApproveBidForm, ops.approve_bid, success, title)


def _bid_facts(case, bid) -> list[tuple[str, str]]:
    from flask_babel import format_datetime

    from caseapp.auth.models import User

    name = case.child.primary_name if case.child else None
    author = db.session.get(User, bid.author_id)
    return [
        (_("Case"), case.number),
        (_("Child"), name.full_name if name else _("name not recorded")),
        (_("Recommended solution"), bid.recommended.label if bid.recommended else _("none")),
        (_("Reasons"), bid.reasons or _("none")),
        (_("Written by"), author.name if author else _("unknown")),
        (_("Submitted"), format_datetime(bid.submitted_at) if bid.submitted_at else _("unknown")),
        (
            _("What happens"),
            _("The determination is approved; the decision may then be taken on it (002, Rec 2)."),
        ),
    ]


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/send-back")
@login_required
def send_back_bid(case_id: int, bid_id: int):
    """Send back to the author with a comment."""
    success = _("The BID was sent back to its author.")
    return _review(case_id, bid_id, "send_back", f.SendBackForm, ops.send_back_bid, success)
