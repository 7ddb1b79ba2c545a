"""Save, read and discard drafts. Only flushes; the request layer commits.

A draft is not a record of the case: it is not audited (nothing is decided by it) and it
never reaches the record until the user saves the form, which is audited as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.drafts.models import Draft

if TYPE_CHECKING:
    from caseapp.auth.models import User

MAX_FIELD = 20_000  # characters per field, as the longest text areas allow
MAX_FIELDS = 40


def save_draft(user: User, path: str, fields: Mapping[str, str]) -> Draft:
    """Create or replace ``user``'s draft of the form at ``path``."""
    data = {
        str(name)[:60]: str(value)[:MAX_FIELD]
        for name, value in list(fields.items())[:MAX_FIELDS]
        if name not in ("csrf_token", "version")
    }
    draft = db.session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.path == path))
    if draft is None:
        draft = Draft(user_id=user.id, path=path, data=data)
        db.session.add(draft)
    else:
        draft.data = data
    draft.updated_at = utcnow()
    db.session.flush()
    return draft


def load_draft(user: User, path: str) -> Draft | None:
    """``user``'s draft of the form at ``path``, if any."""
    return db.session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.path == path))


def load_drafts(user: User, paths: list[str]) -> dict[str, Draft]:
    """``user``'s drafts of the forms at ``paths``, by path, in one statement (a page with a
    form per row asks once, whatever the number of rows)."""
    if not paths:
        return {}
    rows = db.session.scalars(
        select(Draft).where(Draft.user_id == user.id, Draft.path.in_(paths))
    ).all()
    return {draft.path: draft for draft in rows}


def discard_draft(user: User, path: str) -> None:
    """Forget the draft (the form was saved, or the user threw the draft away)."""
    db.session.execute(delete(Draft).where(Draft.user_id == user.id, Draft.path == path))


def restore_into(form: Any, draft: Draft | None) -> bool:
    """Put a draft's texts back into the text fields of a fresh (GET) ``form``; whether any
    was restored. Only text fields: choices and dates are set again by the user."""
    from wtforms import StringField, TextAreaField

    if draft is None or form.is_submitted():
        return False
    restored = False
    # Draft keys are the posted names: a prefixed form's ``appeal-grounds`` is its ``grounds``.
    by_name = {field.name: field for field in form}
    for name, value in draft.data.items():
        field = by_name.get(name)
        if isinstance(field, StringField | TextAreaField) and value:
            field.data = value
            restored = True
    return restored


def dropping_draft(operation: Callable[..., Any], user: User, path: str) -> Callable[..., Any]:
    """``operation`` that forgets ``user``'s draft at ``path`` once it has saved the form."""

    def run(*args: Any, **kwargs: Any) -> Any:
        result = operation(*args, **kwargs)
        discard_draft(user, path)
        return result

    return run
