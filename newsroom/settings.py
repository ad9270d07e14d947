"""Settings for Newsroom: one module, driven by environment variables.

Every variable has a safe default for the embedded run (SQLite, local memory cache, files on
local disk), so `make run` needs nothing but Python. `.env.example` lists them all.
"""

import os
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from newsroom.secret_key import install_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# PRODUCTION=1 marks a real deployment: it demands a real secret key and turns on the HTTPS
# switches below by default. The embedded run (make run, tests) leaves it off.
PRODUCTION = env_bool("PRODUCTION", False)

# Keys that were ever written in this project's public source: never accepted.
PUBLIC_SECRET_KEYS = {"django-insecure-embedded-newsroom-key-change-me"}
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if SECRET_KEY in PUBLIC_SECRET_KEYS:
    raise ImproperlyConfigured(
        "SECRET_KEY is a key published in Newsroom's source code: anyone could forge sessions "
        "and preview links with it. Remove it from the environment (this install then makes its "
        "own) or set a new one: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "PRODUCTION=1 needs its own SECRET_KEY (50+ random characters) in the environment, the "
        "same on every app server. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
    )
if not SECRET_KEY:
    # The embedded run (make run, make serve, tests): this install's own key, made on its first
    # start and kept outside git, readable by its owner only (newsroom/secret_key.py).
    SECRET_KEY = install_secret_key(
        Path(os.environ.get("NEWSROOM_SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))
    )
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# HTTPS switches: on by default in production, off for the embedded run over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# Behind a TLS-terminating proxy or CDN that sets X-Forwarded-Proto.
if env_bool("SECURE_PROXY_SSL_HEADER", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Django's tasks interface (the backport for Django 5.2) and its queue in the database.
    "django_tasks",
    "articles.apps.TaskQueueConfig",  # django_tasks_db
    "ckeditor",
    "reversion",
    # backup_paper / restore_paper (articles/backups.py) drive its dbbackup, dbrestore,
    # mediabackup and mediarestore commands.
    "dbbackup",
    "staff.apps.SignInLocksConfig",  # django-axes, its name in Arabic
    # Two-factor sign-in for staff (staff/two_factor.py): TOTP devices, one-time recovery codes
    # (static tokens) and django-two-factor-auth's sign-in and enrolment wizards.
    "django_otp",
    "staff.apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "staff.apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
    "two_factor",
    "csp",
    "articles",
    # Staff security: the append-only audit trail (staff/models.py).
    "staff",
    # Changes to the rows the desk's security rests on, written into the trail (staff/trail.py).
    # After staff: staff's `auditlogflush` (a refusal) stands in for the library's.
    "auditlog",
    # Last, as its documentation asks: deletes an image's old file (and, through
    # articles/images.py, its renditions) once a replacement or deletion is committed.
    "articles.apps.FileCleanupConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the page cache, so answers from it carry X-Frame-Options too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "newsroom.content_security.SitePolicyCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under WhiteNoise (static files come compressed ahead of time) and over the page cache, so
    # cached pages go out gzipped too; never a response with a session or CSRF token in it
    # (newsroom/compression.py, README "Security").
    "newsroom.compression.ReaderGZipMiddleware",
    # Readers' repeat visits come straight from the shared page cache (articles/caching.py).
    "articles.pagecache.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    # The audit trail's current request (who and from where), and staff members' 403s recorded.
    "staff.middleware.AuditRequestMiddleware",
    # Staff only (a request without a session cookie passes untouched, at no cost): sessions
    # that end when idle or too old, then the second factor their role requires.
    "staff.middleware.StaffSessionMiddleware",
    "staff.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a lockout into the Arabic lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "newsroom.urls"

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
                "articles.web.context_processors.masthead",
            ],
            # Template tags live beside what uses them: the public site's in web/, the desk's in
            # admin/ (an app's templatetags/ package is the only place Django looks by itself).
            "libraries": {
                "newsroom": "articles.web.templatetags.newsroom",
                "newsroom_admin": "articles.admin.templatetags.newsroom_admin",
            },
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share the file, and pages are read while an editor saves or read
    # counts are written. WAL lets readers go on while one process writes; IMMEDIATE
    # transactions wait for the write lock (up to `timeout` seconds) where a transaction that
    # read first and then wrote failed at once with "database is locked" (a reader's 500 in the
    # benchmark).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A page's queries are short index reads. Parallel workers cost more to start than they
    # save and compete with the app servers for the cores (search at 100,000 stories is
    # slower with them, bench/RESULTS.md). DB_PARALLEL_WORKERS overrides.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={int(os.environ.get('DB_PARALLEL_WORKERS', '0'))}"
    )
    # A statement a connection has run DB_PREPARE_THRESHOLD times is prepared, and PostgreSQL
    # keeps one plan for it once five runs show that plan is no worse than fresh ones: the home
    # page's union of 22 short reads costs more to plan than to run (bench/RESULTS.md).
    # Preparing needs server-side binding. "off" goes back to Django's default (client-side
    # binding, nothing prepared), as PgBouncer in transaction mode before 1.21 requires.
    prepare_threshold = (os.environ.get("DB_PREPARE_THRESHOLD") or "5").strip().lower()
    if prepare_threshold != "off":
        DATABASES["default"]["OPTIONS"].update(
            server_side_binding=True, prepare_threshold=int(prepare_threshold)
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# An Arabic-only paper: the interface, dates and admin speak Arabic.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", "العربية")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Africa/Cairo")
USE_I18N = True
USE_TZ = True
# The project's own Arabic for the admin's messages, ahead of Django's catalogue (locale/ar:
# `make messages` compiles it; the .mo is committed).
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# The embedded run serves uploaded files itself; a production deployment hands them to storage.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Production serves hashed, compressed files (collectstatic); the embedded run and the
        # tests read them straight from the apps.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATICFILES_MANIFEST", PRODUCTION)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# S3-compatible object storage for uploads (AWS S3, MinIO, Cloudflare R2...) when a bucket is set.
if AWS_STORAGE_BUCKET_NAME := os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_QUERYSTRING_AUTH = False
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    SERVE_MEDIA = False
# Backups (`manage.py backup_paper`, `restore_paper`; articles/backups.py, django-dbbackup): each
# run writes one set, the database and every uploaded file, into BACKUP_DIR (ignored by git) and
# keeps the newest BACKUP_KEEP sets (0: all). Copy the folder to another machine (README).
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR") or BASE_DIR / "backups")
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP") or "14")
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": BACKUP_DIR},
}
# SQLite is restored through the online backup API too, never by writing over the file.
DBBACKUP_CONNECTOR_MAPPING = {
    "django.db.backends.sqlite3": "articles.backups.SqliteOnlineBackupConnector",
}
# pg_restore makes the restoring role (DATABASE_URL's user) the owner of what it creates, so a
# dump restores on a server whose roles have other names.
DBBACKUP_CONNECTORS = {"default": {"PG_OPTIONS": "--no-owner"}}
# Let the embedded run serve static files straight from the apps without collectstatic.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", not PRODUCTION)
WHITENOISE_MAX_AGE = 31_536_000 if PRODUCTION else 60
# Until collectstatic has run (never, in the embedded run) WhiteNoise warns about STATIC_ROOT.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# Staff sign in through the two-factor wizard (password, then a code when they have a device);
# the admin's own password-only form redirects there (newsroom/urls.py).
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "admin:index"
LOGOUT_REDIRECT_URL = "two_factor:login"
# The issuer an authenticator app shows beside the account.
OTP_TOTP_ISSUER = os.environ.get("NEWSROOM_OTP_ISSUER", "غرفة الأخبار")
# Password and code must be entered within this many seconds of each other.
TWO_FACTOR_LOGIN_TIMEOUT = 600
# No "remember this browser" cookie: every sign-in asks for the code.
TWO_FACTOR_REMEMBER_COOKIE_AGE = None

# Staff sessions (staff/sessions.py): one ends after NEWSROOM_STAFF_IDLE_MINUTES without a request
# and, however busy, NEWSROOM_STAFF_SESSION_HOURS after its sign-in. The cookie lasts no longer.
NEWSROOM_STAFF_IDLE_MINUTES = int(os.environ.get("NEWSROOM_STAFF_IDLE_MINUTES") or "60")
NEWSROOM_STAFF_SESSION_HOURS = float(os.environ.get("NEWSROOM_STAFF_SESSION_HOURS") or "12")
SESSION_COOKIE_AGE = int(NEWSROOM_STAFF_SESSION_HOURS * 3600)

# The audit trail (staff/): `manage.py prune_audit_trail` deletes entries older than this many
# days (two years by default), the only way an entry leaves the trail.
NEWSROOM_AUDIT_RETENTION_DAYS = int(os.environ.get("NEWSROOM_AUDIT_RETENTION_DAYS") or "730")
# django-auditlog writes into the trail's own model (one table, one admin, one CSV), values
# as JSON (a flag stays true or false, not a string), and compares against the stored row as
# the base manager reads it (no default manager's filter hides a row).
AUDITLOG_LOGENTRY_MODEL = "staff.AuditEntry"
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_USE_BASE_MANAGER = True
# Rows loaded as they are (fixtures, `loaddata`) are nobody's edit, as before django-auditlog.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# Its own migrations would make its default LogEntry table, unused once the model is swapped.
MIGRATION_MODULES = {"auditlog": None}

# Sign-in protection (django-axes): after AXES_FAILURE_LIMIT failed attempts for one username from
# one address, that pair is locked out for AXES_COOLOFF_HOURS; the editor-in-chief unlocks it by
# deleting the attempt in the admin ("محاولات الدخول") or with `manage.py axes_reset_username`.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=float(os.environ.get("AXES_COOLOFF_HOURS", "1")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The name tried: from the credentials, or the sign-in wizard's field (auth-username).
AXES_USERNAME_CALLABLE = "staff.two_factor.username_tried"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# The client's address behind proxies (newsroom/proxies.py): AXES_PROXY_COUNT proxies in front
# of the app, each appending to X-Forwarded-For. Unset: not said (`check --deploy` warns when
# the app is configured as proxied, newsroom.W001); 0: clients reach the app directly.
_proxy_count = os.environ.get("AXES_PROXY_COUNT", "").strip()
NEWSROOM_PROXY_COUNT = int(_proxy_count) if _proxy_count else None
AXES_CLIENT_IP_CALLABLE = "newsroom.proxies.client_ip_address"

# Rich text: CKEditor 4 through django-ckeditor. Its configuration for Arabic news copy
# (toolbar, plugins, content filter, upload address) lives in articles/richtext.py, the only
# module that knows which editor the admin uses.
SILENCED_SYSTEM_CHECKS = [
    # CKEditor 4 is no longer patched upstream; every body is sanitized on the server
    # (articles/sanitize.py) whatever the browser sends. See README, "Security".
    "ckeditor.W001",
]

# The cache every process of the site shares: Redis across app servers when REDIS_URL is set;
# otherwise diskcache, SQLite files under NEWSROOM_CACHE_DIR that every worker, shell and
# command on this host opens (newsroom/disk_cache.py). Never per-process memory alone: a change
# made through one worker must show on every other at once (articles/caching.py).
# In both, each process keeps its own copies of pages and of the frame's pieces
# ("local-pages"), checked against the shared generations on every use.
LOCAL_PAGES_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "newsroom-local-pages",
    "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("LOCAL_PAGE_CACHE_ENTRIES", "1000"))},
}
if REDIS_URL := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
        },
        "local-pages": LOCAL_PAGES_CACHE,
    }
