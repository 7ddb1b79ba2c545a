"""Pages to record the child and family members."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("children", __name__, url_prefix="/cases")
