"""Determination page: /cases/<id>/determination (the BID, its panel, options and review)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.assessment.forms import StartForm
from caseapp.assessment.viewkit import common, load_case, load_child, submit, with_version
from caseapp.cases.models import Outcome
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, require
from caseapp.determination import forms as f
from caseapp.determination import operations as ops
from caseapp.determination.models import BestInterestsDetermination, PanelMember

bp = Blueprint("determination", __name__, url_prefix="/cases")


def _fresh(form_cls, prefix, version, **kw):
    return with_version(form_cls(prefix=prefix, formdata=None, **kw), version)


def render_page(case, forms=None, errors=None):
    """Render the determination page."""
    forms = dict(forms or {})
    bid = ops.current_bid(case)
    history = db.session.scalars(
        select(BestInterestsDetermination)
        .where(BestInterestsDetermination.case_id == case.id)
        .order_by(BestInterestsDetermination.id.desc())
    ).all()
    bv = bid.version if bid else 0
    page_forms = {
        "open": _fresh(StartForm, "open", case.version),
        "new_draft": _fresh(StartForm, "new_draft", case.version),
        "panel": _fresh(f.PanelMemberForm, "panel", bv),
        "recommendation": _fresh(f.RecommendationForm, "recommendation", bv),
        "submit": _fresh(StartForm, "submit", bv),
        "approve": _fresh(StartForm, "approve", bv),
        "send_back": _fresh(f.SendBackForm, "send_back", bv),
    }
    if bid is not None:
        rec = page_forms["recommendation"]
        rec.recommended.data = bid.recommended.value if bid.recommended else ""
        rec.reasons.data = bid.reasons or ""
    options = {o.option: o for o in bid.options} if bid else {}
    for option in Outcome:
        form = _fresh(f.OptionForm, f"option-{option.value}", bv)
        if option in options:
            form.assessment.data = options[option].assessment
        page_forms[f"option-{option.value}"] = form
    page_forms.update(forms)
    may_review = (
        bid is not None
        and current_user.can(Permission.BID_APPROVE)
        and case.can_edit(current_user)
        and bid.author_id != current_user.id
    )
    return render_template(
        "determination/page.html",
        **common(case),
        bid=bid,
        history=history,
        forms=page_forms,
        errors=errors or {},
        gaps=ops.submission_gaps(bid) if bid else [],
        editable=bid is not None and bid.status in ops.EDITABLE_STATUSES,
        may_review=may_review,
        options=options,
        all_options=list(Outcome),
        role_labels=f.PANEL_ROLE_LABELS,
        remove_form=lambda member: _fresh(StartForm, f"remove-{member.id}", bv),
    )


@bp.get("/<int:case_id>/determination")
@login_required
def page(case_id: int):
    """The BID: panel, options, recommendation, submission and review (002, Rec 2)."""
    return render_page(load_case(case_id))


def _post(
    case_id: int,
    name: str,
    form_cls,
    action,
    success: str,
    *,
    bid_id: int | None = None,
    review: bool = False,
):
    case = load_case(case_id, edit=True)
    if review:
        # Approving or sending back a BID is a supervisor's (DESIGN.md section 1; 002, Rec 2):
        # a caseworker is refused (403) before the form is read.
        require(current_user.can(Permission.BID_APPROVE))
    bid = load_child(BestInterestsDetermination, bid_id, case) if bid_id else None
    form = form_cls(prefix=name)
    return submit(
        form,
        name,
        lambda: action(case, bid, form),
        success,
        render=lambda **kw: render_page(case, **kw),
        next_url=url_for("determination.page", case_id=case.id),
    )


@bp.post("/<int:case_id>/determination/open")
@login_required
def open_determination(case_id: int):
    """assessment -> determination with a draft BID."""
    return _post(
        case_id,
        "open",
        StartForm,
        lambda case, bid, form: ops.open_determination(
            current_user, case, expected_version=form.version.data
        ),
        _("The determination is open: a draft BID was created."),
    )


@bp.post("/<int:case_id>/determination/new-draft")
@login_required
def new_draft(case_id: int):
    """A new draft BID after the determination was reopened."""
    return _post(
        case_id,
        "new_draft",
        StartForm,
        lambda case, bid, form: ops.open_new_draft(
            current_user, case, expected_version=form.version.data
        ),
        _("A new draft BID was created from the previous one."),
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/panel")
@login_required
def add_panel_member(case_id: int, bid_id: int):
    """Add a panel member."""
    return _post(
        case_id,
        "panel",
        f.PanelMemberForm,
        lambda case, bid, form: ops.add_panel_member(
            current_user,
            bid,
            name=form.name.data,
            role=form.role.data,
            organisation=form.organisation.data,
            child_protection=form.child_protection.data,
            expected_version=form.version.data,
        ),
        _("Panel member added."),
        bid_id=bid_id,
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/panel/<int:member_id>/remove")
@login_required
def remove_panel_member(case_id: int, bid_id: int, member_id: int):
    """Remove a panel member from the draft."""
    case = load_case(case_id, edit=True)
    bid = load_child(BestInterestsDetermination, bid_id, case)
    member = db.session.get(PanelMember, member_id)
    if member is None or member.bid_id != bid.id:
        abort(404)
    return _post(
        case_id,
        f"remove-{member_id}",
        StartForm,
        lambda case_, bid_, form: ops.remove_panel_member(
            current_user, bid, member, expected_version=form.version.data
        ),
        _("Panel member removed."),
        bid_id=bid_id,
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/options/<option>")
@login_required
def set_option(case_id: int, bid_id: int, option: str):
    """Record the panel's assessment of one option."""
    try:
        outcome = Outcome(option)
    except ValueError:
        abort(404)
    return _post(
        case_id,
        f"option-{outcome.value}",
        f.OptionForm,
        lambda case, bid, form: ops.set_option(
            current_user,
            bid,
            option=outcome,
            assessment=form.assessment.data,
            expected_version=form.version.data,
        ),
        _("Option assessment saved."),
        bid_id=bid_id,
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/recommendation")
@login_required
def update_bid(case_id: int, bid_id: int):
    """Set the recommended solution and reasons."""
    return _post(
        case_id,
        "recommendation",
        f.RecommendationForm,
        lambda case, bid, form: ops.update_bid(
            current_user,
            bid,
            recommended=form.recommended.data or None,
            reasons=form.reasons.data,
            expected_version=form.version.data,
        ),
        _("Recommendation saved."),
        bid_id=bid_id,
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/submit")
@login_required
def submit_bid(case_id: int, bid_id: int):
    """Submit the BID for a supervisor's approval."""
    return _post(
        case_id,
        "submit",
        StartForm,
        lambda case, bid, form: ops.submit_bid(
            current_user, bid, expected_version=form.version.data
        ),
        _("The BID was submitted for approval."),
        bid_id=bid_id,
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/approve")
@login_required
def approve_bid(case_id: int, bid_id: int):
    """Approve (a supervisor who is not the author)."""
    return _post(
        case_id,
        "approve",
        StartForm,
        lambda case, bid, form: ops.approve_bid(
            current_user, bid, expected_version=form.version.data
        ),
        _("The BID was approved."),
        bid_id=bid_id,
        review=True,
    )


@bp.post("/<int:case_id>/determination/bids/<int:bid_id>/send-back")
@login_required
def send_back_bid(case_id: int, bid_id: int):
    """Send back to the author with a comment."""
    return _post(
        case_id,
        "send_back",
        f.SendBackForm,
        lambda case, bid, form: ops.send_back_bid(
            current_user, bid, form.comment.data, expected_version=form.version.data
        ),
        _("The BID was sent back to its author."),
        bid_id=bid_id,
        review=True,
    )