else:
    NEWSROOM_CACHE_DIR = Path(os.environ.get("NEWSROOM_CACHE_DIR", BASE_DIR / "var" / "cache"))
    CACHES = {
        "default": {
            "BACKEND": "newsroom.disk_cache.DiskCache",
            "LOCATION": str(NEWSROOM_CACHE_DIR / "shared"),
            "OPTIONS": {
                # Pages, cards and pieces past this size make room, oldest stored first (an
                # eviction order that costs no write on a read).
                "size_limit": int(os.environ.get("NEWSROOM_CACHE_MAX_MB", "1024")) * 1024 * 1024,
                "eviction_policy": "least-recently-stored",
            },
        },
        # The generations pages are checked against, in a file of their own that only a change
        # writes to, and from which nothing is ever evicted (articles/shared_copies.py).
        "generations": {
            "BACKEND": "newsroom.disk_cache.DiskCache",
            "LOCATION": str(NEWSROOM_CACHE_DIR / "generations"),
            "OPTIONS": {"eviction_policy": "none"},
        },
        "local-pages": LOCAL_PAGES_CACHE,
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # django-dbbackup's commands print their own log lines (backup_paper -v2): once is enough.
    "loggers": {"dbbackup": {"propagate": False}},
}

# Newsroom's own knobs.
# Work that runs after the response (a breaking alert's delivery) goes through Django's tasks
# interface. The embedded default keeps the queue in the database and `manage.py db_worker`
# (started by `make run` and `make serve`) runs it: a task enqueued inside a transaction exists
# only if the transaction commits, and waits, whatever happens to the worker, until one runs it.
# A deployment with Redis may put it on RQ instead (TASKS_BACKEND=rq, and `manage.py rqworker
# --job-class django_tasks_rq.Job` in place of run_tasks);
# "immediate" runs each task at once in the process that enqueues it (a tool for shells).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip().lower()
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND is one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("TASKS_REDIS_URL", REDIS_URL)}}

