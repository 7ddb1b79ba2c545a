#!/usr/bin/env python3
"""The background export of a whole audit trail, through the browser's path (issue 13).

    .venv/bin/python benchmarks/export_job.py --workdir DIR [-n 1000000 --cases 100000]

``DIR`` holds a benchmark database made by ``export_memory.py`` (``bench.sqlite3`` and
``instance/``); without one, ``-n`` entries in ``--cases`` cases are bulk-inserted first the
same way. Then, as ``make run`` does, it starts gunicorn (one ``gthread`` worker) and the huey
worker (``flask jobs worker``'s consumer, on the same instance folder), signs in as an
ombudsperson, asks for an export of the whole trail (``POST /audit/jobs``) and polls the
job's progress page until the file is ready, downloads it, and reports:

- the job's wall time and entries per second;
- the worker process's resident memory before the job and its peak (``VmHWM``);
- the web worker's resident memory before and after, its peak, and the slowest progress page
  while the export ran (the web worker only queues the job and reads its row);
- with ``--verify``, the standalone verifier's verdict on the downloaded bundle.

It asserts nothing about time (the machine is shared); it exits 1 if the job fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import export_memory  # noqa: E402
from benchmarks.pages import PASSWORD, Client, free_port  # noqa: E402

SECRET = export_memory.SECRET
ENV_DB, ENV_INSTANCE = "CASEAPP_BENCH_DATABASE_URL", "CASEAPP_BENCH_INSTANCE"


def web_app():
    """The app gunicorn serves here: the benchmark's database and instance folder."""
    return export_memory.make_app(os.environ[ENV_DB], os.environ[ENV_INSTANCE])


def run_worker() -> None:
    """``flask jobs worker`` on the benchmark's app (same consumer, same queue)."""
    app = web_app()
    with app.app_context():
        huey = app.extensions["huey"]
        consumer = huey.create_consumer(workers=1, worker_type="thread", periodic=False)
        consumer.run()


def status_kb(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` (peak) of a process, in kB."""
    out = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (gunicorn's workers)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def ombudsperson(url: str, instance: str) -> tuple[str, str]:
    """A new ombudsperson with a second factor; returns e-mail and TOTP secret."""
    import pyotp

    app = export_memory.make_app(url, instance)
    with app.app_context():
        from caseapp.auth.operations import create_user
        from caseapp.core.extensions import db
        from caseapp.core.permissions import Role

        email = f"bench-ombuds-{secrets.token_hex(3)}@example.org"
        user = create_user(
            None,
            email=email,
            name="Benchmark Ombudsperson",
            role=Role.OMBUDSPERSON,
            agency=None,
            password=PASSWORD,
        )
        user.totp_secret = pyotp.random_base32()
        user.totp_enabled_at = datetime.now(UTC)
        secret = user.totp_secret
        db.session.commit()
        db.engine.dispose()
    return email, secret


def start(cmd: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603 -- our own commands


def run(workdir: Path, n: int, cases: int, verify: bool) -> dict:
    """Build (if needed), serve, export in the background; return the figures."""
    instance = workdir / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    if not (workdir / "bench.sqlite3").exists():
        export_memory.migrate(url, str(instance))
        export_memory.bulk_insert(url, n, cases)
    email, totp = ombudsperson(url, str(instance))
    env = {
        **os.environ,
        ENV_DB: url,
        ENV_INSTANCE: str(instance),
        "CASEAPP_SECURE_COOKIES": "false",
        "PYTHONPATH": str(ROOT),
    }
    port = free_port()
    bin_dir = Path(sys.executable).parent
    web = start(
        [
            str(bin_dir / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--workers",
            "1",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "benchmarks.export_job:web_app()",
        ],
        env,
    )
    worker = start([sys.executable, __file__, "--worker"], env)
    figures: dict = {}
    try:
        client = Client(port)
        for _ in range(600):
            try:
                client.request("GET", "/login")
                break
            except OSError:
                time.sleep(0.2)
        client.log_in(email, totp)
        client.request("GET", "/audit/")  # the export form's CSRF token
        time.sleep(2)  # let the worker finish starting up before its "before" figure
        [web_pid] = children(web.pid) or [web.pid]
        web_before, worker_before = status_kb(web_pid), status_kb(worker.pid)
        started = time.perf_counter()
        status, location, _ = client.request("POST", "/audit/jobs", {"recipient": "benchmark"})
        if status != 303:
            raise SystemExit(f"the export was not queued: {status}")
        job_path = location.split("127.0.0.1", 1)[-1].split(f":{port}", 1)[-1]
        slowest, polls, state = 0.0, 0, ""
        while True:
            time.sleep(2)
            t = time.perf_counter()
            status, _, page = client.request("GET", job_path)
            slowest = max(slowest, time.perf_counter() - t)
            polls += 1
            if f'href="{job_path}/download"' in page:
                state = "done"
                break
            if 'class="flash flash-error"' in page:
                state = "failed: " + re.sub(r"<[^>]+>", "", page.split("flash-error", 1)[1])[:200]
                break
            if worker.poll() is not None:
                state = "worker exited"
                break
        seconds = time.perf_counter() - started
        web_after, worker_after = status_kb(web_pid), status_kb(worker.pid)
        out = workdir / "job-export.zip"
        t = time.perf_counter()
        download_to(client, job_path + "/download", out)
        download = time.perf_counter() - t
        count = json.loads(_manifest(out))["count"] if out.exists() else None
        figures = {
            "state": state,
            "entries": count,
            "job_seconds": round(seconds, 1),
            "entries_per_second": round(count / seconds) if count else None,
            "worker_rss_mb_before": round(worker_before["VmRSS"] / 1024, 1),
            "worker_peak_rss_mb": round(worker_after["VmHWM"] / 1024, 1),
            "web_rss_mb_before": round(web_before["VmRSS"] / 1024, 1),
            "web_rss_mb_after": round(web_after["VmRSS"] / 1024, 1),
            "web_peak_rss_mb": round(web_after["VmHWM"] / 1024, 1),
            "progress_polls": polls,
            "slowest_progress_page_ms": round(slowest * 1000, 1),
            "download_seconds": round(download, 1),
            "bundle_mb": round(out.stat().st_size / 1e6, 1) if out.exists() else None,
        }
        if verify and out.exists():
            from caseapp.audit.bundle_verifier import verify_bundle

            report = verify_bundle(out)
            figures["verified"] = report.ok
    finally:
        for proc in (worker, web):
            proc.send_signal(signal.SIGTERM)
        for proc in (worker, web):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    return figures


def download_to(client: Client, path: str, out: Path) -> None:
    """Stream a download to ``out`` (the bundle may be hundreds of megabytes)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=600)
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    if response.status != 200:
        raise SystemExit(f"download failed: {response.status}")
    with open(out, "wb") as fh:
        while chunk := response.read(1 << 20):
            fh.write(chunk)
    conn.close()


def _manifest(path: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read("manifest.json")


def main() -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", help="the benchmark database and instance folder")
    parser.add_argument("-n", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--verify", action="store_true", help="verify the downloaded bundle")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker()
        return 0
    if not args.workdir:
        parser.error("--workdir is required")
    figures = run(Path(args.workdir), args.n, args.cases, args.verify)
    print(json.dumps(figures, indent=1))
    return 0 if figures.get("state") == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
