"""The participants' forms. Each hands its operation only what the participant may say: the
agency, the complainant or the person lodging are fixed by who acts, never taken from the
form (no mass assignment; issue 10)."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DateField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from caseapp.core import clock
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.models import WithdrawalKind
from caseapp.decision.models import ComplainantKind


class CentralDecisionForm(VersionedForm):
    """The Central Authority's decision on the return request (S11; 002, Moldova)."""

    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("approve", _l("Approve the return")),
            SelectChoice("refuse", _l("Refuse the return")),
        ],
        validators=[InputRequired()],
    )
    reference = StringField(_l("Reference"), [DataRequired(), Length(max=120)])
    decided_on = DateField(_l("Decided on"), [DataRequired()])
    submit = SubmitField(_l("Record the decision"))

    def values(self) -> dict[str, Any]:
        """``record_central_approval``'s arguments (the authority is the officer's own)."""
        return {
            "refused": self.decision.data == "refuse",
            "reference": self.reference.data,
            "approved_on": self.decided_on.data,
            "expected_version": self.version.data,
        }


class AcceptPlanForm(VersionedForm):
    """The monitor accepts the monitoring plan (S17; 002, Rec 2)."""

    submit = SubmitField(_l("Accept the monitoring plan"))

    def values(self) -> dict[str, Any]:
        """``accept_monitoring_plan``'s arguments: accepted today."""
        return {"accepted_on": clock.today(), "expected_version": self.version.data}


class DeclareForm(VersionedForm):
    """The guardian's statement of independence (002, Rec 3)."""

    VALUES = ("statement",)
    statement = TextAreaField(_l("Statement of independence"), [DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Declare my independence"))


class GuardianConsentForm(VersionedForm):
    """The guardian consents to the return (S15)."""

    VALUES = ("consent_on",)
    consent_on = DateField(_l("Consented on"), [DataRequired()])
    submit = SubmitField(_l("I consent to the return"))


class ObjectForm(VersionedForm):
    """The guardian withdraws their consent or objects to the return (S15)."""

    kind = RadioField(
        _l("What"),
        choices=[
            SelectChoice(WithdrawalKind.GUARDIAN_CONSENT.value, _l("I withdraw my consent")),
            SelectChoice(WithdrawalKind.OBJECTION.value, _l("I object to the return")),
        ],
        validators=[InputRequired()],
    )
    on_date = DateField(_l("On"), [DataRequired()])
    reason = TextAreaField(_l("Reason"), [Optional(), Length(max=2000)])
    submit = SubmitField(_l("Record"))

    def by(self, name: str) -> VersionedForm:
        self._made_by = name
        return self

    def values(self) -> dict[str, Any]:
        """``record_withdrawal``'s arguments, made by the guardian who acts."""
        return {
            "kind": WithdrawalKind(self.kind.data),
            "on_date": self.on_date.data,
            "reason": self.reason.data,
            "made_by": getattr(self, "_made_by", None),
            "expected_version": self.version.data,
        }


class PartyAppealForm(VersionedForm):
    """An appeal lodged by the guardian or the lawyer (002, Rec 1)."""

    lodged_on = DateField(_l("Lodged on"), [DataRequired()])
    body = StringField(_l("Appeal body"), [DataRequired(), Length(max=200)])
    grounds = TextAreaField(_l("Grounds"), [Optional()])
    submit = SubmitField(_l("Lodge the appeal"))

    def by(self, name: str) -> VersionedForm:
        self._lodged_by = name
        return self

    def values(self) -> dict[str, Any]:
        """``lodge_appeal``'s arguments, lodged by the participant who acts."""
        return {
            "lodged_on": self.lodged_on.data,
            "lodged_by": getattr(self, "_lodged_by", ""),
            "body": self.body.data,
            "grounds": self.grounds.data,
            "expected_version": self.version.data,
        }


class PartyComplaintForm(VersionedForm):
    """A complaint by the guardian or the lawyer, in their own name (002, Rec 1; Rec 4)."""

    lodged_on = DateField(_l("Lodged on"), [DataRequired()])
    subject = TextAreaField(_l("Subject"), [DataRequired(), Length(max=2000)])
    objects_to_decision = BooleanField(_l("Objects to the decision"))
    submit = SubmitField(_l("Lodge the complaint"))

    def as_(self, kind: ComplainantKind) -> VersionedForm:
        self._kind = kind
        return self

    def values(self) -> dict[str, Any]:
        """``lodge_complaint``'s arguments; the complainant is the participant's own part."""
        return {
            "lodged_by": self._kind,
            "lodged_on": self.lodged_on.data,
            "subject": self.subject.data,
            "objects_to_decision": bool(self.objects_to_decision.data),
            "expected_version": self.version.data,
        }
