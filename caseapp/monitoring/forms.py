"""Forms: return execution, visit reports, escalation. Each carries the case version it was
loaded at (hidden ``version``), passed to the operation as ``expected_version``."""

from __future__ import annotations

from wtforms import BooleanField, DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l


class ExecutionForm(VersionedForm):
    """The child travelled and was received."""

    VALUES = ("travelled_on", "received_on", "received_by", "notes")
    travelled_on = DateField(_l("Travelled on"), [DataRequired()])
    received_on = DateField(_l("Received on"), [DataRequired()])
    received_by = StringField(_l("Received by"), [DataRequired(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), [Optional()])
    submit = SubmitField(_l("Record the return"))


class StartForm(VersionedForm):
    """The button that starts monitoring."""

    submit = SubmitField(_l("Start monitoring"))


class VisitForm(VersionedForm):
    """A visit report."""

    VALUES = (
        "visited_on",
        "visited_by",
        "wellbeing",
        "family",
        "school",
        "health",
        "concerns",
        "escalate",
    )
    visited_on = DateField(_l("Visited on"), [DataRequired()])
    visited_by = StringField(_l("Visited by"), [DataRequired(), Length(max=200)])
    wellbeing = TextAreaField(_l("Wellbeing"), [DataRequired()])
    family = TextAreaField(_l("Family"), [Optional()])
    school = TextAreaField(_l("School"), [Optional()])
    health = TextAreaField(_l("Health"), [Optional()])
    concerns = TextAreaField(_l("Concerns"), [Optional()])
    escalate = BooleanField(_l("Escalate to the supervisor"))
    submit = SubmitField(_l("Save the report"))


class EscalateForm(VersionedForm):
    """Escalate a visit."""

    VALUES = ("reason",)
    reason = StringField(_l("Reason for escalation"), [DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Escalate"))
