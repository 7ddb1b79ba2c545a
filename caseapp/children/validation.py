"""Server-side rules for the child's record, name and family members.

Each rule reports against the field it concerns, so a view can show the message next to that
field. ``ValidationFailed.details`` is ``{field_name: [message, ...]}``; nothing is stored
when any rule fails.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from caseapp.children.labels import is_country
from caseapp.children.models import AgeMethod, NationalityStatus
from caseapp.core.errors import ValidationFailed

MAX_AGE = 25  # beyond this, an "age range" for a presumed child makes no sense
MAX_LIST = 10
MAX_NAME = 120
EARLIEST = date(1990, 1, 1)


class Errors:
    """Collects messages per field, then raises them all at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        """Record a message for ``field``."""
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        """Raise ``ValidationFailed`` carrying every message, if there is one."""
        if self.by_field:
            first = next(iter(self.by_field.values()))[0]
            raise ValidationFailed(first, details=self.by_field)


def clean_text(value: str | None, limit: int = 200) -> str | None:
    """Strip a free-text value; empty becomes None. Over-long text is a caller's error."""
    if value is None:
        return None
    text = " ".join(str(value).split()) if limit <= 200 else str(value).strip()
    return text or None


def check_length(errors: Errors, field: str, value: str | None, limit: int) -> None:
    """Refuse text longer than the column allows."""
    if value is not None and len(value) > limit:
        errors.add(field, _("At most %(n)d characters.", n=limit))


def check_countries(errors: Errors, field: str, codes: list[str]) -> list[str]:
    """Normalise and check a list of ISO country codes; report unknown ones."""
    cleaned: list[str] = []
    for raw in codes:
        code = raw.strip().upper()
        if not code:
            continue
        if not is_country(code):
            errors.add(field, _("%(code)s is not a two-letter ISO country code.", code=raw[:8]))
        elif code not in cleaned:
            cleaned.append(code)
    if len(cleaned) > MAX_LIST:
        errors.add(field, _("At most %(n)d entries.", n=MAX_LIST))
    return cleaned


def check_names(errors: Errors, given_name: str | None, *others: tuple[str, str | None]) -> None:
    """A given name is required; every part has a length limit."""
    if not given_name:
        errors.add("given_name", _("Enter the child's given name."))
    check_length(errors, "given_name", given_name, MAX_NAME)
    for field, value in others:
        check_length(errors, field, value, MAX_NAME)


TEXT_FIELDS = ("current_location", "identified_by_name", "identified_place", "legal_status")
LIST_FIELDS = ("nationalities", "languages", "transit_countries")


def validate_child(raw: dict, *, today: date) -> dict:
    """Normalise and check the child's record; return the cleaned fields or raise.


    Rules: dates not in the future; a documented age needs a date of birth; an age range is
    ordered and plausible; "has a nationality" needs one and "stateless" none (002, Rec 1:
    statelessness is not a ground for discrimination, so it is recorded explicitly).
    """
    errors = Errors()
    fields = dict(raw)
    for name in TEXT_FIELDS:
        if name in fields:
            fields[name] = clean_text(fields[name])
    if "notes" in fields:
        fields["notes"] = clean_text(fields["notes"], limit=5000)
    for name in LIST_FIELDS:
        if name in fields and isinstance(fields[name], str):
            fields[name] = [p.strip() for p in fields[name].split(",") if p.strip()]
    if "country_of_origin" in fields:
        origin = (fields["country_of_origin"] or "").strip().upper() or None
        if origin is not None and not is_country(origin):
            errors.add("country_of_origin", _("Choose a country from the list."))
        fields["country_of_origin"] = origin
    for name in ("nationalities", "transit_countries"):
        if name in fields:
            fields[name] = check_countries(errors, name, fields[name] or [])
    dob = fields.get("date_of_birth")
    if dob is not None:
        if dob > today:
            errors.add("date_of_birth", _("The date of birth cannot be in the future."))
        elif dob < EARLIEST:
            errors.add("date_of_birth", _("Check the date of birth."))
    age_min, age_max = fields.get("age_min"), fields.get("age_max")
    for name, value in (("age_min", age_min), ("age_max", age_max)):
        if value is not None and not 0 <= value <= MAX_AGE:
            errors.add(name, _("Enter an age between 0 and %(n)d.", n=MAX_AGE))
    if age_min is not None and age_max is not None and age_min > age_max:
        errors.add("age_max", _("The highest age cannot be below the lowest age."))
    if age_max is not None and age_min is None:
        errors.add("age_min", _("Give the lowest age of the range (benefit of the doubt)."))
    if fields.get("age_method") == AgeMethod.DOCUMENT and dob is None:
        errors.add("age_method", _("An age taken from a document needs the date of birth."))
    if (
        fields.get("age_method") not in (None, AgeMethod.DOCUMENT, AgeMethod.UNKNOWN)
        and dob is None
        and age_min is None
    ):
        errors.add("age_min", _("Record the age range the assessment found."))
    identified_on = fields.get("identified_on")
    if identified_on is not None:
        if identified_on > today:
            errors.add("identified_on", _("The date of identification cannot be in the future."))
        elif dob is not None and identified_on < dob:
            errors.add("identified_on", _("The child cannot be identified before birth."))
    status = fields.get("nationality_status")
    nationalities = fields.get("nationalities") or []
    if status == NationalityStatus.NATIONAL and not nationalities:
        errors.add("nationalities", _("Give at least one nationality, or choose another status."))
    if status == NationalityStatus.STATELESS and nationalities:
        errors.add("nationalities", _("A stateless child has no nationality; remove them."))
    for name in TEXT_FIELDS:
        check_length(errors, name, fields.get(name), 200)
    languages = fields.get("languages") or []
    if len(languages) > MAX_LIST:
        errors.add("languages", _("At most %(n)d entries.", n=MAX_LIST))
    for language in languages:
        check_length(errors, "languages", language, 60)
    if fields.get("interpreter_needed") and not languages:
        errors.add("languages", _("Say which languages the child speaks, for the interpreter."))
    check_length(errors, "notes", fields.get("notes"), 5000)
    errors.raise_if_any()
    return fields
