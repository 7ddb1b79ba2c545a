"""Forms of the age procedure (issue 15). Each carries the case version it was loaded at."""

from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from caseapp.age.models import MAX_MARGIN_YEARS, ChallengeOutcome, Challenger, TransitionPathway
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.forms import AgencySelect, EnumSelect

_NAME = [DataRequired(), Length(max=200)]


class OpenAssessmentForm(VersionedForm):
    VALUES = ("reason", "opened_on", "assessor_name", "assessor_agency_id")
    reason = TextAreaField(_l("Why the age is assessed"), [DataRequired(), Length(max=2000)])
    opened_on = DateField(_l("Opened on"), [DataRequired()])
    assessor_name = StringField(_l("Assessor"), _NAME)
    assessor_agency_id = AgencySelect(_l("Assessor's organisation"))


class MethodsForm(VersionedForm):
    VALUES = (
        "assessor_name",
        "assessor_agency_id",
        "documents_examined",
        "documents_note",
        "interview_on",
        "interview_note",
        "medical_examination",
        "medical_consent_on",
        "medical_reason",
    )
    assessor_name = StringField(_l("Assessor"), _NAME)
    assessor_agency_id = AgencySelect(_l("Assessor's organisation"))
    documents_examined = BooleanField(_l("1. Documents examined"))
    documents_note = TextAreaField(_l("Which documents, and what they show"), [Optional()])
    interview_on = DateField(_l("2. Interview held on"), [Optional()])
    interview_note = TextAreaField(_l("Interview findings"), [Optional()])
    medical_examination = BooleanField(_l("3. Medical examination (last resort)"))
    medical_consent_on = DateField(
        _l("Consent of the child and the guardian given on"), [Optional()]
    )
    medical_reason = TextAreaField(
        _l("Why the documents and the interview did not settle the age"), [Optional()]
    )


class ConcludeForm(VersionedForm):
    VALUES = ("concluded_on", "result_date_of_birth", "result_min", "result_max", "margin_years")
    concluded_on = DateField(_l("Concluded on"), [DataRequired()])
    result_date_of_birth = DateField(_l("Date of birth established from documents"), [Optional()])
    result_min = IntegerField(_l("Lowest age found"), [Optional(), NumberRange(min=0, max=25)])
    result_max = IntegerField(_l("Highest age found"), [Optional(), NumberRange(min=0, max=25)])
    margin_years = IntegerField(
        _l("Margin of error (years)"), [Optional(), NumberRange(min=0, max=MAX_MARGIN_YEARS)]
    )


class ChallengeForm(VersionedForm):
    VALUES = ("lodged_on", "lodged_by", "body", "grounds")
    lodged_on = DateField(_l("Lodged on"), [DataRequired()])
    lodged_by = EnumSelect(_l("Lodged by"), Challenger)
    body = StringField(_l("Deciding body"), _NAME)
    grounds = TextAreaField(_l("Grounds"), [Optional(), Length(max=5000)])


class DecideChallengeForm(VersionedForm):
    VALUES = ("outcome", "decided_on")
    outcome = EnumSelect(
        _l("Outcome"),
        {o: o.label for o in ChallengeOutcome if o is not ChallengeOutcome.PENDING},
    )
    decided_on = DateField(_l("Decided on"), [DataRequired()])


class TransitionPlanForm(VersionedForm):
    VALUES = ("pathway", "accommodation", "support", "informed_on")
    pathway = EnumSelect(_l("Pathway after 18"), TransitionPathway)
    accommodation = StringField(_l("Where the young person will live"), _NAME)
    support = TextAreaField(_l("Support that continues"), [DataRequired(), Length(max=5000)])
    informed_on = DateField(_l("The young person was told on"), [DataRequired()])
