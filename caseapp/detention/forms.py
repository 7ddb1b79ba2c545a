"""Forms of the detention record and alternatives to detention (issue 15)."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.forms import AgencySelect, EnumSelect, _int_or_none
from caseapp.detention.models import (
    AlternativeStatus,
    ChallengeOutcome,
    ReleaseReason,
    ReviewOutcome,
)

_NAME = [DataRequired(), Length(max=200)]


class BasisForm(VersionedForm):
    VALUES = ("legal_basis", "ordered_by")
    legal_basis = TextAreaField(_l("Legal basis"), [DataRequired(), Length(max=5000)])
    ordered_by = StringField(_l("Ordered by"), _NAME)


class ReviewForm(VersionedForm):
    VALUES = ("reviewed_on", "reviewed_by", "outcome", "note")
    reviewed_on = DateField(_l("Reviewed on"), [DataRequired()])
    reviewed_by = StringField(_l("Reviewed by"), _NAME)
    outcome = EnumSelect(_l("Outcome"), ReviewOutcome)
    note = TextAreaField(_l("Note"), [Optional(), Length(max=5000)])


class ChallengeForm(VersionedForm):
    VALUES = ("lawyer_id", "lodged_on", "body", "grounds")
    lawyer_id = SelectField(_l("The child's lawyer"), coerce=_int_or_none, validate_choice=False)
    lodged_on = DateField(_l("Lodged on"), [DataRequired()])
    body = StringField(_l("Court or body"), _NAME)
    grounds = TextAreaField(_l("Grounds"), [Optional(), Length(max=5000)])

    def with_lawyers(self, lawyers) -> ChallengeForm:
        """The case's legal representatives in office as the choices."""
        self.lawyer_id.choices = [("", _l("— not chosen —"))] + [(r.id, r.name) for r in lawyers]
        return self


class DecideForm(VersionedForm):
    VALUES = ("outcome", "decided_on")
    outcome = EnumSelect(
        _l("Outcome"),
        {o: o.label for o in ChallengeOutcome if o is not ChallengeOutcome.PENDING},
    )
    decided_on = DateField(_l("Decided on"), [DataRequired()])


class ReleaseForm(VersionedForm):
    VALUES = ("released_on", "release_reason", "release_note")
    released_on = DateField(_l("Released on"), [DataRequired()])
    release_reason = EnumSelect(
        _l("Reason"), {r: r.label for r in ReleaseReason if r is not ReleaseReason.PLACEMENT_ENDED}
    )
    release_note = TextAreaField(_l("Note"), [Optional(), Length(max=5000)])


class AlternativeForm(VersionedForm):
    VALUES = ("programme", "provider_id", "conditions", "case_manager", "referred_on")
    programme = StringField(_l("Programme"), _NAME)
    provider_id = AgencySelect(_l("Provider"))
    conditions = TextAreaField(_l("Conditions"), [DataRequired(), Length(max=5000)])
    case_manager = StringField(_l("Case manager"), _NAME)
    referred_on = DateField(_l("Referred on"), [DataRequired()])


class FollowUpForm(VersionedForm):
    VALUES = ("status", "status_on", "note")
    status = EnumSelect(
        _l("What happened"),
        {s: s.label for s in AlternativeStatus if s is not AlternativeStatus.REFERRED},
    )
    status_on = DateField(_l("On"), [DataRequired()])
    note = TextAreaField(_l("Note"), [Optional(), Length(max=5000)])
