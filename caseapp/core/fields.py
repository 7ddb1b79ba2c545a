"""The base of every form: each field is checked against what the database can store
(issue 14, item 1), whatever validators the form itself declares.

``CheckedForm.validate`` runs the form's own validators first, then, for every field:
- text (any string posted): no NUL or other control characters; tabs and line breaks only in
  a ``TextAreaField`` (``caseapp.core.validators.text_problem``);
- a select: the value must be one of its choices, also when ``Optional()`` stopped the chain
  (a blank-looking value such as ``" "`` is not the empty choice);
- a date: within ``date_problem``'s bounds (never before 1900; in the future only on fields
  flagged ``MayBeFuture()``);
- an integer, typed or chosen by id: within the 32-bit range of an ``INTEGER`` column (and
  ``NumberRange`` if set);
- the hidden ``version`` (optimistic lock): one to nine ASCII digits, whatever field class
  carries it (``"²".isdigit()`` is true, ``int("²")`` fails).

The checks run after the form's own, so a validator such as ``Optional()`` cannot clear them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, SelectFieldBase, StringField, TextAreaField
from wtforms.fields.choices import SelectField

from caseapp.core.validators import (
    VERSION_TEXT,
    date_problem,
    int_problem,
    parse_schedule,
    text_problem,
)


class MayBeFuture:
    """Flag a date field whose date may lie ahead (a plan): up to five years ahead."""

    field_flags = {"may_be_future": True}

    def __call__(self, form, field) -> None:
        """A flag only; the bound is checked by ``CheckedForm``."""


def field_problems(form, field: Field) -> list[str]:
    """What ``CheckedForm`` refuses in ``field`` (messages, translated)."""
    problems: list[str] = []
    multiline = isinstance(field, TextAreaField)
    for raw in field.raw_data or ():
        if isinstance(raw, str):
            problem = text_problem(raw, multiline=multiline)
            if problem:
                return [problem]
            if field.short_name == "version" and not VERSION_TEXT.fullmatch(raw):
                return [_("This form is out of date: reload the page.")]
    if isinstance(field, SelectFieldBase):
        problems += _choice_problems(form, field)
    elif isinstance(field.data, date):
        problem = date_problem(field.data, may_be_future=bool(field.flags.may_be_future))
        if problem:
            problems.append(problem)
    elif isinstance(field, IntegerField) and isinstance(field.data, int):
        problem = int_problem(field.data)
        if problem:
            problems.append(problem)
    return problems


def _choice_problems(form, field) -> list[str]:
    """A posted select value that is not one of the choices (``Optional`` hides this)."""
    raw = field.raw_data or ()
    if not raw or all(value == "" for value in raw):
        return []
    if field.process_errors:
        return [str(e) for e in field.process_errors]
    if isinstance(field.data, int) and not isinstance(field.data, bool):
        # An id chosen from a list the form does not check (``validate_choice=False``, e.g.
        # the agency register): one the database cannot hold is refused here, not a 500.
        problem = int_problem(field.data)
        if problem:
            return [problem]
    if not isinstance(field, SelectField) or not field.validate_choice or field.choices is None:
        return []
    try:
        field.pre_validate(form)
    except ValueError as err:  # wtforms' ValidationError is a ValueError
        return [str(err)]
    return []


class _WtformsMessages:
    """WTForms' own messages ("Not a valid choice.") in the request's language, from a
    catalogue loaded once per locale and process. Flask-WTF loads the ``.mo`` file from disk
    on every request that asks for one -- and a select left at "any" asks, even though
    ``Optional`` then drops the message (issue 16: the fixed cost of the list and search)."""

    _loaded: ClassVar[dict[str, Any]] = {}

    def _catalogue(self) -> Any:
        from babel import support
        from flask import current_app
        from flask_babel import get_locale
        from wtforms.i18n import messages_path

        if not current_app.config.get("WTF_I18N_ENABLED", True):
            return None
        locale = str(get_locale())
        catalogue = self._loaded.get(locale)
        if catalogue is None:
            catalogue = support.Translations.load(messages_path(), [locale], domain="wtforms")
            self._loaded[locale] = catalogue
        return catalogue

    def gettext(self, string: str) -> str:
        catalogue = self._catalogue()
        return string if catalogue is None else catalogue.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalogue = self._catalogue()
        if catalogue is None:
            return singular if n == 1 else plural
        return catalogue.ungettext(singular, plural, n)


_WTFORMS_MESSAGES = _WtformsMessages()


class CheckedForm(FlaskForm):
    """A Flask-WTF form whose every field is checked for what the database can store."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            """WTForms' messages from a catalogue loaded once per locale."""
            return _WTFORMS_MESSAGES

    def validate(self, extra_validators=None) -> bool:
        """The form's own validators, then ``field_problems`` on every field."""
        valid = super().validate(extra_validators)
        for field in self:
            problems = [p for p in field_problems(self, field) if p not in field.errors]
            if problems:
                field.errors = [*field.errors, *problems]
                valid = False
        return valid


class MonthsField(StringField):
    """Monitoring visits as months after the return, typed "1, 3, 6, 12" (002, Rec 2).

    Its data is a sorted list of distinct months, each 1 to 120 (empty: no months given).
    """

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, str):
            return self.data
        return ", ".join(str(m) for m in self.data or [])

    def process_formdata(self, valuelist) -> None:
        """Parse the typed months; a bad list is a field error."""
        if not valuelist:
            return
        self.data = []
        self.data = parse_schedule(valuelist[0])  # a ValueError becomes the field's error
