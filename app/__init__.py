"""职工之家 · Workers' Home."""

import hmac
import importlib
import os
import re
from pathlib import Path

from flask import Flask, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import LanguageAccept

from app import config as app_config
from app import features, guards, rendering, storage
from app.extensions import babel, compress, csrf, db, htmx, login_manager, migrate
from app.guards import parse_id
from app.jobs import init_jobs
from app.models._types import include_object, render_item, sqlite_local_day

# The features, in the order they wire in: it is the order of their demo data, and of their
# entries where they register no order of their own. A new feature adds its name here.
FEATURES = (
    "errors",
    "main",
    "pwa",
    "auth",
    "admin",
    "activities",
    "notify",
    "safety",
    "sync",
    "care",
    "proposals",
    "competitions",
    "congress",
    "gate",
    "library",
    "appeals",
    "honours",
    "surveys",
    "reports",
)

# 2026-11-23 09:12 and 2026-11-23: what `datetimeformat`, `format_date` and the like write
# for "short" and "medium" (and with no format), instead of a different style per locale.
DATE_FORMATS = {
    "datetime.short": "yyyy-MM-dd HH:mm",
    "datetime.medium": "yyyy-MM-dd HH:mm",
    "date.short": "yyyy-MM-dd",
    "date.medium": "yyyy-MM-dd",
}

# Endpoints a user who must first choose a new password can still reach.
_OPEN_WHILE_PASSWORD_MUST_CHANGE = frozenset(
    {"auth.change_password", "auth.logout", "static", "main.set_locale"}
    | {"pwa.service_worker", "pwa.manifest", "pwa.offline"}
)


