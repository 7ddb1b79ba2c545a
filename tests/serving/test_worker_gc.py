"""The garbage collector's settings in a gunicorn worker (``gunicorn.conf.py``, issue 16):
the loaded app frozen out of the collector's sweeps, the youngest generation collected less
often. Run in a fresh interpreter, so this test process's own collector is left alone."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, runpy
before = gc.get_freeze_count()
settings = runpy.run_path("gunicorn.conf.py")
import caseapp  # what a worker holds once the app is loaded
settings["post_worker_init"](None)
print(before, gc.get_freeze_count(), *gc.get_threshold())
"""


def test_worker_freezes_the_loaded_app_and_collects_less_often():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    before, frozen, young, *_older = map(int, out)
    assert before == 0
    assert frozen > 10_000  # the modules, classes and functions of the loaded app
    assert young == 7000
