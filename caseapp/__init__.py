"""caseapp: case management for migrant children who may be returned to another country.

No return is approved until every safeguard is in place (DESIGN.md section 4).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

# Each domain package may have ``models`` (imported so the metadata is complete), ``views``
# exposing ``bp`` (a blueprint) and ``cli`` exposing ``cli`` (a click command or group).
# They are discovered, so a new domain package needs no edit here.
DOMAIN_PACKAGES_SKIP = frozenset({"core", "static", "translations"})


def domain_modules(kind: str) -> list:
    """Import ``caseapp.<domain>.<kind>`` for every domain package that has one."""
    import pkgutil
    from importlib import import_module
    from importlib.util import find_spec

    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.ispkg or info.name in DOMAIN_PACKAGES_SKIP:
            continue
        name = f"{__name__}.{info.name}.{kind}"
        if find_spec(name) is not None:
            found.append(import_module(name))
    return found


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory (Flask tutorial style): config, extensions, blueprints, CLI."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    if test_config and test_config.get("INSTANCE_PATH"):
        app.instance_path = test_config["INSTANCE_PATH"]

    from caseapp.core.config import load_config

    load_config(app, test_config)
    from caseapp.core import converters

    converters.init_app(app)  # before the blueprints: their <int:...> routes use it
    register_extensions(app)
    register_blueprints(app)
    register_request_layer(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons and load every model so metadata is complete."""
    from caseapp.core import i18n, logging, mail, security_headers, templating
    from caseapp.core.extensions import babel, csrf, db, login_manager

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "caseapp" / "translations"))
    login_manager.init_app(app)
    from caseapp.auth import session as auth_session

    auth_session.init_login_manager(login_manager)
    auth_session.configure_cookies(app)
    security_headers.init_app(app)
    templating.init_app(app)
    logging.init_app(app)
    mail.init_app(app)
    domain_modules("models")  # registers every model with the metadata
    from caseapp.jobs import queue

    queue.init_app(app)  # background jobs (huey)


def register_blueprints(app: Flask) -> None:
    """Register each domain's blueprint."""
    for module in domain_modules("views"):
        app.register_blueprint(module.bp)


def register_request_layer(app: Flask) -> None:
    """Every view runs inside the request layer, which owns the transaction."""
    from caseapp.core import web

    web.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Generic, translated error pages; domain errors become a clear message."""
    from caseapp.core.error_pages import register

    register(app)


def register_commands(app: Flask) -> None:
    """Add the operator commands (``flask --app caseapp ...``): each domain's ``cli``, and
    any further groups it lists in ``commands``; and ``flask db`` (Flask-Migrate), which
    imports Flask-Migrate only when it is run (``caseapp.core.migrations``)."""
    from caseapp.core import migrations

    app.cli.add_command(migrations.cli)
    for module in domain_modules("cli"):
        for command in getattr(module, "commands", [module.cli]):
            app.cli.add_command(command)
