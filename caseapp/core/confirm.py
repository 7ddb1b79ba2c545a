"""The confirmation step of a high-stakes act (issue 12 item 4).

Approving a return or a determination, approving a last resort, lifting a suspension and
closing a case are not one click: the first post of the act's form shows a page saying what
is about to be confirmed, with a comment box; the second post (``confirmed``) runs the one
operation, which stores the comment in its audit entry. The operation stays the single place
of the rules: the confirmation page decides nothing, and a change made by someone else in
between is refused by the version the page carries on.

A form takes part by deriving from ``Confirmed`` first (``class F(Confirmed, VersionedForm)``);
its ``values()`` then hands the operation ``comment`` as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import render_template, request
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from caseapp.core import web
from caseapp.core.i18n import lazy_gettext as _l

# Posted fields not carried on to the confirmation (it has its own).
_NOT_CARRIED = ("csrf_token", "confirmed", "comment", "submit")


class Confirmed:
    """Mixin of a form whose act is confirmed on a second page with a comment."""

    confirmed = HiddenField()
    comment = TextAreaField(_l("Comment (kept in the audit trail)"), [Optional(), Length(max=2000)])

    def values(self) -> dict[str, Any]:
        data = super().values()  # type: ignore[misc]
        data["comment"] = self.comment_value()
        return data

    def comment_value(self) -> str | None:
        """The comment for the audit entry (None when left empty)."""
        return (self.comment.data or "").strip() or None

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "1"


def _carried(form: Any) -> list[tuple[str, str]]:
    own = {form[name].name for name in _NOT_CARRIED if name in form}
    return [
        (key, value)
        for key, value in request.form.items(multi=True)
        if key not in own and key != "csrf_token"
    ]


def confirm_then_submit(
    form: Any,
    operation: Callable[..., Any],
    *args: Any,
    title: str,
    facts: Callable[[], Iterable[tuple[Any, Any]]],
    back_url: str,
    **submit_kwargs: Any,
):
    """Show the confirmation page for a valid, unconfirmed post of ``form``; otherwise hand
    the form to ``web.submit`` (which shows errors, or runs the operation)."""
    if form.is_submitted() and not form.is_confirmed and form.validate():
        form.confirmed.data = "1"
        return render_template(
            "confirm.html",
            form=form,
            title=title,
            facts=list(facts()),
            carried=_carried(form),
            action=request.path,
            back_url=back_url,
        )
    return web.submit(form, operation, *args, **submit_kwargs)
