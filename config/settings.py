"""Chunfeng settings: every deployment choice comes from the environment.

Nothing set gives the zero-setup demo: SQLite under var/, Celery on kombu's
filesystem transport under var/, file-based cache. DATABASE_URL and REDIS_URL
switch to PostgreSQL and Redis; one REDIS_URL feeds broker, results and cache.
The README's configuration table lists every variable read here.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from config.env import env_bool, env_choice, env_float, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CHUNFENG_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret(name: str) -> tuple[str, bool]:
    """The secret from the environment, else one kept in var/ (demo only).

    Returns the value and whether it came from the environment, so the deploy
    check can insist on real secrets in production.
    """
    value = env_str(name)
    if value:
        return value, True
    path = VAR_DIR / f"{name.lower()}.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip(), False


DEBUG = env_bool("DEBUG", False)
SECRET_KEY, SECRET_KEY_FROM_ENV = _secret("SECRET_KEY")
# Keys for personal data at rest: comma-separated, newest first, so old keys
# still decrypt during a rotation. Any string works: each is stretched to a key.
FIELD_ENCRYPTION_KEYS_RAW, FIELD_ENCRYPTION_KEYS_FROM_ENV = _secret("FIELD_ENCRYPTION_KEYS")
FIELD_ENCRYPTION_KEYS = [k.strip() for k in FIELD_ENCRYPTION_KEYS_RAW.split(",") if k.strip()]
# Keyed hash of phones and ID numbers: lookup and uniqueness without plaintext.
PII_HASH_KEY, PII_HASH_KEY_FROM_ENV = _secret("PII_HASH_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "console.site.ConsoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "axes",
    "auditlog",
    "import_export",
    "outbox",
    "reference",
    "accounts",
    "workers",
    "jobs",
    "training",
    "matching",
    "dispatch",
    "rights",
    "console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
# Widgets render from templates/ too, so the region picker lives beside the other templates.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "accounts.context_processors.assistance",
            ],
        },
    },
]

# Database -----------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Servers keep their data on SSDs, where a random read costs about what a sequential one does; with
        # PostgreSQL's default (4, for spinning disks) the planner walks the wrong index of a big console list.
        RANDOM_PAGE_COST = env_float("DB_RANDOM_PAGE_COST", 1.1, minimum=0.1)
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={RANDOM_PAGE_COST}"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "chunfeng.sqlite3"),
            # WAL and IMMEDIATE let the web, worker and beat processes share
            # the file without "database is locked" on concurrent writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, Celery and cache ----------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
CELERY_TASK_ACKS_LATE = True
# Results are opt-in per task: waiting on a result backend must never delay a publish.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=1)
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# The console dashboard's figures are counted ahead for the staff who use it, this often.
DASHBOARD_REFRESH_MINUTES = env_int("DASHBOARD_REFRESH_MINUTES", 30, minimum=1)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "outbox.tasks.sweep",
        "schedule": env_int("OUTBOX_SWEEP_SECONDS", 30, minimum=1),
    },
    "otp-purge": {
        "task": "accounts.tasks.purge_expired_codes",
        "schedule": 3600,
    },
    "postings-expire": {"task": "jobs.tasks.expire_postings", "schedule": 3600},
    "matching-full-run": {
        "task": "matching.tasks.full_run",
        "schedule": env_int("MATCHING_FULL_RUN_SECONDS", 6 * 3600, minimum=60),
    },
    "offers-expire": {"task": "matching.tasks.expire_offers", "schedule": 300},
    "offers-remind": {"task": "matching.tasks.remind_offers", "schedule": 900},
    "travellers-remind": {"task": "dispatch.tasks.remind_travellers", "schedule": 3600},
    "checkins-prompt": {"task": "rights.tasks.prompt_checkins", "schedule": 6 * 3600},
    "standings-refresh": {"task": "rights.tasks.refresh_standings", "schedule": 24 * 3600},
    "dashboards-refresh": {"task": "console.tasks.refresh_dashboards", "schedule": DASHBOARD_REFRESH_MINUTES * 60},
}
# Queues split by kind so a long matching run never delays a text message; a
# worker started without -Q consumes all of them.
CELERY_TASK_QUEUES = [Queue("default"), Queue("matching"), Queue("notifications"), Queue("dispatch")]
CELERY_TASK_ROUTES = {
    "matching.tasks.notify_*": {"queue": "notifications"},
    "matching.tasks.*": {"queue": "matching"},
    "dispatch.tasks.*": {"queue": "dispatch"},
}
# Publishing must never hang a web request when the broker is down: a short
# connection timeout and no retries, since the outbox sweeper retries later.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"max_retries": 0, "interval_start": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        # A task taken by a worker that died unacknowledged goes back to the queue after this long.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1),
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "chunfeng",
        }
    }
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery-results").mkdir(exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Accounts, passwords, lockout --------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)

# One-time codes by SMS.
SMS_BACKEND = env_choice(
    "SMS_BACKEND",
    "accounts.sms.OutboxBackend",
    ["accounts.sms.OutboxBackend", "accounts.sms.ConsoleBackend", "accounts.sms.FileBackend"],
)
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms")))
# Matching: list length per worker, extension passes, how long a worker has to answer an offer.
MATCHING_K = env_int("MATCHING_K", 20, minimum=1)
MATCHING_MAX_EXTENSIONS = env_int("MATCHING_MAX_EXTENSIONS", 10, minimum=0)
MATCHING_PROCESSES = env_int("MATCHING_PROCESSES", 1, minimum=1)
OFFER_ANSWER_HOURS = env_int("OFFER_ANSWER_HOURS", 72, minimum=1)
OFFER_REMIND_HOURS = env_int("OFFER_REMIND_HOURS", 12, minimum=1)

# Dispatch: travel the days before the start date; a route may run this much longer than the direct road.
# With DISPATCH_POOL_DAYS = n > 1 vehicles leave every n days, and the starts of n days share them.
DISPATCH_LEAD_DAYS = env_int("DISPATCH_LEAD_DAYS", 2, minimum=0)
DISPATCH_POOL_DAYS = env_int("DISPATCH_POOL_DAYS", 1, minimum=1)
DISPATCH_DETOUR_PERCENT = env_int("DISPATCH_DETOUR_PERCENT", 150, minimum=100)
DISPATCH_MAX_STOPS = env_int("DISPATCH_MAX_STOPS", 6, minimum=1)

OTP_TTL = timedelta(minutes=env_int("OTP_TTL_MINUTES", 5, minimum=1))
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 5, minimum=1)
OTP_RESEND_SECONDS = env_int("OTP_RESEND_SECONDS", 60, minimum=0)
OTP_PER_PHONE_PER_HOUR = env_int("OTP_PER_PHONE_PER_HOUR", 5, minimum=1)
OTP_PER_IP_PER_HOUR = env_int("OTP_PER_IP_PER_HOUR", 20, minimum=1)

# Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Case evidence (images, PDFs) is kept here, outside the web root, and streamed only after a permission check.
EVIDENCE_ROOT = Path(env_str("EVIDENCE_ROOT", str(VAR_DIR / "evidence")))
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 5, minimum=1) * 1024 * 1024

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security -----------------------------------------------------------------
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=60)
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Console history and bulk files -------------------------------------------
# Changes to the records staff decide on are kept with who, when and which fields
# changed; console.history says which models and which personal fields never enter it.
AUDITLOG_DISABLE_REMOTE_ADDR = True
# Rows loaded from fixtures (loaddata) are not changes anyone made.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# A bulk import is one transaction: one bad row and nothing of the file is kept.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Logging ------------------------------------------------------------------
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
