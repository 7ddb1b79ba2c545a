"""Helpers for the request layer."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from caseapp.core.permissions import Permission


def permission_required(permission: Permission):
    """Decorator: 403 unless the logged-in user's role grants ``permission``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
