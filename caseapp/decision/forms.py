"""Decision forms; each carries the case version (hidden ``version``)."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from caseapp.agencies.models import AgencyKind
from caseapp.cases.models import Outcome
from caseapp.core.enums import choices
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.forms import AgencySelect
from caseapp.decision.models import AppealStatus, ComplainantKind

APPEAL_RESULTS = [s for s in AppealStatus if s is not AppealStatus.PENDING]


class DecisionForm(VersionedForm):
    VALUES = ("outcome", "decided_on", "reasons")
    outcome = SelectField(_l("Outcome"), choices=choices(Outcome))
    decided_on = DateField(_l("Decided on"), validators=[InputRequired()])
    reasons = TextAreaField(
        _l("Reasons (required when the outcome differs from the BID's recommendation)"),
        validators=[Optional()],
    )


class NotifyChildForm(VersionedForm):
    VALUES = ("notified_on", "language", "child_understands_language")
    notified_on = DateField(_l("Notified to the child on"), validators=[InputRequired()])
    language = StringField(
        _l("Language of the notice"), validators=[InputRequired(), Length(max=60)]
    )
    child_understands_language = BooleanField(_l("The child understands this language"))


class NotifyGuardianForm(VersionedForm):
    VALUES = ("notified_on",)
    notified_on = DateField(_l("Notified to the guardian on"), validators=[InputRequired()])


class AppealForm(VersionedForm):
    VALUES = ("lodged_on", "lodged_by", "body", "grounds")
    lodged_on = DateField(_l("Lodged on"), validators=[InputRequired()])
    lodged_by = StringField(_l("Lodged by"), validators=[InputRequired(), Length(max=200)])
    body = StringField(_l("Appeal body"), validators=[InputRequired(), Length(max=200)])
    grounds = TextAreaField(_l("Grounds"), validators=[Optional()])


class DecideAppealForm(VersionedForm):
    VALUES = ("status", "decided_on", "result_summary")
    status = SelectField(_l("Result"), choices=choices(APPEAL_RESULTS))
    decided_on = DateField(_l("Decided on"), validators=[InputRequired()])
    result_summary = TextAreaField(_l("Summary"), validators=[Optional()])


class ComplaintForm(VersionedForm):
    VALUES = ("lodged_by", "lodged_on", "subject", "objects_to_decision", "addressed_to_id")
    lodged_by = SelectField(_l("Lodged by"), choices=choices(ComplainantKind))
    lodged_on = DateField(_l("Lodged on"), validators=[InputRequired()])
    subject = TextAreaField(_l("Subject"), validators=[InputRequired()])
    objects_to_decision = BooleanField(_l("Objects to the decision"))
    # An ombudsperson institution from the register, or none: the lead agency (002, Rec 4).
    addressed_to_id = AgencySelect(
        _l("Addressed to (an ombudsperson institution; none: this agency)"),
        kinds=(AgencyKind.OMBUDSPERSON,),
    )


class AnswerComplaintForm(VersionedForm):
    VALUES = ("response", "responded_on", "close")
    response = TextAreaField(_l("Answer"), validators=[InputRequired()])
    responded_on = DateField(_l("Answered on"), validators=[InputRequired()])
    close = BooleanField(_l("Close the complaint"))


class ReasonForm(VersionedForm):
    VALUES = ("reason",)
    reason = TextAreaField(_l("Reason"), validators=[InputRequired()])


class NewFactForm(ReasonForm):
    """A new fact: the reason is the fact's description."""

    def values(self) -> dict[str, Any]:
        """``record_new_fact``'s arguments."""
        return {"description": self.reason.data, "expected_version": self.version.data}
