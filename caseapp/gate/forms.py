"""Forms: return approval, policy settings and the suspension register."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from caseapp.core.forms import VersionedForm


class ApproveReturnForm(VersionedForm):
    """Approve a return; carries the case version the supervisor saw (optimistic lock)."""

    submit = SubmitField(_l("Approve the return"))


class PolicyForm(FlaskForm):
    """A new policy version."""

    appeal_period_days = IntegerField(
        _l("Appeal period (days)"), [InputRequired(), NumberRange(min=0, max=3650)]
    )
    hearing_max_age_days = IntegerField(
        _l("A hearing counts for (days)"), [InputRequired(), NumberRange(min=1, max=3650)]
    )
    monitoring_schedule = StringField(
        _l("Monitoring visits, months after return"),
        [DataRequired(), Regexp(r"^[\d ,]+$", message=_l("Numbers separated by commas."))],
    )
    bid_time_limit_days = IntegerField(
        _l("Time limit for a determination (days)"), [InputRequired(), NumberRange(min=1, max=3650)]
    )
    submit = SubmitField(_l("Save as a new version"))

    def values(self) -> dict[str, Any]:
        """``change_policy``'s arguments (the schedule as a list of months)."""
        text = self.monitoring_schedule.data.replace(" ", "")
        return {
            "appeal_period_days": self.appeal_period_days.data,
            "hearing_max_age_days": self.hearing_max_age_days.data,
            "monitoring_schedule_months": [int(x) for x in text.split(",") if x],
            "bid_time_limit_days": self.bid_time_limit_days.data,
        }


class SuspensionForm(FlaskForm):
    """Suspend returns to a country."""

    country = StringField(
        _l("Country (two letters)"),
        [DataRequired(), Regexp(r"^[A-Za-z]{2}$", message=_l("Enter a two-letter country code."))],
    )
    reason = TextAreaField(_l("Reason"), [DataRequired(), Length(max=2000)])
    suspended_from = DateField(_l("Suspended from"), [DataRequired()])
    submit = SubmitField(_l("Suspend returns"))

    def values(self) -> dict[str, Any]:
        """``add_suspension``'s arguments."""
        return {n: self[n].data for n in ("country", "reason", "suspended_from")}


class LiftForm(FlaskForm):
    """Lift a suspension."""

    lifted_on = DateField(_l("Lifted on"), [DataRequired()])
    submit = SubmitField(_l("Lift"))

    def values(self) -> dict[str, Any]:
        """``lift_suspension``'s arguments."""
        return {"lifted_on": self.lifted_on.data}
