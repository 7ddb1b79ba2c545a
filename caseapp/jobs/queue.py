"""The task queue: one huey instance per app, configured from ``TASK_QUEUE_URL``.

- unset: SqliteHuey in ``instance/tasks.sqlite3`` (the embedded default, no extra server);
- ``redis://...``: RedisHuey, for several app servers sharing one queue;
- ``TASK_QUEUE_IMMEDIATE``: run each task at once in the caller (tests only).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from huey import SqliteHuey


def make_huey(app: Flask):
    url = app.config.get("TASK_QUEUE_URL") or ""
    immediate = bool(app.config.get("TASK_QUEUE_IMMEDIATE"))
    if url.startswith(("redis://", "rediss://")):
        from huey import RedisHuey

        return RedisHuey("caseapp", url=url, immediate=immediate)
    path = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "tasks.sqlite3")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("caseapp", filename=path, immediate=immediate)


def init_app(app: Flask) -> None:
    """Create the app's queue and register the tasks on it."""
    from caseapp.jobs.tasks import register

    huey = make_huey(app)
    app.extensions["huey"] = huey
    app.extensions["huey_tasks"] = register(app, huey)


def task(app: Flask, name: str):
    """The registered task ``name`` of ``app`` (call it to enqueue)."""
    return app.extensions["huey_tasks"][name]
