"""The task queue's import of huey leaves out the psycopg driver (issue 16 item 6: memory).

``huey.storage`` imports psycopg for a PostgreSQL queue this app does not use; that costs
every process (web workers, the export worker) about 10-20 MB. ``caseapp.jobs.queue`` blocks
it while importing huey, and only when nothing imported psycopg before. Checked in fresh
interpreters, so the test process's own imports do not decide the outcome.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return proc.stdout.strip()


def test_huey_comes_without_psycopg_and_psycopg_stays_importable():
    out = _run(
        "import sys\n"
        "from caseapp.jobs.queue import _import_huey\n"
        "huey = _import_huey()\n"
        "import huey.storage\n"
        "print('psycopg' in sys.modules, huey.storage.psycopg is None)\n"
        "import psycopg\n"  # not left blocked: the database driver can still load it
        "print(psycopg.__name__)\n"
    )
    assert out.splitlines() == ["False True", "psycopg"]


def test_huey_sees_psycopg_when_it_was_imported_before():
    out = _run(
        "import psycopg\n"
        "from caseapp.jobs.queue import _import_huey\n"
        "_import_huey()\n"
        "import huey.storage\n"
        "print(huey.storage.psycopg is psycopg)\n"
    )
    assert out == "True"
