"""Extension singletons, bound to the app in ``create_app`` (cookiecutter-flask style).

Flask-Migrate is not among them: ``caseapp.core.migrations`` binds it only for ``flask db``
(it imports Alembic, which no web or job worker needs; issue 16 item 6)."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from caseapp.core.db import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