def create_app(config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints. No database work happens here."""
    instance_path = instance_path or os.environ.get("INSTANCE_PATH") or None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_object(app_config.Config)
    app.config.update(app_config.from_environment(app.instance_path))
    # Each feature keeps its own catalogs beside its code; Flask-Babel merges them.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        str(path) for path in sorted(Path(app.root_path).glob("**/translations"))
    )
    if config:
        app.config.update(config)
    if proxies := int(os.environ.get("PROXY_COUNT", "0") or 0):
        # Behind a reverse proxy: take the client's address and scheme from its headers, or
        # every request would seem to come from the proxy (and share one log-in limit).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    app.session_interface = _SessionInterface()
    db.init_app(app)
    app.after_request(_end_reads_with_commit)
    migrate.init_app(
        app,
        db,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
        include_object=include_object,
    )
    guards.init_app(app)  # before the blueprints: it sets the `int` URL converter
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_global(rendering.strings_json)
    app.add_template_global(rendering.select_options)
    app.add_template_global(rendering.enum_tag)
    app.add_template_filter(rendering.badge_count)
    app.add_template_filter(rendering.listed)
    app.add_template_filter(rendering.file_size)
    app.add_template_global(rendering.list_separator)
    # One way of writing a date on every page, message and export, in both languages.
    babel.date_formats.update(DATE_FORMATS)
    _init_login(app)
    storage.init_app(app)
    _init_features(app)
    _register_cli(app)
    init_jobs(app)
    _init_responses(app)
    return app


def _init_responses(app: Flask) -> None:
    """Compression for every text response, and the caching headers pages and files need."""
    static_endpoints = {"static"} | {
        f"{name}.static" for name, bp in app.blueprints.items() if bp.has_static_folder
    }
    app.session_interface.static_endpoints = frozenset(static_endpoints)

    @app.after_request
    def caching_headers(response):
        if request.endpoint not in static_endpoints:
            # One URL serves a page or its fragment; caches must keep them apart.
            response.vary.add("HX-Request")
            if g.get("locale_from_header"):
                # Its language came from the browser's languages (see select_locale).
                response.vary.add("Accept-Language")
            return response
        from app.blueprints.pwa.routes import asset_version

        if response.status_code == 200 and request.args.get("v") == asset_version():
            # The version is a digest of every static file: this URL's content never changes.
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = app.config["STATIC_IMMUTABLE_MAX_AGE"]
            response.cache_control.immutable = True
        return response

    compress.init_app(app)  # gzip or brotli, as the browser accepts; adds Vary: Accept-Encoding

    @app.after_request
    def static_files_in_memory(response):
        # Runs before compression (Flask runs these hooks last-registered first). A static file
        # comes as a stream, which Flask-Compress would send chunked, without its ETag check,
        # and without closing the file; the shell's files are small, so read them whole, and
        # leave out the comments and spacing of scripts and stylesheets (a quarter of the bytes
        # a phone downloads to open its first page).
        # Only a whole file (200): a part asked for by `Range` (206) is left as Werkzeug made
        # it, and is never kept as if it were the file.
        if (
            request.endpoint in static_endpoints
            and response.direct_passthrough
            and response.status_code == 200
        ):
            from app.blueprints.pwa.routes import asset_version

            version = asset_version()
            # A script's imports take the version asked for, this server's or not: in a
            # rolling deploy a page of one version may get its script from a server of
            # another, and an import must name the page's own URL of that module, or the
            # module would run a second time (see _versioned_imports).
            wanted = request.args.get("v", "")
            if response.mimetype not in _SCRIPTS or not _VERSION_FORM.fullmatch(wanted):
                wanted = None
            # Made once a file and version: the bytes depend on nothing else. Another
            # version's imports are written on each request, not kept: any `v` can be asked.
            own = wanted == version
            key = (request.path, response.mimetype, own, version)
            stream = response.response
            try:
                if key not in _SERVED:
                    body = _minified(b"".join(stream), response.mimetype)
                    _SERVED[key] = _versioned_imports(body, version) if own else body
            finally:
                if hasattr(stream, "close"):
                    stream.close()
            body = _SERVED[key]
            if wanted and not own:
                body = _versioned_imports(body, wanted)
            response.direct_passthrough = False
            response.set_data(body)
        return response


# Static files as served (minified, their imports versioned), by path, type and version.
_SERVED: dict[tuple, bytes] = {}


_SCRIPTS = ("text/javascript", "application/javascript")
# What a version can be (asset_version: a hex digest), the only `v` written into a script.
_VERSION_FORM = re.compile(r"[0-9A-Za-z]{1,64}")
# A module's imports of its neighbours, minified or not: `from"./qr-reader.js"`, `import "./a.js"`.
_RELATIVE_IMPORT = re.compile(rb'(\b(?:from|import)\s*)(["\'])(\.{1,2}/[^"\'?]+\.js)\2')


def _versioned_imports(body: bytes, version: str) -> bytes:
    """A versioned script's imports carry its version (`?v=`): the browser keeps them a year
    as it does the script, a deploy refreshes them with it, and they are the URLs the service
    worker keeps. (An import names a URL: without the version, or at another one than the
    page's own, it was another file, and a module imported by two names runs twice.)"""
    return _RELATIVE_IMPORT.sub(
        lambda m: b"%s%s%s?v=%s%s" % (*m.groups(), version.encode(), m[2]), body
    )


def _minified(body: bytes, mimetype: str) -> bytes:
    if mimetype == "text/css":
        import rcssmin

        return rcssmin.cssmin(body)
    if mimetype in _SCRIPTS:
        import rjsmin

        return rjsmin.jsmin(body)
    return body


class _SessionInterface(SecureCookieSessionInterface):
    """Pages copied in the background for offline reading (`X-Offline-Copy: 1`) never write
    the session: they run beside the person's own requests and would answer with a stale one."""

    # Static files leave the session alone: no `Vary: Cookie` (Flask-Login looks at the session
    # after every request), so one cached copy of a file serves everybody.
    static_endpoints: frozenset[str] = frozenset({"static"})

    def should_set_cookie(self, app: Flask, session) -> bool:
        if has_request_context() and request.headers.get("X-Offline-Copy"):
            return False
        return super().should_set_cookie(app, session)

    def save_session(self, app: Flask, session, response) -> None:
        if request.endpoint in self.static_endpoints and not session.modified:
            return
        super().save_session(app, session, response)


def select_locale():
    """The user's saved choice, else the choice made in this browser (the switch), else the
    phone's own languages (Accept-Language), else Chinese (a parsed Locale)."""
    languages = _languages()
    if not has_request_context():
        return rendering.parsed_locale("zh_CN")
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return rendering.parsed_locale(current_user.locale)
    if session.get("locale") in languages:
        return rendering.parsed_locale(session["locale"])
    g.locale_from_header = True  # the response says so: `Vary: Accept-Language`
    return rendering.parsed_locale(_accepted_language(languages) or "zh_CN")


def _accepted_language(languages) -> str | None:
    """The language of `languages` the browser ranks first, matched by language alone: phones
    say Chinese as zh-CN, zh-Hans-CN or zh-TW, and werkzeug's own match, which wants the
    region too, would take a lower-ranked "en" over "zh-Hans-CN" (one code a language)."""
    codes = {re.split(r"[-_]", code)[0].lower(): code for code in languages}
    accepted = LanguageAccept(
        [(re.split(r"[-_]", tag)[0], quality) for tag, quality in request.accept_languages]
    )
    return codes.get(accepted.best_match(codes))


def _languages():
    from flask import current_app

    return current_app.config["LANGUAGES"]


def _init_login(app: Flask) -> None:
    from app.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, rest = session_id.partition(":")
        fingerprint, _, version = rest.partition(":")
        # With the roles and the team in the same statement: every page asks the roles (bar,
        # cards, checks), and the home cards and the audience of activities and notices the team.
        loaded = [joinedload(User.role_rows), joinedload(User.department)]
        user = (
            db.session.get(User, parse_id(user_id), options=loaded) if parse_id(user_id) else None
        )
        if user is None or not hmac.compare_digest(fingerprint, user.password_fingerprint):
            return None
        if version != str(user.session_version):
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        from app.blueprints.errors.handlers import unauthorized_response

        return unauthorized_response()

    @app.before_request
    def force_password_change():
        from flask import redirect, url_for

        # The endpoint first: a static file must not load the session (nor vary on the cookie).
        if (
            request.endpoint
            and request.endpoint not in _OPEN_WHILE_PASSWORD_MUST_CHANGE
            and not request.endpoint.endswith(".static")
            and current_user.is_authenticated
            and current_user.must_change_password
        ):
            if request.headers.get("Sec-Fetch-Mode", "navigate") != "navigate" or htmx:
                # Background requests must not mistake the form for their answer.
                from flask_babel import gettext as _

                from app.blueprints.errors.handlers import error_response

                return error_response(403, _("Choose a new password first."))
            return redirect(url_for("auth.change_password"))
        return None


def _init_features(app: Flask) -> None:
    """Each feature wires itself in (blueprint, sync kinds, jobs, cards, pages, demo)."""
    storage.register(features.init_app(app))  # the upload store's daily sweep
    for name in FEATURES:
        importlib.import_module(f"app.blueprints.{name}").init_app(app)


def _register_cli(app: Flask) -> None:
    from app.cli import demo_command, users_cli
    from app.jobs import jobs_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(jobs_cli)


def _end_reads_with_commit(response):
    """A page that was read ends its transaction with COMMIT rather than the ROLLBACK that
    closing the session sends: psycopg forgets every prepared statement at a ROLLBACK, so on
    PostgreSQL no page's statements were ever prepared, each planned again on every request
    (the database's time for the officer's home: 3.0 ms a request, 1.0 ms with this). Only a
    successful GET with nothing pending in the session; anything else is rolled back as
    before."""
    if (
        request.method == "GET"
        and response.status_code < 400
        and db.session().in_transaction()
        and not (db.session.new or db.session.dirty or db.session.deleted)
    ):
        db.session.commit()
    return response


# A writer waits this long for another writer's turn before giving up (503, never 500):
# a burst of phones syncing 100-record batches queues for seconds, not milliseconds. Writes
# stay short so the wait does too (a roster import writes in batches, see admin/jobs.py).
SQLITE_BUSY_TIMEOUT_MS = 20_000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    # WAL lets readers and one writer work at once; SQLite leaves foreign keys off unless asked.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()
        # the union's day of a stored moment, for counting by it in SQL (models._types.LocalDay)
        dbapi_connection.create_function("local_day", 2, sqlite_local_day, deterministic=True)
