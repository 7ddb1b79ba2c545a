"""Browser fixtures: a real gunicorn server on the test database, and a headless Chromium page.

``live_server`` starts ``gunicorn 'caseapp:create_app(...)'`` as a subprocess on a free port,
with ``DATABASE_URL`` pointing at this test's database (the one the ``factory`` fixture writes
to), a temporary instance folder and CSRF protection on, and returns its base URL.
``page`` is a Playwright page in Debian's Chromium. Without Playwright or Chromium the tests
skip — or fail when ``CASEAPP_REQUIRE_BROWSER=1`` (as in CI).

On SQLite every transaction takes the write lock at BEGIN, so a test must not hold a
transaction open while the browser makes the server write: read what you need from model
objects, then ``db.session.commit()`` (``log_in`` does this for you).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("CASEAPP_REQUIRE_BROWSER") == "1"
START_TIMEOUT_S = 30


def _unavailable(reason: str):
    """Skip, or fail when the browser is mandatory."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (CASEAPP_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def live_server(database_url, tmp_path):
    """Base URL of a real gunicorn server serving the app on this test's database."""
    instance = tmp_path / "live-instance"
    instance.mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CASEAPP_SECRET_KEY": SECRET,
        "CASEAPP_WTF_CSRF_ENABLED": "true",
        "PYTHONUNBUFFERED": "1",
    }
    factory_call = f"caseapp:create_app({{'INSTANCE_PATH': {str(instance)!r}}})"
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                factory_call,
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/login", proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed")
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def log_in(live_server, app):
    """``log_in(page, user, password)``: log ``page`` in through the real login form and,
    for a user enrolled in TOTP (supervisors, ombudspersons, admins by default), type the
    current code (computed with pyotp from the user's secret) on the second-factor page."""
    import re

    import pyotp

    from caseapp.core.extensions import db
    from tests.support.factories import PASSWORD

    def do(page, user, password: str = PASSWORD):
        email, secret = user.email, user.totp_secret
        if secret:
            # Test-only: forget the last used step, so one user can log in twice within a
            # 30-second step (the app refuses a replayed code).
            user.totp_last_step = None
        db.session.commit()  # release the test's transaction before the server writes
        page.goto(f"{live_server}/login")
        page.get_by_label("E-mail").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        if secret:
            page.wait_for_url(re.compile(r"/login/second-factor"))
            for _attempt in range(2):  # the app accepts only the current 30-second step
                left = 30 - time.time() % 30
                if left < 3:
                    time.sleep(left + 0.2)
                page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
                page.get_by_role("button", name="Continue").click()
                page.wait_for_load_state()
                if "/login/second-factor" not in page.url:
                    break
        page.wait_for_url(re.compile(r"/(cases|admin|indicators)/|/(my|home)$"))

    return do


@pytest.fixture
def page(browser):
    """A fresh page (own cookies) at a laptop-sized viewport."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()
