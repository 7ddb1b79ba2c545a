"""Forms: return approval, policy settings and the suspension register."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from caseapp.gate.models import POLICY_LABELS, POLICY_MINIMUMS


def _days(key: str) -> IntegerField:
    """A number of days, at least the policy's minimum (DESIGN.md section 4.1, item 5)."""
    return IntegerField(
        POLICY_LABELS[key], [InputRequired(), NumberRange(min=POLICY_MINIMUMS[key], max=3650)]
    )


class ApproveReturnForm(FlaskForm):
    """Approve a return; carries the case version the supervisor saw (optimistic lock)."""

    version = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Approve the return"))


class PolicyForm(FlaskForm):
    """A new policy version."""

    appeal_period_days = _days("appeal_period_days")
    hearing_max_age_days = _days("hearing_max_age_days")
    monitoring_schedule = StringField(
        _l("Monitoring visits, months after return"),
        [DataRequired(), Regexp(r"^[\d ,]+$", message=_l("Numbers separated by commas."))],
    )
    bid_time_limit_days = _days("bid_time_limit_days")
    central_approval_valid_days = _days("central_approval_valid_days")
    confirmation_valid_days = _days("confirmation_valid_days")
    guarantee_valid_days = _days("guarantee_valid_days")
    first_visit_within_days = _days("first_visit_within_days")
    submit = SubmitField(_l("Save as a new version"))


class SuspensionForm(FlaskForm):
    """Suspend returns to a country."""

    country = StringField(
        _l("Country (two letters)"),
        [DataRequired(), Regexp(r"^[A-Za-z]{2}$", message=_l("Enter a two-letter country code."))],
    )
    reason = TextAreaField(_l("Reason"), [DataRequired(), Length(max=2000)])
    suspended_from = DateField(_l("Suspended from"), [DataRequired()])
    submit = SubmitField(_l("Suspend returns"))


class LiftForm(FlaskForm):
    """Lift a suspension."""

    lifted_on = DateField(_l("Lifted on"), [DataRequired()])
    submit = SubmitField(_l("Lift"))
