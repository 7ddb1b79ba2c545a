"""Slow clients cannot starve the workers (issue 14, finding 5).

A real gunicorn, started with the repository's ``gunicorn.conf.py`` (as ``make run`` does),
on loopback. Forty connections send a request head one header line at a time and never
finish it; meanwhile a signed-in user's case list must still answer. With the former two
``sync`` workers every request waited until the slow clients gave up.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from caseapp.core.permissions import Role
from tests.browser.conftest import _free_port, _wait_until_up
from tests.conftest import SECRET
from tests.support.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SLOW_CLIENTS = 40
USER_REQUESTS = 3
ANSWER_TIMEOUT_S = 15  # a starved server answers after the slow clients give up, if ever


@pytest.fixture
def configured_server(database_url, tmp_path, factory, db):
    """gunicorn with ``gunicorn.conf.py`` (two workers) on this test's database."""
    instance = tmp_path / "live-instance"
    instance.mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CASEAPP_SECRET_KEY": SECRET,
        "CASEAPP_WTF_CSRF_ENABLED": "true",
        "CASEAPP_SECURE_COOKIES": "false",  # plain HTTP on loopback, as ``make run``
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "gunicorn.log"
    factory_call = f"caseapp:create_app({{'INSTANCE_PATH': {str(instance)!r}}})"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--workers",
                "2",
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
        yield base, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _signed_in_opener(base: str, email: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login", timeout=ANSWER_TIMEOUT_S).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    response = opener.open(f"{base}/login", data=form.encode(), timeout=ANSWER_TIMEOUT_S)
    assert response.geturl().endswith("/home")  # signed in: a caseworker lands on their home page
    return opener


def test_forty_slow_clients_do_not_stop_a_signed_in_users_page(configured_server, factory, db):
    base, port = configured_server
    user = factory.user(Role.CASEWORKER)
    email = user.email
    db.session.commit()
    opener = _signed_in_opener(base, email)

    stop = threading.Event()
    slow = []
    for _ in range(SLOW_CLIENTS):
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        conn.sendall(b"GET /cases/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(conn)

    def trickle() -> None:
        """One more header line per connection every half second, never the blank line."""
        n = 0
        while not stop.wait(0.5):
            n += 1
            for conn in slow:
                with contextlib.suppress(OSError):
                    conn.sendall(f"X-Slow-{n}: 1\r\n".encode())

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        stop.wait(1.5)  # the workers have accepted the slow connections and are reading
        for _ in range(USER_REQUESTS):
            with opener.open(f"{base}/cases/", timeout=ANSWER_TIMEOUT_S) as response:
                assert response.status == 200
                assert "Log out" in response.read().decode()
        # The slow clients were held open meanwhile, not simply dropped.
        still_open = 0
        for conn in slow:
            try:
                conn.sendall(b"X-Still: 1\r\n")
                still_open += 1
            except OSError:
                pass
        assert still_open == SLOW_CLIENTS
    finally:
        stop.set()
        trickler.join(5)
        for conn in slow:
            conn.close()
