"""Field labels for the diffs of audit entries: "Date of identification", not
``identified_on``. The labels are those of the forms where the fields are entered (so they
are translated like the forms); a field no form names is written in words from its name."""

from __future__ import annotations

from functools import lru_cache

from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

from caseapp.core.i18n import lazy_gettext as _l

# Keys that are not form fields but appear in diffs.
EXTRA = {
    "stage": _l("Stage"),
    "outcome": _l("Solution decided"),
    "status": _l("Status"),
    "filters": _l("Filters"),
    "page": _l("Page"),
    "period": _l("Period"),
    "identified": _l("With names"),
    "format": _l("Format"),
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@lru_cache(maxsize=1)
def _form_labels() -> dict[str, object]:
    labels: dict[str, object] = {}
    for form in _subclasses(FlaskForm):
        for name in dir(form):
            field = getattr(form, name, None)
            if not isinstance(field, UnboundField) or name in labels:
                continue
            text = field.args[0] if field.args else field.kwargs.get("label")
            if text:
                labels[name] = text
    return labels


def field_label(key: str) -> str:
    """The label of a diff key, in the user's language where one is known."""
    known = EXTRA.get(key) or _form_labels().get(key)
    if known is not None:
        return str(known)
    words = key.replace("_id", "").replace("_", " ").strip()
    return words[:1].upper() + words[1:]
