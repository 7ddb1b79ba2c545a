"""Background jobs (huey): work too long for a web request, such as exporting the whole
audit trail, runs in a worker process (``flask jobs worker``, started by ``make run``).

The queue is SQLite in the instance folder by default (no extra server); with several app
servers sharing the load, set ``CASEAPP_TASK_QUEUE_URL=redis://host:6379/0`` (RedisHuey, needs
the ``redis`` package). The job's state lives in the application's database (``ExportJob``),
so any app server can show its progress and offer the file.
"""
