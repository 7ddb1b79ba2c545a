"""The export bundle's zip, compressed by a thread of its own beside the walk of the chain.

The export's one core spends its time encoding entries in Python; compressing, CRC-checking,
hashing and writing the files are done by zlib, hashlib and the file system, which let go of
the interpreter's lock while they work. So the entries' JSON Lines go straight into the zip
through a worker thread as they are written, and the CSV is hashed and written to disk there
too, then compressed while the export writes the case summary: on a machine with a second
core the compression is no longer added to the export's time (issue 16 item 6, the export's
throughput). At most ``IN_FLIGHT`` pieces wait for the thread, so memory stays flat in the
number of entries.

Only one member of a zip can be open for writing at a time: ``stream()`` is for one member
at a time, written while nothing else is added; ``to_disk()`` files are added once closed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import IO

# Level 1: a third of the time of the default level for a few percent more bytes.
COMPRESS_LEVEL = 1
COPY_CHUNK = 1 << 18  # a file added to the zip is read and compressed 256 KB at a time


class BundleZip:
    """A zip at ``path`` whose members are written, in the order given, by one worker thread.

    Every failure of the thread is raised again in the caller at its next call; ``abort()``
    stops the thread and closes the file (the caller deletes it)."""

    IN_FLIGHT = 8  # pieces (~64 KB each, ``entry_files.FLUSH_AT``) queued at most

    def __init__(self, path: Path) -> None:
        """Create the zip at ``path`` and start its thread."""
        self.path = path
        self.zf = zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESS_LEVEL
        )
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caseapp-export-zip")
        self._slots = threading.BoundedSemaphore(self.IN_FLIGHT)
        self._error: BaseException | None = None
        self._last: Future | None = None
        self._open: list[IO[bytes]] = []  # files the thread holds open (closed by ``abort``)

    def _submit(self, job: Callable[[], None]) -> None:
        """Queue ``job`` for the thread, waiting while ``IN_FLIGHT`` jobs are queued."""
        if self._error is not None:
            raise self._error
        self._slots.acquire()

        def run() -> None:
            try:
                if self._error is None:
                    job()
            except BaseException as exc:  # raised again in the caller (``_submit``, ``wait``)
                self._error = exc
            finally:
                self._slots.release()

        self._last = self._pool.submit(run)

    def wait(self) -> None:
        """Until the thread has done every job queued so far; raises its failure, if any."""
        if self._last is not None:
            self._last.result()
        if self._error is not None:
            raise self._error

    def stream(self, name: str) -> ZippedFile:
        """A member written as its pieces come (``write``, then ``close``); its size is not
        known in advance, so it has ZIP64 fields (read by every current unzip tool)."""
        return ZippedFile(self, partial(self.zf.open, self._member(name), "w", force_zip64=True))

    def to_disk(self, path: Path) -> ZippedFile:
        """A scratch file hashed and written by the thread (add it with ``add_file``)."""

        def opener() -> IO[bytes]:
            return open(path, "wb")  # closed by ZippedFile._end, or by abort

        return ZippedFile(self, opener)

    def add_file(self, path: Path, name: str) -> None:
        """Queue ``path`` (a closed file) as the member ``name``."""

        def copy() -> None:
            # The size is known: ZIP64 fields only where zipfile itself would write them.
            large = os.path.getsize(path) * 1.05 > zipfile.ZIP64_LIMIT
            member = self._member(name)
            with open(path, "rb") as src, self.zf.open(member, "w", force_zip64=large) as dest:
                shutil.copyfileobj(src, dest, COPY_CHUNK)

        self._submit(copy)

    def add_bytes(self, name: str, data: bytes) -> None:
        """Queue ``data`` as the member ``name``."""
        self._submit(partial(self.zf.writestr, self._member(name), data))

    def _member(self, name: str) -> zipfile.ZipInfo:
        """A member dated now, compressed as the zip's members are. (Opened by name alone, a
        member is dated 1 January 1980; ``_compresslevel`` is the attribute ``ZipFile.write``
        itself sets, an alias of ``compress_level`` from Python 3.13.)"""
        member = zipfile.ZipInfo(name, time.localtime()[:6])
        member.compress_type = zipfile.ZIP_DEFLATED
        member.external_attr = 0o644 << 16  # a plain file, readable, once unpacked
        member._compresslevel = COMPRESS_LEVEL  # type: ignore[attr-defined]
        return member

    def close(self) -> None:
        """Wait for every member, then write the zip's directory."""
        try:
            self.wait()
            self.zf.close()
        finally:
            self._pool.shutdown(wait=True)

    def abort(self) -> None:
        """Stop the thread (dropping what it has not done) and close the file, unfinished."""
        if self._error is None:
            self._error = RuntimeError("the export was stopped")
        self._pool.shutdown(wait=True, cancel_futures=True)
        # The unfinished file is deleted by the caller: a failure to close it (a full disk,
        # say) must not hide the failure that stopped the export.
        for fh in self._open:  # a member left open is ended, so the zip can be closed
            with suppress(OSError, ValueError):
                fh.close()
        self._open.clear()
        with suppress(OSError, ValueError):
            self.zf.close()


class ZippedFile:
    """``HashingFile``'s interface (``write``, ``close`` -> manifest entry) for a member
    streamed into the zip or a scratch file, written by the zip's thread."""

    def __init__(self, bundle: BundleZip, opener: Callable[[], IO[bytes]]) -> None:
        """Open the member or file with ``opener`` (in the thread, in turn)."""
        self.bundle, self._opener = bundle, opener
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._dest: IO[bytes]  # set by ``_begin``, in the thread, before any ``_write``
        bundle._submit(self._begin)

    def _begin(self) -> None:
        self._dest = self._opener()  # closed by ``_end``, or by ``BundleZip.abort``
        self.bundle._open.append(self._dest)

    def write(self, data: bytes) -> None:
        """Queue ``data`` to be hashed and written."""
        self.bundle._submit(partial(self._write, data))

    def _write(self, data: bytes) -> None:
        self.sha256.update(data)
        self.size += len(data)
        self._dest.write(data)

    def _end(self) -> None:
        self._dest.close()
        self.bundle._open.remove(self._dest)

    def close(self) -> dict:
        """Finish the member or file; return its manifest entry (SHA-256, bytes)."""
        self.bundle._submit(self._end)
        self.bundle.wait()
        return {"sha256": self.sha256.hexdigest(), "bytes": self.size}

    def release(self) -> None:
        """Nothing to do here: ``BundleZip.abort`` closes what the thread holds open."""
