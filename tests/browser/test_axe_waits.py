"""axe checks the page the user sees: styled, not as it is while its stylesheets load.

CI once failed on the reassign page with "target-size" on the main menu's links: axe had run
right after a click, before pico.css and caseapp.css had arrived. Here every request is made
slow and the navigation returns as soon as the document starts, so the race is certain.
"""

from __future__ import annotations

import pytest

from caseapp.core.permissions import Role
from tests.browser.axe import violations

pytestmark = pytest.mark.browser


def test_violations_waits_for_the_stylesheets(live_server, page, factory, log_in, db):
    worker = factory.user(Role.CASEWORKER)
    factory.case(caseworker=worker)
    db.session.commit()
    log_in(page, worker)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 400, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(f"{live_server}/cases/", wait_until="commit")
    assert violations(page) == []
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    assert page.evaluate("document.readyState") == "complete"
