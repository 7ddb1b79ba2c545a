"""Forms: return approval, policy settings and the suspension register."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from caseapp.core.fields import CheckedForm, MayBeFuture, MonthsField


class ApproveReturnForm(CheckedForm):
    """Approve a return; carries the case version the supervisor saw (optimistic lock)."""

    version = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Approve the return"))


class PolicyForm(CheckedForm):
    """A new policy version."""

    appeal_period_days = IntegerField(
        _l("Appeal period (days)"), [InputRequired(), NumberRange(min=0, max=3650)]
    )
    hearing_max_age_days = IntegerField(
        _l("A hearing counts for (days)"), [InputRequired(), NumberRange(min=1, max=3650)]
    )
    monitoring_schedule = MonthsField(
        _l("Monitoring visits, months after return"), [DataRequired()]
    )
    bid_time_limit_days = IntegerField(
        _l("Time limit for a determination (days)"), [InputRequired(), NumberRange(min=1, max=3650)]
    )
    submit = SubmitField(_l("Save as a new version"))


class SuspensionForm(CheckedForm):
    """Suspend returns to a country."""

    country = StringField(
        _l("Country (two letters)"),
        [DataRequired(), Regexp(r"^[A-Za-z]{2}$", message=_l("Enter a two-letter country code."))],
    )
    reason = TextAreaField(_l("Reason"), [DataRequired(), Length(max=2000)])
    suspended_from = DateField(_l("Suspended from"), [DataRequired(), MayBeFuture()])
    submit = SubmitField(_l("Suspend returns"))


class LiftForm(CheckedForm):
    """Lift a suspension."""

    lifted_on = DateField(_l("Lifted on"), [DataRequired(), MayBeFuture()])
    submit = SubmitField(_l("Lift"))
