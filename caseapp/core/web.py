"""The request layer: it owns the transaction, the form and the refusal (issue 8).

Modelled on indico's ``RH.process``. Every view runs inside ``_process``: when the view
returns, the request's transaction is committed; when it raises (``abort``, a refusal, a
bug), it is rolled back. A view is a few lines on top of four helpers:

- ``load(Model, id)`` -- the object, or 404 when it does not exist, lies outside the user's
  scope (the refused access is audited) or does not belong to the case or BID given;
- ``require(obj.can_x(current_user))`` -- 403 unless the model's predicate allows it;
- ``submit(form, operation, *args, ...)`` -- validate the form, call the one operation with
  ``*args`` and ``**form.values()``; on success flash and redirect, on a refusal
  (``DomainError``) roll back and show the message next to the form with its status
  (400/403/409), or flash it and redirect for the small per-row forms;
- ``audit_read(entry)`` -- a read that must be audited (a child's record viewed, a download).

Each request gets one random id (``request_id``) that every audit entry it records carries.

What must be audited although the request's own changes are rolled back or only read (a
refused access, a gate refusal, a view, a download) and the session's last-seen time are
written here, after the view, in one short write at the end of the same request
(``later``); if that write fails the request fails, so no audited read is ever lost.

On SQLite a GET, or a POST marked ``@writes_at_end``, begins a deferred transaction (no
write lock while it reads and renders); only the short write at the end, or a view marked
``@writes_on_get``, takes the lock (issue 16 item 4). ``commit()`` appears only here and in
``caseapp.core.cli``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask import Flask, abort, flash, g, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import OperationalError

from caseapp.core.db import contention, reset_write_intent, write_intent
from caseapp.core.error_pages import busy
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.forms import place_refusal
from caseapp.core.permissions import RecordType

if TYPE_CHECKING:
    from caseapp.audit.recorder import PendingEntry
    from caseapp.auth.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REQUEST_ID_KEY = "caseapp.request_id"


class Scoped(Protocol):
    """An object that can tell whether a user may see it at all."""

    id: Any

    def can_view(self, user: User) -> bool: ...


T = TypeVar("T")
V = TypeVar("V", bound=Callable[..., Any])


# -- the transaction ------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Run every registered view inside the request layer (call after the blueprints)."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = _process(view)
    app.before_request(_begin)
    app.after_request(_write_later)
    app.teardown_request(_end)


def _process(view: V) -> V:
    @wraps(view)
    def process(*args: Any, **kwargs: Any) -> Any:
        try:
            rv = view(*args, **kwargs)
        except DomainError as err:
            refused(err)  # a refusal the view did not show itself (the error page shows it)
            raise
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return rv

    return process  # type: ignore[return-value]


def writes_on_get(view: V) -> V:
    """Mark a view whose GET writes (so on SQLite it takes the write lock at once)."""
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def writes_at_end(view: V) -> V:
    """Mark a view whose POST only reads until it returns: whatever it writes is handed to
    ``later`` (one short write at the end of the request), so on SQLite it reads and renders
    without the write lock, as a GET does, and two such requests do not take turns for the
    whole of their work (issue 16 item 4: a name search at 8 connections). As on a GET, a
    write outside ``later`` would take the lock late, from a read snapshot, and could meet
    "database is locked": keep every write in ``later``."""
    view.writes_at_end = True  # type: ignore[attr-defined]
    return view


def shows(record: RecordType) -> Callable[[V], V]:
    """Mark a view as showing (GET) or acting on (POST) records of kind ``record``; only
    such views open to participants, and only where the matrix lets their role
    (``Case.can_read`` / ``Case.can_act``). An unmarked view answers a participant 404
    (``load``): a new page is closed to participants until it says what it shows."""

    def mark(view: V) -> V:
        view.participant_record = record  # type: ignore[attr-defined]
        return view

    return mark


def request_id() -> str:
    """This request's id: random, made once per request, carried by every audit entry the
    request records so the audit log can group them (issue 13 item 6). Not a secret and not
    personal data; never derived from the user or the URL. Kept in the request's WSGI
    environ rather than ``g``: ``g`` belongs to the application context, which a request
    shares with any context already pushed (a CLI command, a test)."""
    environ = request.environ
    rid = environ.get(REQUEST_ID_KEY)
    if rid is None:
        rid = environ[REQUEST_ID_KEY] = secrets.token_hex(16)
    return rid


def _begin() -> None:
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    if request.method in SAFE_METHODS:
        writes = getattr(view, "writes_on_get", False)
    else:
        writes = not getattr(view, "writes_at_end", False)
    g.caseapp_write_intent = write_intent(bool(writes))
    request_id()


def _end(exc: BaseException | None) -> None:
    token = g.pop("caseapp_write_intent", None)
    if token is not None:
        reset_write_intent(token)


def later(write: Callable[[], object]) -> None:
    """Run ``write`` at the end of this request, in one short transaction of its own. If the
    database gives up on it (another write held the lock too long: ``core.db.contention``),
    the request is answered "busy" instead of its page: nothing is shown without its entry."""
    g.setdefault("caseapp_later", []).append(write)


def _write_later(response):
    writes = g.pop("caseapp_later", [])
    if not writes:
        return response
    db.session.rollback()  # end the request's (read) transaction; its work is done
    token = write_intent(True)
    try:
        for write in writes:
            write()
        db.session.commit()
    except OperationalError as err:
        db.session.rollback()
        if not contention(err):
            raise
        # The view entry could not be written: the page is not shown without it.
        return busy(err)
    except BaseException:
        db.session.rollback()
        raise
    finally:
        reset_write_intent(token)
    return response


def audit_read(entry: PendingEntry) -> None:
    """Audit a read (a child's record viewed, a file downloaded) at the end of the request."""
    later(entry.write)


def refused(err: DomainError) -> None:
    """After a refusal: roll the request's changes back, and write what the refusal must
    leave in the audit trail (a gate refusal, a refused exchange) at the end of the request.
    A view that shows a refusal itself (a page of its own, a JSON error) calls this first."""
    db.session.rollback()
    if err.audit is not None:
        later(err.audit.write)  # type: ignore[attr-defined]


# -- loading and permissions ----------------------------------------------------------------


def _case_id_of(obj: Any) -> int | None:
    if hasattr(obj, "case_id"):
        return obj.case_id
    child = getattr(obj, "child", None)
    return getattr(child, "case_id", None)


def load(model: type[T], object_id: int, *, case: Any = None, bid: Any = None) -> T:
    """``model`` by id, or 404: missing, outside the user's scope, or not of ``case``/``bid``.

    Answering 404 rather than 403 outside the scope means a user of another agency cannot
    even learn that a child's case exists; the refused access is audited
    (``access:object:refuse``) after the request rolled back.
    """
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    if case is not None and _case_id_of(obj) != case.id:
        abort(404)  # a record of another case is not reachable through this one
    if bid is not None and obj.bid_id != bid.id:  # type: ignore[attr-defined]
        abort(404)
    if case is None and bid is None and not _may_open(obj):
        from caseapp.audit.actions import AuditAction
        from caseapp.audit.recorder import pending

        later(pending(current_user, AuditAction.ACCESS_REFUSE, obj, diff={}).write)
        abort(404)
    return obj


def _may_open(obj: Any) -> bool:
    """Staff: the object's ``can_view``. A participant: only through a view marked with
    ``shows(record)``, on a case (or a record they may view) whose ``record`` the matrix lets
    their role read on a GET, act on otherwise (issue 10; least privilege). For a case,
    ``can_read``/``can_act`` include ``can_view`` (the assignment in force)."""
    if not getattr(current_user, "is_participant", False):
        return bool(obj.can_view(current_user))
    if not hasattr(obj, "can_read") and not obj.can_view(current_user):
        return False
    from flask import current_app

    view = current_app.view_functions.get(request.endpoint or "")
    record = getattr(view, "participant_record", None)
    if record is None:
        return False
    case = obj if hasattr(obj, "can_read") else getattr(obj, "case", None)
    if case is None or not hasattr(case, "can_read"):
        return False
    if request.method in SAFE_METHODS:
        return bool(case.can_read(current_user, record))
    return bool(case.can_act(current_user, record))


def require(allowed: bool) -> None:
    """403 unless ``allowed`` (a model predicate, for objects within the user's scope)."""
    if not allowed:
        abort(403)


# -- forms ----------------------------------------------------------------------------------

Render = Callable[[str | None], Any]


def version_message() -> str:
    """What a form with a missing or malformed version gets."""
    return _("This form is out of date: reload the page.")


def _form_message(form: FlaskForm) -> str | None:
    version = getattr(form, "version", None)
    if version is not None and version.errors:
        return version_message()
    return None


def submit(
    form: FlaskForm,
    operation: Callable[..., Any],
    *args: Any,
    success: str | Callable[[Any], str],
    next_url: str | Callable[[Any], str],
    render: Render | None = None,
) -> ResponseReturnValue:
    """Run one form through one operation: ``operation(*args, **form.values())``.

    With ``render`` (a page form): a GET renders the page; invalid input renders it again
    with the form's errors (400); a refusal renders it with the message next to the form and
    the refusal's status. Without ``render`` (a small per-row form): invalid input or a
    refusal is flashed and the user sent back to ``next_url``; a missing or malformed
    version answers 400. Success flashes ``success`` and redirects; the layer commits.
    """
    if render is not None and not form.is_submitted():
        return render(None)
    if not form.validate_on_submit():
        db.session.rollback()
        message = _form_message(form)
        if render is not None:
            return render(message), 400
        if message is not None:
            return render_template("errors/error.html", code=400, message=message), 400
        flash(_("Nothing was saved. %(errors)s", errors=_error_text(form)), "error")
        return redirect(_url(next_url, None))
    try:
        result = operation(*args, **form.values())
    except DomainError as err:
        refused(err)
        if render is not None:
            placed = place_refusal(form, err.details)
            return render(None if placed else err.message), err.status_code
        flash(err.message, "error")
        return redirect(_url(next_url, None))
    flash(success(result) if callable(success) else success, "success")
    return redirect(_url(next_url, result))


# ``render_page(case, {name: form}, {name: message})``: a case page with one form as posted.
PageRender = Callable[[Any, dict[str, Any], dict[str, str | None]], Any]


def submit_on_page(
    form: FlaskForm,
    operation: Callable[..., Any],
    *args: Any,
    case: Any,
    name: str,
    page: str,
    render_page: PageRender,
    success: str,
) -> ResponseReturnValue:
    """``submit`` for one of the forms of a case's page (prefixed ``name``): success goes
    back to the page (endpoint ``page``); invalid input or a refusal shows the page again
    with this form as posted and the message next to it."""
    from flask import url_for

    return submit(
        form,
        operation,
        *args,
        success=success,
        next_url=url_for(page, case_id=case.id),
        render=lambda error: render_page(case, {name: form}, {name: error}),
    )


def _url(next_url: str | Callable[[Any], str], result: Any) -> str:
    return next_url(result) if callable(next_url) else next_url


def _error_text(form: FlaskForm) -> str:
    parts: list[str] = []
    for name, errors in form.errors.items():
        label = f"{form[name].label.text}: " if name in form._fields else ""
        parts.extend(f"{label}{error}" for error in errors)
    return " ".join(parts)
