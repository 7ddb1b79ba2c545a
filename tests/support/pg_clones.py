"""PostgreSQL test databases cloned from the session's template one test ahead, in a thread.

``CREATE DATABASE ... TEMPLATE`` costs about half a second here, nearly all of it waiting on
the disk (one file and its fsync per table and index), while a test keeps the CPU busy. Cloned
in the foreground, that half second was added to every test: a third of the PostgreSQL run in
CI. Here a thread clones the next test's database and drops the last one while the current
test runs, so the waiting overlaps the work. Each test still gets a database of its own, fresh
from the migrated template (``tests/conftest.py``).
"""

from __future__ import annotations

import queue
import threading
import uuid

import sqlalchemy as sa


class CloneAhead:
    """Databases cloned from ``template`` before they are asked for (``take``), and dropped
    after use (``give_back``), by one thread on one administrative connection."""

    AHEAD = 1  # clones waiting: one is enough to hide the wait behind a test

    def __init__(self, admin_url: str, template: str, prefix: str) -> None:
        self.template, self.prefix = template, prefix
        self.engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.ready: queue.Queue[str | BaseException] = queue.Queue(self.AHEAD)
        self.used: queue.Queue[str | None] = queue.Queue()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="pg-clone-ahead", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.engine.connect() as conn:
                while not self.stopping.is_set():
                    self._drop_used(conn)
                    name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
                    conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                    while True:  # wait for room, dropping what tests give back meanwhile
                        try:
                            self.ready.put(name, timeout=0.05)
                            break
                        except queue.Full:
                            self._drop_used(conn)
                            if self.stopping.is_set():
                                self.used.put(name)
                                break
                self._drop_used(conn)
        except BaseException as err:  # handed to the test that asks next
            self.ready.put(err)

    def _drop_used(self, conn) -> None:
        while True:
            try:
                name = self.used.get_nowait()
            except queue.Empty:
                return
            if name is not None:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def take(self) -> str:
        """The name of a fresh clone of the template."""
        got = self.ready.get()
        if isinstance(got, BaseException):
            raise RuntimeError("cloning the test database failed") from got
        return got

    def give_back(self, name: str) -> None:
        """``name`` is no longer used: dropped by the thread."""
        self.used.put(name)

    def close(self) -> None:
        """Drop every clone, used or waiting; stop the thread."""
        self.stopping.set()
        while self.thread.is_alive():
            try:
                got = self.ready.get(timeout=0.05)
            except queue.Empty:
                continue
            if isinstance(got, str):
                self.used.put(got)
        while not self.ready.empty():
            got = self.ready.get_nowait()
            if isinstance(got, str):
                self.used.put(got)
        with self.engine.connect() as conn:
            self._drop_used(conn)
        self.engine.dispose()
