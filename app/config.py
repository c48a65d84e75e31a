"""Configuration from the environment (and an optional `.env` file at the project root)."""

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The union's clock: days, months and the daily jobs' hour are Shanghai's.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines into os.environ without overriding what is already set."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


def create_once(path: Path, make: Callable[[], bytes]) -> Path:
    """Write `make()` to `path` with mode 0600 unless the file exists; return the path.

    O_EXCL: several processes starting together (web workers, the job consumer) must all end
    up with the one file the first of them wrote, never each with their own.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(make())
    return path


def instance_secret(instance_path: str) -> str:
    """The secret key kept in `instance/secret_key`, created once on first start.

    A constant in the code would be shared by every deployment; an env var is preferred
    where the operator sets one.
    """
    path = create_once(Path(instance_path) / "secret_key", lambda: secrets.token_hex(32).encode())
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Accept `postgres://` and `postgresql://` and use psycopg 3 for both."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class UploadLimits:
    """The one budget for every uploaded picture and document: the forms, `/sync`, the
    activity covers, the documents and the templates' hints all read it
    (`app.config["UPLOAD_LIMITS"]`, `upload_limits` in templates)."""

    photos_per_record: int = 6
    max_mb: int = 10  # one file as sent: a picture before it is cleaned, a document
    # Read from the file's header before a single pixel is decoded: a small file can claim a
    # huge picture (a 6 KB PNG of 49 megapixels). 25 covers a 24-megapixel phone camera.
    max_megapixels: int = 25
    long_edge: int = 1600  # stored pictures are at most this long on their long side
    thumb_edge: int = 360
    # A picture no row names (kept for a form never sent again, synced for a record that is
    # gone) is deleted by the daily sweep once it was last stored this many days ago: longer
    # than a kept photo's token lives (`app.storage.KEPT_MAX_AGE`, a day).
    unattached_days: int = 2

    @property
    def max_bytes(self) -> int:
        return self.max_mb * 1024 * 1024

    @property
    def max_pixels(self) -> int:
        return self.max_megapixels * 1_000_000


class Config:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = LOCAL_TZ.key
    LANGUAGES = {"zh_CN": "中文", "en": "English"}
    # Inspectors stay signed in through days on a shop floor without network.
    REMEMBER_COOKIE_DURATION = timedelta(days=60)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)
    # The session cookie is written only when the session changes. Refreshed on every answer,
    # a page fetched in the background with the cookie it had before a form's redirect would
    # write that older session back over the new one, and the form's message would be lost.
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None  # a form opened before going offline must still post later
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # a whole request, photos included
    UPLOAD_LIMITS = UploadLimits()
    # Werkzeug's default; the tests set a cheap one (making accounts is not what they test).
    PASSWORD_HASH_METHOD = "scrypt"
    ROSTER_MAX_BYTES = 5 * 1024 * 1024
    ROSTER_MAX_ROWS = 5000
    # Failed log-ins tolerated in the window before guesses are delayed (growing delays, see
    # app/blueprints/auth/throttle.py): one account from one address; one account from
    # anywhere; one address (a factory's shared one) for any account.
    LOGIN_WINDOW = timedelta(minutes=15)
    LOGIN_MAX_FAILURES_ACCOUNT = 5
    LOGIN_MAX_FAILURES_SPREAD = 10
    LOGIN_MAX_FAILURES_ADDRESS = 20
    USERS_PER_PAGE = 20
    AUDIT_PER_PAGE = 30
    # Responses compressed (Flask-Compress): pages, fragments, JSON, CSS and JavaScript; brotli
    # where the browser takes it, else gzip.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # gzip at its best: about 70 bytes less on a first load for about 0.4 ms more of server
    # time, nothing measurable on a page alone (bench/page_weight.py prints both).
    COMPRESS_LEVEL = 9
    COMPRESS_BR_LEVEL = 5  # level 4 (the default) comes out larger than gzip on this app's files
    # Not on every response: werkzeug's make_conditional adds a Date header, the server adds
    # another, and the service worker can no longer read when its copy of a page was made.
    # Static files answer If-None-Match themselves, before compression.
    COMPRESS_EVALUATE_CONDITIONAL_REQUEST = False
    # A versioned static URL (`?v=<asset version>`) never changes its content: a year, immutable.
    STATIC_IMMUTABLE_MAX_AGE = 365 * 24 * 3600


def from_environment(instance_path: str) -> dict:
    """Settings that depend on the environment or the instance folder."""
    _load_dotenv(PROJECT_ROOT / ".env")
    default_db = "sqlite:///" + str(Path(instance_path) / "workers_home.db")
    secure = os.environ.get("SESSION_COOKIE_SECURE", "").lower() in {"1", "true", "yes"}
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL") or default_db
        ),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        # Mixed into the service worker's version, so phones take a new worker although no
        # precached file changed (the browser tests play a worker update with it).
        "ASSET_VERSION_SALT": os.environ.get("ASSET_VERSION_SALT", ""),
        # Where uploads live: a folder (which may be a mount every web process shares), or an
        # S3-compatible bucket when UPLOAD_S3_URL is set (see app/storage.py).
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        "UPLOAD_S3_URL": os.environ.get("UPLOAD_S3_URL") or None,
        # The push services the server may connect to (see app/blueprints/notify/endpoints.py);
        # comma-separated, a leading dot allows sub-domains. Empty: the browsers' own.
        "PUSH_SERVICE_HOSTS": [
            h.strip() for h in os.environ.get("PUSH_SERVICE_HOSTS", "").split(",") if h.strip()
        ],
    }
