"""gunicorn settings for Cohort (read from the working directory; the environment may override).

Threaded workers keep HTTP connections alive between requests: a sync worker closes every
connection, so each request paid for a new TCP connection in the worker and in the proxy in
front. Two threads per worker overlap one request's database wait with another's Python work;
more would only queue on the GIL. The app is loaded before the workers fork, so they start in
a fraction of the time and share its memory.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 2))
keepalive = 5
preload_app = True
max_requests = 5000  # recycle a worker now and then, so a slow leak never grows for weeks
max_requests_jitter = 500


def pre_fork(server, worker):
    """Before each worker is forked from the preloaded app: import the URL configuration (and
    with it every view module) once here rather than in each worker's first request, then move
    everything loaded so far out of the garbage collector's sight. `gc.freeze()` keeps the
    collector from walking all of Django on each full collection and from writing to those
    objects' pages, so the workers keep sharing them with the master."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (the import is what is wanted)
    gc.freeze()
