"""gunicorn settings shared by every deployment: the Procfile, the Dockerfile and the systemd unit.

Workers come from ``WEB_CONCURRENCY`` (Heroku sets it per dyno size; else 2 with Redis, 1 without), each with threads,
since a page mostly waits on Jira. The request timeout stays under Heroku's 30-second router
limit, and Jira's timeouts and retries fit inside it (tests/production/test_gunicorn_config.py).
Forwarded headers are believed only from ``FORWARDED_ALLOW_IPS``. gunicorn writes no access log:
the app logs each request once, as a JSON line with its route, status, time and Jira calls
(``jira_client/observability/request_log.py``), and a second line per request cost a tenth of a
small page's time. ``--access-logfile -`` turns it back on, in a format without query strings:
an OAuth ``code`` or ``state`` must never land in a log.
``GUNICORN_CMD_ARGS`` (for example ``--bind 127.0.0.1:8000`` behind nginx) overrides this file.
With ``JIRA_SANDBOX=1`` (demos only) the master starts the built-in sandbox once, before it forks,
so every worker talks to the same sandbox and its data.
"""

import gc
import glob
import os

from dotenv import load_dotenv

load_dotenv()  # the same .env the app reads, so gunicorn's own settings agree with the app's

HEROKU_ROUTER_TIMEOUT = 30  # seconds before Heroku's router answers H12 for a slow request

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
# Several workers need Redis (the app refuses WEB_CONCURRENCY > 1 without it); one has threads.
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 if os.environ.get("REDIS_URL") else 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 25
graceful_timeout = 20
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The worker's heartbeat touches a file on every loop turn (several per request): on a disk-backed
# /tmp that is a journaled metadata write, in /dev/shm it is memory (gunicorn's own advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = None  # the app logs every request (see above)
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def on_starting(server) -> None:
    """Empty the multiprocess metrics folder, and start the sandbox once when asked for."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for stale in glob.glob(os.path.join(directory, "*.db")):
            os.remove(stale)  # files left by an earlier run would be summed in
    if os.environ.get("JIRA_SANDBOX") == "1":
        from sandbox.launch import start_for_app

        port = server.cfg.bind[0].rsplit(":", 1)[-1]
        _, env = start_for_app(dict(os.environ), port=int(os.environ.get("SANDBOX_PORT") or 0), app_port=port)
        os.environ.update(env)  # the workers forked after this read the sandbox's URLs as settings
        server.log.info("Built-in sandbox (JIRA_SANDBOX=1) serving at %s", env["SANDBOX_URL"])


def post_worker_init(worker) -> None:
    """Keep what loading the app made (modules, templates, routes) out of the garbage collector's rounds.

    Those objects live as long as the worker, yet every full collection walked them all again:
    about 0.1 ms of each issue page view, and more as a worker's heap grows (gc.freeze).
    """
    gc.collect()
    gc.freeze()


def child_exit(server, worker) -> None:
    """Drop a finished worker's metric files, as prometheus_client's multiprocess mode requires."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
