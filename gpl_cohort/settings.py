"""Settings for Cohort, read from the environment (django-environ).

Two shapes share this one module:
- the embedded default (no environment at all): SQLite under var/, Celery tasks run eagerly,
  email written to var/mail/ as .eml files, so `make run` works on a fresh machine;
- production-shaped (DATABASE_URL, REDIS_URL, DJANGO_ENV=production): PostgreSQL, a real Celery
  worker on Redis, SMTP, and the security hardening that `manage.py check --deploy` asks for.

A bad value fails here, at start, with ImproperlyConfigured, never later.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from gpl_cohort.storage import storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("COHORT_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, test or production, not {DJANGO_ENV!r}"
    )
PRODUCTION = DJANGO_ENV == "production"

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters in production"
    )

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
# Even with DEBUG, visitors get the project's 404 / 500 pages (gpl_cohort.middleware); a
# developer who wants Django's technical pages back sets this.
DEBUG_TECHNICAL_ERRORS = env.bool("DJANGO_DEBUG_TECHNICAL_ERRORS", default=False)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the host(s) served in production")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env.str("COHORT_SITE_NAME", default="Cohort")
PROGRAM_NAME = env.str(
    "COHORT_PROGRAM_NAME", default="Alternative 911 Emergency Response Implementation Cohort"
)
SITE_URL = env.str("COHORT_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 CSS/JS served from the app, no CDN
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "axes",
    "auditlog",
    # ours
    "gpl_cohort.accounts",
    "gpl_cohort.outbox",
    "gpl_cohort.ops",
    "cohorts",
    "jurisdictions",
    "applications",
    "coaching",
    "community",
    "calldata",
]

MIDDLEWARE = [
    "gpl_cohort.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside CommonMiddleware, so that a URL missing its slash is still redirected.
    "gpl_cohort.middleware.ErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
    "gpl_cohort.accounts.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "gpl_cohort.urls"
WSGI_APPLICATION = "gpl_cohort.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gpl_cohort.context_processors.site",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the embedded default for `make run`; a busy timeout keeps the eager Celery
    # tasks and the dev server from tripping over each other's write lock.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses log-in attempts once an email/IP pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "gpl_cohort.accounts.backends.EmailBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Log-in throttling (django-axes): five failures for one email from one address lock it for
# fifteen minutes; a successful log-in resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1 if PRODUCTION else 0)
AXES_VERBOSE = False
# With Redis, sessions are read from the cache and written through to the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if env.str("REDIS_URL", default="")
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- i18n / time ----------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("COHORT_TIME_ZONE", default="America/New_York")
# The program runs in English only and ships no translations. Without Django's translation
# machinery, every gettext, date format and `get_language` call on a page is a plain lookup.
# A profile of the load bench's mix put 7.5 % of request CPU there (docs/performance.md).
USE_I18N = False
USE_TZ = True

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
# Files browsers ask for at the root of the site (favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "public"
try:
    import plotly

    # Plotly's JS ships inside the PyPI package: charts work offline, no CDN.
    STATICFILES_DIRS.append(("vendor/plotly", Path(plotly.__file__).parent / "package_data"))
except ImportError:  # pragma: no cover - plotly is a hard dependency; keep settings importable
    pass
# Uploaded and computed files (uploads, call-data Parquet): the local disk under MEDIA_ROOT by
# default; with STORAGE_URL (s3://bucket/prefix?endpoint_url=…&region=…) an S3-compatible object
# store, so web and worker need not share a disk. Credentials come from the usual AWS_* variables
# (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), read by boto3 and pyarrow. gpl_cohort/storage.py
# is the only module that knows which one is used.
STORAGE_URL = env.str("STORAGE_URL", default="")
STORAGES = {
    "default": (
        storage_from_url(STORAGE_URL)
        if STORAGE_URL
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files are private (applications, MoUs, call data): they live outside any public URL
# and are served only through permission-checked views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
# Local scratch space of the call-data import (each web process or worker its own): the upload
# copied from an object store, the unpacked .zip, the Parquet before it is published. Each
# import's folder is removed when it ends; a dead worker's is removed when its import resumes.
CALLDATA_WORK_DIR = Path(
    env.str("CALLDATA_WORK_DIR", default=str(Path(tempfile.gettempdir()) / "cohort-calldata"))
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest request body a page accepts, refused with 413 before it is read; the call-data
# import takes CAD exports of hundreds of MB.
REQUEST_SIZE_DEFAULT_LIMIT = env.int("REQUEST_SIZE_DEFAULT_LIMIT", default=60 * 1024 * 1024)
REQUEST_SIZE_LIMITS = {
    "/calldata/": env.int("REQUEST_SIZE_CALLDATA_LIMIT", default=1024 * 1024 * 1024),
    "/api/v1/calldata/": env.int("REQUEST_SIZE_CALLDATA_LIMIT", default=1024 * 1024 * 1024),
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- celery ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without Redis there is no worker: tasks run in the calling process, after the commit.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
# Queues by kind of work, so that a long call-data import never holds up a password reset:
# `email` (sending one message or a batch), `imports` (one call-data import, minutes to hours,
# and recomputing scenario results) and `default` (reminders, sweepers, newsletter fan-out).
# A worker started without -Q takes all three (`make worker`, the tests); docker-compose runs
# one worker per queue, and importers scale on their own (`docker compose up --scale importer=3`).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in ("default", "email", "imports")]
CELERY_TASK_ROUTES = {
    "gpl_cohort.outbox.tasks.email_deliver_task": {"queue": "email"},
    "gpl_cohort.outbox.tasks.email_deliver_batch_task": {"queue": "email"},
    "calldata.tasks.import_dataset": {"queue": "imports"},
    "calldata.tasks.compute_scenarios": {"queue": "imports"},
}
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
# Jurisdictions: remind about MoUs waiting in "sent" (message keys make extra runs harmless).
CELERY_BEAT_SCHEDULE["jurisdictions-mou-reminders"] = {
    "task": "jurisdictions.tasks.mou_reminders_task",
    "schedule": 60 * 60 * 6,
}
# Community and outbox: reminders, scheduled newsletters, and the outbox sweeper that re-queues
# deliveries left queued by a worker that died (all safe to run twice).
CELERY_BEAT_SCHEDULE["community-reminders"] = {
    "task": "community.tasks.community_reminders_task",
    "schedule": 60 * 5,
}
CELERY_BEAT_SCHEDULE["community-newsletter-scheduler"] = {
    "task": "community.tasks.newsletter_scheduler_task",
    "schedule": 60,
}
CELERY_BEAT_SCHEDULE["outbox-requeue-stuck"] = {
    "task": "gpl_cohort.outbox.tasks.email_requeue_stuck_task",
    "schedule": 60 * 5,
}
# Call data: an import holds a lease refreshed by a heartbeat; one left running without it (its
# worker died) is queued again by the sweeper (calldata/tasks.py).
CELERY_BEAT_SCHEDULE["calldata-resume-stalled-imports"] = {
    "task": "calldata.tasks.resume_stalled_imports",
    "schedule": 60,
}
CALLDATA_IMPORT_LEASE_SECONDS = env.int("CALLDATA_IMPORT_LEASE_SECONDS", default=60)
# Without a worker (eager Celery: `make run`), imports run in a background thread of the web
# process, one at a time, so the upload returns at once and the page shows progress and can
# cancel. Off, an eager import runs inside the request that confirmed the mapping (tests).
CALLDATA_IMPORT_IN_BACKGROUND = env.bool(
    "CALLDATA_IMPORT_IN_BACKGROUND", default=CELERY_TASK_ALWAYS_EAGER
)
# How much of a CSV an import normalises at once: an import holds about five such frames in
# memory (reading, normalising, finishing, writing), and reports its progress after each.
CALLDATA_IMPORT_FRAME_BYTES = env.int("CALLDATA_IMPORT_FRAME_BYTES", default=32 * 1024 * 1024)
# Shared secret the mail provider sends in X-Cohort-Webhook-Secret to /outbox/events/.
OUTBOX_WEBHOOK_SECRET = env.str("OUTBOX_WEBHOOK_SECRET", default="")

# --- cache ----------------------------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "gpl_cohort.cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cohort"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- email ----------------------------------------------------------------------------------
# The program's address: the sender of every email and the ORGANIZER of every calendar
# invitation, so replies and calendar answers reach staff. Production must name a real one.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL",
    default="" if PRODUCTION else "Cohort program staff <program@cohort.example>",
)
_FROM_DOMAIN = DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">").strip().lower()
if PRODUCTION and (not _FROM_DOMAIN or _FROM_DOMAIN == "localhost" or "." not in _FROM_DOMAIN):
    raise ImproperlyConfigured(
        "DEFAULT_FROM_EMAIL must be the program's real address in production "
        "(e.g. 'Cohort program staff <cohort@program.example.gov>'), not "
        f"{DEFAULT_FROM_EMAIL!r}"
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="gpl_cohort.mail_backends.EmlFileBackend")
EMAIL_FILE_PATH = Path(env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
EMAIL_TIMEOUT = 30

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "600/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cohort API",
    "DESCRIPTION": (
        "API of Cohort, the application that runs the Alternative 911 Emergency Response "
        "Implementation Cohort: applications, jurisdictions, coaching, community of practice "
        "and 911 call-data analysis."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc come from the drf-spectacular-sidecar package: no CDN is touched.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "applications.models.Application.Status",
        "CodeTableKindEnum": "calldata.models.CodeTable.Kind",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

ADMINS = [("Cohort admin", a) for a in env.list("DJANGO_ADMIN_EMAILS", default=[])]

# --- security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp): scripts only from our own origin, never inline; every
# page passes data to its scripts with `json_script` and loads code from static files.
# Inline *styles* stay allowed because the chart library sets style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Lockouts are logged at WARNING; every successful log-in at INFO is noise.
        "axes": {"level": "WARNING"},
    },
}
