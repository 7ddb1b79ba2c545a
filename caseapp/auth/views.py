"""Login, logout and the user's own preferences."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from caseapp.audit.recorder import record
from caseapp.auth import operations
from caseapp.auth.forms import LanguageForm, LoginForm
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role

bp = Blueprint("auth", __name__)


def home_for(user) -> str:
    """Where a user lands after login: admins manage people, others see cases."""
    if user.role is Role.ADMIN:
        return url_for("admin.users")
    return url_for("cases.index")


@bp.route("/")
def index():
    """Send visitors to their start page, or to the login page."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with e-mail and password; the same message for any failure."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is None:
            record(None, "auth:login:fail", diff={})
            db.session.commit()
            flash(_("Wrong e-mail or password."), "error")
            return render_template("auth/login.html", form=form), 200
        login_user(user)
        record(user, "auth:login:success", diff={})
        db.session.commit()
        return redirect(home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST only, so a link on another site cannot log a user out)."""
    record(current_user, "auth:logout", diff={})
    db.session.commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Choose the interface language."""
    form = LanguageForm(locale=current_user.locale)
    if form.validate_on_submit():
        try:
            operations.set_locale(
                current_user, form.locale.data, current_app.config["SUPPORTED_LOCALES"]
            )
        except ValidationFailed as err:
            form.locale.errors.append(err.message)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(request.path)
    return render_template("auth/preferences.html", form=form)
