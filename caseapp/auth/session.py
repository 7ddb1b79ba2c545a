"""Flask-Login wiring: how a session finds its user."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from caseapp.core.extensions import db


def init_login_manager(manager: LoginManager) -> None:
    """Configure the login view and the user loader."""
    from caseapp.auth.models import User

    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return user if user is not None and user.active else None
