"""gunicorn settings for caseapp (``make run`` uses this file: ``gunicorn -c gunicorn.conf.py``).

Slow clients must not starve the workers (issue 14, finding 5). With gunicorn's default
``sync`` workers each connection holds a whole worker while the client sends its request, so
40 connections trickling their headers stopped every request for 40 s. Here:

- ``gthread`` workers: each worker serves up to ``threads`` requests at once, and a
  connection that has sent nothing yet, or sits idle between keep-alive requests, waits in
  the worker's poller and holds no thread at all (gunicorn >= 23 defers it after 5 s);
- ``threads = 64`` per worker: even if one worker accepted all of them, 40 clients trickling
  their headers a byte at a time leave it threads for everybody else;
- ``keepalive = 5``: idle kept-alive connections are closed after 5 s; ``timeout = 30``: a
  worker whose main loop stops answering is replaced.

This is for serving directly on a trusted network (and for ``make run``). In production put
a buffering reverse proxy in front (README "Production layout"; ``deploy/nginx.conf``): it
reads each whole request before passing it on, so gunicorn never sees a slow client at all.

Command-line options override this file (``make run`` passes ``--bind`` and ``--workers``).
"""

import os

wsgi_app = "caseapp:create_app()"
bind = os.environ.get("CASEAPP_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("CASEAPP_THREADS", "64"))
worker_connections = 1000
keepalive = 5
timeout = 30
graceful_timeout = 30
# Bounded request heads (gunicorn's defaults, stated): a line, a number of fields, a field.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Access log without the query string: %(U)s (path) instead of %(r)s (request line), so no
# filter value (a name, say) reaches the log.
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'

# The garbage collector, tuned once the app is loaded in a worker (issue 16): a request
# makes and drops thousands of short-lived objects (rows, ORM objects, template frames),
# and with Python's defaults every 700 of them start a collection, whose older generations
# walk the hundreds of thousands of objects the loaded app keeps for its whole life (routes,
# mappers, compiled statements and templates, catalogues). Frozen, those are never walked
# again; collecting the youngest generation every 7,000 allocations instead of 700 leaves
# reference counting to free almost everything, as it does. Measured in-process at 100,000
# cases: the approval queue 24.6 -> 18.2 ms of CPU, the case list 8.0 -> 6.7 ms.


def post_worker_init(worker):
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 10, 10)