NEWSROOM_SECTION_PAGE_SIZE = int(os.environ.get("NEWSROOM_SECTION_PAGE_SIZE", "20"))
# Public pages: kept in the shared cache until something they show changes (articles/caching.py);
# browsers revalidate every time (ETag/Last-Modified → 304); a CDN may keep a copy briefly.
# The deployed release (a git commit, a tag): part of every cached page's key, so a deploy shows
# new markup at once. Unset, the code's own hash is used (articles/pagecache/version.py).
NEWSROOM_RELEASE = os.environ.get("NEWSROOM_RELEASE", "")
NEWSROOM_PAGE_CACHE_SECONDS = int(os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS", "3600"))
# With Redis, how long a process may use its copy of a generation before reading it again, if no
# announcement of a change reached it: a bound for a subscription broken without the process
# noticing (articles/shared_copies.py). Changes are announced at once; this is not a delay.
NEWSROOM_SHARED_COPY_SECONDS = float(os.environ.get("NEWSROOM_SHARED_COPY_SECONDS", "5"))
# How many story cards each process keeps its own copy of (articles/cards.py): about 3 KB each.
NEWSROOM_CARD_COPIES = int(os.environ.get("NEWSROOM_CARD_COPIES", "2000"))
NEWSROOM_BROWSER_CACHE_SECONDS = int(os.environ.get("NEWSROOM_BROWSER_CACHE_SECONDS", "0"))
NEWSROOM_CDN_CACHE_SECONDS = int(os.environ.get("NEWSROOM_CDN_CACHE_SECONDS", "30"))

# Uploaded images (articles/images.py): bigger files or more pixels are refused with a message.
# The pixel limit is checked from the header, before decoding: it stops decompression bombs.
NEWSROOM_IMAGE_MAX_BYTES = int(os.environ.get("NEWSROOM_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
NEWSROOM_IMAGE_MAX_PIXELS = int(os.environ.get("NEWSROOM_IMAGE_MAX_PIXELS", "50000000"))

# Embeds (iframes) allowed in article bodies: host plus path prefix, HTTPS only. Anything else
# is removed by articles/sanitize.py, and the Content-Security-Policy frames only these hosts.
NEWSROOM_EMBED_SOURCES = env_list(
    "NEWSROOM_EMBED_SOURCES",
    "www.youtube-nocookie.com/embed/,www.youtube.com/embed/,player.vimeo.com/video/",
)
_EMBED_ORIGINS = sorted({f"https://{source.split('/', 1)[0]}" for source in NEWSROOM_EMBED_SOURCES})

# Security headers. SecurityMiddleware sends nosniff, the referrer policy and COOP;
# XFrameOptionsMiddleware sends X-Frame-Options; django-permissions-policy the
# Permissions-Policy; django-csp the Content-Security-Policy below: scripts and styles from our
# own origin only (no inline code), frames only from the embed allowlist, nobody may frame us.
# The one page that shows CKEditor 4 loosens it as little as the editor needs
# (articles/richtext.py, `editor_page_policy`); see README, "Security".
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Uploads served from another host (object storage, a CDN) need that origin allowed.
_MEDIA_ORIGIN = [origin] if (origin := origin_of(MEDIA_URL)) else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # The nonce appears only on a response that uses it: the editor upload's callback.
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, *_MEDIA_ORIGIN],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The alerts' service worker, /sw.js (articles/web/alerts.py).
        "worker-src": [SELF],
        "media-src": [SELF, *_MEDIA_ORIGIN],
        "frame-src": _EMBED_ORIGINS or [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": ["self", *_EMBED_ORIGINS],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": ["self", *_EMBED_ORIGINS],
    "fullscreen": ["self", *_EMBED_ORIGINS],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": ["self", *_EMBED_ORIGINS],
    "usb": [],
}
# Search: how many ranked results a query may return at most, and how many a page shows.
NEWSROOM_SEARCH_MAX_RESULTS = int(os.environ.get("NEWSROOM_SEARCH_MAX_RESULTS", "500"))
NEWSROOM_SEARCH_PAGE_SIZE = int(os.environ.get("NEWSROOM_SEARCH_PAGE_SIZE", "10"))
# Result pages are cached like other pages (rebuilt after any published change), but briefly:
# every distinct query is a page of its own.
NEWSROOM_SEARCH_CACHE_SECONDS = int(os.environ.get("NEWSROOM_SEARCH_CACHE_SECONDS", "300"))

# Tags (django-taggit, with the Tag model in articles): Arabic commas separate, slugs stay Arabic.
TAGGIT_TAGS_FROM_STRING = "articles.tagging.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tagging.edit_string_for_tags"
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = False
# Most read: each process tallies views and adds them to the cache's counters every N views or
# S seconds after the oldest (each push takes the shared cache's write lock: rarely, under
# load); the counters are written to the database once N pushed views wait, or once a
# process's oldest pushed view has waited the flush interval below.
NEWSROOM_READS_PUSH_EVERY = int(os.environ.get("NEWSROOM_READS_PUSH_EVERY", "500"))
NEWSROOM_READS_PUSH_SECONDS = float(os.environ.get("NEWSROOM_READS_PUSH_SECONDS", "10"))
NEWSROOM_READS_FLUSH_EVERY = int(os.environ.get("NEWSROOM_READS_FLUSH_EVERY", "100"))
# ...and at most once in this many seconds (0: no interval, only the count): a reader's view
# reaches the most-read lists within about the push and flush intervals together.
NEWSROOM_READS_FLUSH_SECONDS = int(os.environ.get("NEWSROOM_READS_FLUSH_SECONDS", "30"))
# The breaking-news strip on the home page shows breaking stories younger than this.
NEWSROOM_BREAKING_MAX_AGE_MINUTES = int(os.environ.get("NEWSROOM_BREAKING_MAX_AGE_MINUTES", "120"))
# A share link for an unpublished story works this long for someone without an account, unless
# it is ended first (articles/preview.py).
NEWSROOM_PREVIEW_LINK_MAX_AGE_HOURS = int(
    os.environ.get("NEWSROOM_PREVIEW_LINK_MAX_AGE_HOURS", "48")
)

# Breaking alerts by Web Push (articles/alerts.py; README "Breaking alerts"). The VAPID keys are
# this install's own, made on first need and kept in the database, never in the source.
# No alert within this many minutes of the previous one, site-wide (and never two for one story).
NEWSROOM_ALERT_MIN_MINUTES = int(os.environ.get("NEWSROOM_ALERT_MIN_MINUTES") or "10")
# How long a push service keeps an alert for a phone that is off (seconds).
NEWSROOM_ALERT_TTL_SECONDS = int(os.environ.get("NEWSROOM_ALERT_TTL_SECONDS") or "3600")
# The VAPID contact push services may write to about this site's alerts (mailto: or https:).
NEWSROOM_PUSH_CONTACT = os.environ.get("NEWSROOM_PUSH_CONTACT") or "mailto:webmaster@localhost"
# The push services subscriptions may point at (a host or a parent domain, HTTPS only): the
# browsers' own; anything else is refused, so the site never posts to an address a stranger chose.
NEWSROOM_PUSH_SERVICE_HOSTS = env_list(
    "NEWSROOM_PUSH_SERVICE_HOSTS",
    "fcm.googleapis.com,push.services.mozilla.com,notify.windows.com,push.apple.com",
)
# Tests only: also take plain http://127.0.0.1 endpoints (the tests' loopback push service).
NEWSROOM_PUSH_ALLOW_LOOPBACK = env_bool("NEWSROOM_PUSH_ALLOW_LOOPBACK", False)
# New subscriptions one address may make in an hour.
NEWSROOM_PUSH_SUBSCRIBE_PER_HOUR = int(os.environ.get("NEWSROOM_PUSH_SUBSCRIBE_PER_HOUR") or "10")
NEWSROOM_PUSH_TIMEOUT_SECONDS = float(os.environ.get("NEWSROOM_PUSH_TIMEOUT_SECONDS") or "10")
# How many subscriptions an alert's delivery sends to at once (each waits on its push service).
NEWSROOM_PUSH_CONCURRENCY = int(os.environ.get("NEWSROOM_PUSH_CONCURRENCY") or "16")
