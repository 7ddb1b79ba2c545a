"""Run axe-core (vendored, pinned: ``assets/axe-core``) on a Playwright page.

``violations(page)`` injects axe into the page and returns the WCAG 2.x A/AA violations as
readable lines; the tests assert there are none. The file's hash is checked first, so an
edited or different axe cannot pass unnoticed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

AXE = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _source() -> str:
    data = AXE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == AXE_SHA256, f"vendored axe-core changed: {digest}"
    return data.decode("utf-8")


def violations(page) -> list[str]:
    """axe's violations on the page once it has loaded, one line per rule and element.

    A click that navigates returns once the new document has started; its stylesheets may
    still be on the way. axe run on the unstyled page reports what the styles fix (e.g.
    target-size on the main menu's links), so we wait for the ``load`` event first.
    """
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol, not as an inline <script>: the app's strict
    # Content-Security-Policy stays in force while axe checks the page.
    page.evaluate(_source())
    assert page.evaluate("axe.version") == AXE_VERSION
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' '))}))",
        TAGS,
    )
    return [f"{v['id']}: {v['help']} at {', '.join(v['targets'][:5])}" for v in result]
