"""Forms: return approval, policy settings and the suspension register."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DateField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from caseapp.core.confirm import Confirmed
from caseapp.core.countries import CountryField
from caseapp.core.fields import CheckedForm, MayBeFuture, MonthsField
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.gate.models import PARTY_LABELS, POLICY_LABELS, POLICY_MINIMUMS


def _days(key: str) -> IntegerField:
    """A number of days, at least the policy's minimum (DESIGN.md section 4.1, item 5)."""
    return IntegerField(
        POLICY_LABELS[key], [InputRequired(), NumberRange(min=POLICY_MINIMUMS[key], max=3650)]
    )


def _days_or_keep(key: str) -> IntegerField:
    """A number of days at least the minimum; left empty, the current value is kept."""
    return IntegerField(
        POLICY_LABELS[key], [Optional(), NumberRange(min=POLICY_MINIMUMS[key], max=3650)]
    )


class ApproveReturnForm(Confirmed, VersionedForm):
    """Approve a return; carries the case version the supervisor saw (optimistic lock)."""

    submit = SubmitField(_l("Approve the return"))


class PolicyForm(CheckedForm):
    """A new policy version."""

    appeal_period_days = _days("appeal_period_days")
    hearing_max_age_days = _days("hearing_max_age_days")
    monitoring_schedule = MonthsField(
        _l("Monitoring visits, months after return"), [DataRequired()]
    )
    bid_time_limit_days = _days("bid_time_limit_days")
    central_approval_valid_days = _days("central_approval_valid_days")
    confirmation_valid_days = _days("confirmation_valid_days")
    guarantee_valid_days = _days("guarantee_valid_days")
    first_visit_within_days = _days("first_visit_within_days")
    victim_referral_days = _days_or_keep("victim_referral_days")
    transition_notice_days = _days_or_keep("transition_notice_days")
    central_approval_by_party = BooleanField(PARTY_LABELS["central_approval_by_party"])
    monitoring_by_party = BooleanField(PARTY_LABELS["monitoring_by_party"])
    submit = SubmitField(_l("Save as a new version"))

    def values(self) -> dict[str, Any]:
        """``change_policy``'s arguments (the schedule as a list of months)."""
        return {
            "appeal_period_days": self.appeal_period_days.data,
            "hearing_max_age_days": self.hearing_max_age_days.data,
            "monitoring_schedule_months": self.monitoring_schedule.data,
            "bid_time_limit_days": self.bid_time_limit_days.data,
            "central_approval_valid_days": self.central_approval_valid_days.data,
            "confirmation_valid_days": self.confirmation_valid_days.data,
            "guarantee_valid_days": self.guarantee_valid_days.data,
            "first_visit_within_days": self.first_visit_within_days.data,
            "victim_referral_days": self.victim_referral_days.data,
            "transition_notice_days": self.transition_notice_days.data,
            "central_approval_by_party": bool(self.central_approval_by_party.data),
            "monitoring_by_party": bool(self.monitoring_by_party.data),
        }


class SuspensionForm(CheckedForm):
    """Suspend returns to a country."""

    country = CountryField(_l("Country"), [DataRequired()], blank="")
    reason = TextAreaField(_l("Reason"), [DataRequired(), Length(max=2000)])
    suspended_from = DateField(_l("Suspended from"), [DataRequired(), MayBeFuture()])
    submit = SubmitField(_l("Suspend returns"))

    def values(self) -> dict[str, Any]:
        """``add_suspension``'s arguments."""
        return {n: self[n].data for n in ("country", "reason", "suspended_from")}


class LiftForm(Confirmed, CheckedForm):
    """Lift a suspension."""

    lifted_on = DateField(_l("Lifted on"), [DataRequired(), MayBeFuture()])
    submit = SubmitField(_l("Lift"))

    def values(self) -> dict[str, Any]:
        """``lift_suspension``'s arguments."""
        return {"lifted_on": self.lifted_on.data, "comment": self.comment_value()}
