"""gunicorn settings: no log line carries a client address, a user agent, a referer or a time.

The access log keeps method, path (without the query string), status, size and duration,
which is what operating the site needs; the error log runs every line through the same
redaction filter as Django's logs (gunicorn itself writes "Invalid request from ip=...").
"""

import os

bind = f"{os.environ.get('BIND_HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 20
forwarded_allow_ips = "*"  # only the rate-limit key reads the chain (TRUSTED_PROXY_COUNT)
# gunicorn would set the request's scheme from X-Forwarded-Proto sent by anyone (every address
# is allowed above). Django decides it instead, believing the header only behind a trusted
# proxy (SECURE_PROXY_SSL_HEADER, set when TRUSTED_PROXY_COUNT > 0).
secure_scheme_headers = {}
accesslog = "-"
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
# gunicorn 27's control socket sits at one path per user ($HOME/.gunicorn/gunicorn.ctl), which
# every gunicorn of the account would fight over; nothing here uses gunicornc.
control_socket_disable = True
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.logfilters.RedactAddresses"}},
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
            "stream": "ext://sys.stdout",
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}


def on_starting(server):
    """Read the settings in the master before any worker forks: a missing secret stops the
    server once, with the variable's name, instead of every worker failing to boot."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    settings.SECRET_KEY  # noqa: B018 (loading the settings raises ImproperlyConfigured)
    # The keystore too: a web server without the keys of the encrypted stories never starts.
    import django

    django.setup()
    from django.db import connections

    from testimony.keys import keystore_ready

    keystore_ready(create_directory=settings.EMBEDDED)
    connections.close_all()
