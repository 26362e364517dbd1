"""Untold's one settings module, driven by environment variables (see README's table).

With neither DATABASE_URL nor REDIS_URL set, Untold runs on SQLite at ./db.sqlite3, an
in-process cache, and Celery tasks executed in-process. Each variable switches its part.
SECRET_KEY and RECEIPT_KEYS are required, except in `make run`'s embedded mode
(UNTOLD_EMBEDDED=1), the only one that generates its own (config/secrets.py).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.secrets import local_secret, required_secret

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# `make run`'s mode: one process on SQLite, tasks and periodic jobs in-process, secrets
# generated into var/secrets.json. Never together with the real stack's services.
EMBEDDED = env.bool("UNTOLD_EMBEDDED", default=False)
if EMBEDDED and (env("DATABASE_URL", default="") or env("REDIS_URL", default="")):
    raise ImproperlyConfigured(
        "UNTOLD_EMBEDDED=1 is `make run`'s single process on SQLite; it cannot be combined "
        "with DATABASE_URL or REDIS_URL. Unset UNTOLD_EMBEDDED and set SECRET_KEY and "
        "RECEIPT_KEYS for the real stack."
    )
SECRET_KEY = required_secret(
    "SECRET_KEY", embedded=EMBEDDED, generate=lambda: local_secret("SECRET_KEY")
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "knox",
    "figures",
    "testimony",
    "moderation",
    "frontend",
]

MIDDLEWARE = [
    # First: computes the rate-limit key, then strips every identifying header from
    # survivor-facing requests before any other code or logger can see them.
    "testimony.anonymize.StripIdentifyingDataMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "testimony.anonymize.PrivacyHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "moderation.middleware.StaffPagesMiddleware",
    # Inside the language's middlewares: an empty 405 becomes a page in her language.
    "frontend.errors.ExplainRefusedMethodMiddleware",
    # Last: axes only ever acts on staff paths (moderation.middleware.StaffOnlyAxesMiddleware).
    "moderation.middleware.StaffOnlyAxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontend.context.languages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Give up on an unreachable server in seconds: /readyz must answer fast.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # secure_delete overwrites erased text instead of leaving it in free pages
                # (DESIGN.md invariant 6); WAL lets the web and the in-process jobs share it.
                "init_command": (
                    "PRAGMA secure_delete=ON; PRAGMA journal_mode=WAL; "
                    "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {
                "NAME": env("SQLITE_TEST_PATH", default=str(BASE_DIR / "var" / "test.sqlite3"))
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="untold"),
            # A stalled Redis fails a request in seconds instead of holding its thread.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport with its publishing client kept per channel (config/broker.py).
CELERY_BROKER_TRANSPORT = "config.broker:Transport" if REDIS_URL.startswith("redis://") else None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# In-process mode: a failing task must never fail the survivor's request; the sweep retries it.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message that is not acknowledged within this time is delivered again: it must stay
# above the longest task's hard time limit.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
SCREENING_SWEEP_SECONDS = env.float("SCREENING_SWEEP_SECONDS", default=60.0)
SCREENING_LEASE_SECONDS = env.int("SCREENING_LEASE_SECONDS", default=600)

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Only the workspace and the admin set a CSRF cookie (survivor pages set none): no form of ours
# is ever sent from another site, so the token travels same-site only, as the session does.
CSRF_COOKIE_SAMESITE = "Strict"
# A refused CSRF check (an expired form, mostly) says so in her language (frontend/errors.py).
CSRF_FAILURE_VIEW = "frontend.errors.csrf_failure"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=1800)
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: an idle timeout

# --- Language -------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", default="Asia/Almaty")
LANGUAGE_COOKIE_NAME = "untold_lang_unused"  # the language lives in the URL, never a cookie

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["testimony.jsonbody.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "testimony.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Untold API",
    "DESCRIPTION": "Anonymous testimony intake, receipts, moderation and the wall feed.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "testimony.wall.schema.add_wall_paths",
        "testimony.schema.describe_errors",
    ],
}
# A 10 MB body is refused before anything parses it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("MAX_REQUEST_BYTES", default=256 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 50

# --- Untold ---------------------------------------------------------------------------------
STORY_MIN_CHARS = env.int("STORY_MIN_CHARS", default=20)
STORY_MAX_CHARS = env.int("STORY_MAX_CHARS", default=10_000)
# "id:secret,id:secret": the first signs new receipts, every one still verifies old ones.
RECEIPT_KEYS = required_secret(
    "RECEIPT_KEYS", embedded=EMBEDDED, generate=lambda: f"k1:{local_secret('RECEIPT_KEY')}"
)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# --- HTTPS ----------------------------------------------------------------------------------
# Off by default (`make run` serves plain HTTP on 127.0.0.1); the compose stack behind nginx
# turns all of them on, and `manage.py check --deploy` warns while any is off.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# Probes and the metrics scrape come over the internal network, in plain HTTP, straight to
# gunicorn: never redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# The proxy says whether the client's connection was HTTPS. Believed only behind a trusted
# proxy, which overwrites the header; anyone could send it straight to gunicorn otherwise.
# The first middleware keeps this one forwarded header (normalised) on survivor paths.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT > 0 else None
FORM_TOKEN_MAX_AGE_SECONDS = env.int("FORM_TOKEN_MAX_AGE_SECONDS", default=4 * 3600)
IDEMPOTENCY_SECONDS = env.int("IDEMPOTENCY_SECONDS", default=3600)
RECEIPT_LOOKUP_RATE_LIMIT = env("RECEIPT_LOOKUP_RATE_LIMIT", default="20/h")
# Paths whose requests may carry staff identity; every other path is survivor-facing.
STAFF_PATH_PREFIXES = ("/moderate/", "/admin/", "/api/v1/moderation/")
DEMO_INSTALLATION_SLUG = "demo"

# --- Logging: no line carries an address, a user agent or an exact time of a request --------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.logfilters.RedactAddresses"}},
    "formatters": {"plain": {"format": "{levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # runserver's access log: requests are not logged at all, errors without addresses.
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Every staff login would be a line; failures are in the audit log already.
        "axes": {"level": "WARNING"},
    },
}

WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)

# --- Survivor side: abuse controls that keep no trace, quick exit -----------------------------
# Proof of work (ALTCHA) on the tell form and the intake API. Off only for local development
# and benchmarks; without JavaScript the form's time lock stands in for it.
POW_ENABLED = env.bool("POW_ENABLED", default=True)
# Work per story: the browser tries on average half this many SHA-256 hashes.
POW_MAX_NUMBER = env.int("POW_MAX_NUMBER", default=10_000)
# While more stories than this arrive (or a rate key is over its limit), work is multiplied.
POW_FLOOD_RATE = env("POW_FLOOD_RATE", default="60/h")
POW_FLOOD_FACTOR = env.int("POW_FLOOD_FACTOR", default=10)
POW_CHALLENGE_SECONDS = env.int("POW_CHALLENGE_SECONDS", default=600)
# Without a proof of work, a form sent sooner than this after it was served is asked to wait.
FORM_TIME_LOCK_SECONDS = env.int("FORM_TIME_LOCK_SECONDS", default=20)
INTAKE_RATE_LIMIT = env("INTAKE_RATE_LIMIT", default="10/h")
INTAKE_GLOBAL_RATE_LIMIT = env("INTAKE_GLOBAL_RATE_LIMIT", default="600/h")
# Where the quick-exit button and Esc twice take her: an ordinary, neutral site.
QUICK_EXIT_URL = env("QUICK_EXIT_URL", default="https://www.google.com/")
# --- Screening ------------------------------------------------------------------------------
# A task over its soft limit stops screening and routes the story flagged "screening
# incomplete"; the hard limit kills it (the message is delivered again: the visibility
# timeout above must stay longer than SCREENING_TIME_LIMIT).
SCREENING_SOFT_TIME_LIMIT = env.int("SCREENING_SOFT_TIME_LIMIT", default=60)
SCREENING_TIME_LIMIT = env.int("SCREENING_TIME_LIMIT", default=90)
SCREENING_MAX_RETRIES = env.int("SCREENING_MAX_RETRIES", default=8)
# A story whose screening crashed its worker this many times is routed unscreened, flagged.
SCREENING_MAX_ATTEMPTS = env.int("SCREENING_MAX_ATTEMPTS", default=3)
SCREENING_ATTEMPTS_TTL_SECONDS = env.int("SCREENING_ATTEMPTS_TTL_SECONDS", default=86400)
# How often each worker asks whether an admin changed the screening words.
SCREENING_WORDS_CHECK_SECONDS = env.float("SCREENING_WORDS_CHECK_SECONDS", default=30.0)
SCREENING_DUPLICATE_DAYS = env.int("SCREENING_DUPLICATE_DAYS", default=7)
SCREENING_DUPLICATE_SIMILARITY = env.float("SCREENING_DUPLICATE_SIMILARITY", default=0.6)
SCREENING_CAMPAIGN_SIZE = env.int("SCREENING_CAMPAIGN_SIZE", default=3)
# --- Moderator workspace --------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/moderate/login/"
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Untold")
# No per-device throttle: it would let anyone who has a password lock the moderator out by
# failing codes. A wrong code counts toward the lockout per address and account instead.
OTP_TOTP_THROTTLE_FACTOR = 0
# Failed staff logins: counted in the cache (no table of attempts), per address and account.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_CLIENT_IP_CALLABLE = "moderation.login.staff_client_address"
AXES_LOCKOUT_CALLABLE = "moderation.login.locked_out"
AXES_RESET_ON_SUCCESS = True
SILENCED_SYSTEM_CHECKS = ["axes.W002"]  # a subclass of AxesMiddleware is installed
if not REDIS_URL:
    # Embedded mode is one process, so its in-process cache does count every failed login.
    SILENCED_SYSTEM_CHECKS += ["axes.W001"]
AXES_VERBOSE = False
# API tokens: stored hashed, expiring, revocable; issued after a TOTP login or by the command.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.float("API_TOKEN_HOURS", default=12.0)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": 10,
}
CLAIM_SECONDS = env.int("CLAIM_SECONDS", default=600)
SECOND_REVIEW_REQUIRED = env.bool("SECOND_REVIEW_REQUIRED", default=True)
BREAK_AFTER_STORIES = env.int("BREAK_AFTER_STORIES", default=20)
BREAK_AFTER_MINUTES = env.int("BREAK_AFTER_MINUTES", default=50)
QUEUE_PAGE_SIZE = env.int("QUEUE_PAGE_SIZE", default=50)
# `GET /metrics` asks for `Authorization: Bearer <METRICS_TOKEN>`; unset, the endpoint is off.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# --- Wall: publication, feed, screens, kiosk ---------------------------------------------------
# The publication window (DESIGN.md invariant 3): an approved story gets publish_at = approval
# plus a random delay in [min, max] (testimony.publication.publish_time) and is published in a
# batch once that time has passed. Moderation's approval reads these two as well.
WALL_DELAY_MIN_SECONDS = env.int("WALL_DELAY_MIN_SECONDS", default=1800)
WALL_DELAY_MAX_SECONDS = env.int("WALL_DELAY_MAX_SECONDS", default=10800)
WALL_MIN_BATCH = env.int("WALL_MIN_BATCH", default=3)
WALL_PUBLISH_SECONDS = env.float("WALL_PUBLISH_SECONDS", default=60.0)
# A story told at a kiosk stays off that installation's own screens at least this long.
# Never below 24: the person seen at the kiosk must not be linkable to the story beside it.
WALL_KIOSK_HOLD_HOURS = max(24, env.int("WALL_KIOSK_HOLD_HOURS", default=24))
WALL_FEED_PAGE_SIZE = env.int("WALL_FEED_PAGE_SIZE", default=50)
WALL_FEED_MAX_AGE = env.int("WALL_FEED_MAX_AGE", default=30)
WALL_FEED_LOCAL_SECONDS = env.float("WALL_FEED_LOCAL_SECONDS", default=1.0)
WALL_POLL_SECONDS = env.int("WALL_POLL_SECONDS", default=60)
WALL_RELOAD_HOUR = env.int("WALL_RELOAD_HOUR", default=4)
WALL_REPORT_RATE_LIMIT = env("WALL_REPORT_RATE_LIMIT", default="10/h")
WALL_MAX_SCREENS = env.int("WALL_MAX_SCREENS", default=50)
# Heartbeats per rate key: a screen beats once a minute, so 300/h is five screens behind one
# address. Only ids the wall page issued are accepted; this bounds what one address can try.
WALL_HEARTBEAT_RATE_LIMIT = env("WALL_HEARTBEAT_RATE_LIMIT", default="300/h")
KIOSK_IDLE_SECONDS = env.int("KIOSK_IDLE_SECONDS", default=90)
KIOSK_COUNTDOWN_SECONDS = env.int("KIOSK_COUNTDOWN_SECONDS", default=20)
KIOSK_RATE_LIMIT = env("KIOSK_RATE_LIMIT", default="30/h")
KIOSK_SETUP_CODE_SECONDS = env.int("KIOSK_SETUP_CODE_SECONDS", default=3600)
KIOSK_SETUP_RATE_LIMIT = env("KIOSK_SETUP_RATE_LIMIT", default="10/h")
# The address phones reach the tell page at, for the QR code (default: this request's host).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="")
# The onion service's address (deploy/tor/torrc writes it to the hidden service's `hostname`
# file), e.g. "abcd...wxyz.onion". Shown on the anonymity page; the site answers on it, and the
# workspace's forms are accepted from it (Tor Browser sends Origin: http://<address>).
ONION_ADDRESS = env("ONION_ADDRESS", default="").strip().lower().removeprefix("http://").rstrip("/")
if ONION_ADDRESS:
    if not ONION_ADDRESS.endswith(".onion"):
        raise ImproperlyConfigured(
            f"ONION_ADDRESS must be an onion service's host name ending in .onion, "
            f"not {ONION_ADDRESS!r}."
        )
    ALLOWED_HOSTS += [ONION_ADDRESS]
    CSRF_TRUSTED_ORIGINS += [f"http://{ONION_ADDRESS}"]

# --- Retention (DESIGN.md invariant 6) ------------------------------------------------------
# Rejected stories and decided private stories are erased this many days after they arrived.
RETENTION_DAYS = env.int("RETENTION_DAYS", default=30)
RETENTION_SWEEP_SECONDS = env.float("RETENTION_SWEEP_SECONDS", default=3600.0)
# On PostgreSQL, the story tables are rewritten in random key order this often: the files then
# keep neither the order of arrival nor erased text (testimony.erasure). Each table is locked
# while it is rewritten (seconds for a large wall).
STORAGE_REWRITE_SECONDS = env.float("STORAGE_REWRITE_SECONDS", default=21600.0)

# --- Help resources -------------------------------------------------------------------------
# Only verified helplines and centres are shown to survivors; a check is good for this many days,
# after which the entry drops back to unverified and the leads' walls page lists it.
HELP_VERIFY_DAYS = env.int("HELP_VERIFY_DAYS", default=180)
HELP_VERIFY_SWEEP_SECONDS = env.float("HELP_VERIFY_SWEEP_SECONDS", default=3600.0)
# --- Statistics (figures/): optional answers turned into figures nobody can trace -------------
# A cell with fewer than STATS_K answers is not published; every figure is rounded down to a
# multiple of STATS_ROUNDING. Counted answers move to the table releases are made from only
# STATS_BATCH at a time (a move never stands for one decision).
STATS_K = env.int("STATS_K", default=10)
STATS_ROUNDING = env.int("STATS_ROUNDING", default=5)
STATS_BATCH = env.int("STATS_BATCH", default=10)
STATS_RELEASE_SECONDS = env.float("STATS_RELEASE_SECONDS", default=86400.0)
# --- Seizure-resistant storage (DESIGN.md invariant 10, testimony.keys) -----------------------
# The key-encryption keys live here, outside the database: a directory on its own volume in
# the real stack, never in the database's backups. `make run` keeps it under var/keys.
STORY_KEYSTORE = env("STORY_KEYSTORE", default=str(BASE_DIR / "var" / "keys"))
STORY_KEYSTORE_BACKEND = env("STORY_KEYSTORE_BACKEND", default="testimony.keystore.FileKeystore")
# A new epoch (and the destruction of the previous one) this often.
STORY_KEY_EPOCH_SECONDS = env.float("STORY_KEY_EPOCH_SECONDS", default=86400.0)

# --- Celery: every task's queue and every periodic job, in one place --------------------------
# Beat runs these (and `make run` runs them in-process, config/embedded.py); each task is
# idempotent, so a run that fails is simply the next run's work.
CELERY_TASK_ROUTES = {
    "moderation.screen_story": {"queue": "screening"},
    "testimony.publish_due": {"queue": "default"},
    "figures.release": {"queue": "default"},
    "testimony.rotate_keys": {"queue": "default"},
}
CELERY_BEAT_SCHEDULE = {
    "screening-sweep": {"task": "moderation.sweep_received", "schedule": SCREENING_SWEEP_SECONDS},
    "wall-publish": {"task": "testimony.publish_due", "schedule": WALL_PUBLISH_SECONDS},
    "retention": {"task": "testimony.erase_expired", "schedule": RETENTION_SWEEP_SECONDS},
    "help-verification": {
        "task": "testimony.expire_help_checks",
        "schedule": HELP_VERIFY_SWEEP_SECONDS,
    },
    "statistics-release": {"task": "figures.release", "schedule": STATS_RELEASE_SECONDS},
    # Checks often, rotates when the newest epoch is STORY_KEY_EPOCH_SECONDS old.
    "key-rotation": {
        "task": "testimony.rotate_keys",
        "schedule": min(STORY_KEY_EPOCH_SECONDS, 3600.0),
    },
    "storage-rewrite": {
        "task": "testimony.rewrite_story_tables",
        "schedule": STORAGE_REWRITE_SECONDS,
    },
}
