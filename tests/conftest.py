"""Fixtures in the shape of Flask's tutorial: app, client, runner, db, auth.

The database is migrated once per run with Alembic (so every run also tests the migrations)
and emptied after each test. It is SQLite in a temporary folder, or the PostgreSQL database
named by TEST_DATABASE_URL or DATABASE_URL — whose name must contain "test", because this
suite deletes everything in it.
"""

import copy
import os
import shutil
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.config import normalise_database_url
from app.demo import load_demo
from app.extensions import db as _db
from app.features import registry
from app.jobs import init_jobs
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import statements


def pytest_collection_modifyitems(items):
    """The tests marked heavy (20–60 s each) go first. pytest-xdist hands each worker a first
    block of consecutive tests, so they all go to the first worker, which starts on them at
    once while the others take the rest in small batches; a fuzz sweep left to the end of the
    list ran alone for a minute and more while the other workers waited."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
    url = normalise_database_url(url)
    if "test" not in (make_url(url).database or ""):
        pytest.exit(
            f"Refusing to run: the tests empty the database, and {url!r} is not "
            "named like a test database. Point TEST_DATABASE_URL at one.",
            2,
        )
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:  # parallel runs (pytest -n): each worker empties a database of its own
        url = _database_of_its_own(make_url(url), worker)
    return url


def _database_of_its_own(url, worker: str) -> str:
    """`<name>_<worker>` beside the named test database, made on first use."""
    own = url.set(database=f"{url.database}_{worker}")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    engine = create_engine(url)
    with engine.begin() as conn:
        # Start from nothing, whatever an earlier run left behind.
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            for table in reversed(inspect(conn).get_table_names()):
                conn.execute(text(f'DROP TABLE "{table}"'))
    engine.dispose()

    from flask_migrate import upgrade

    app = create_app(_test_config(url), instance_path=str(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return url


def _test_config(url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "localhost",
        # The one fast-hash switch: scrypt's deliberate slowness is not what the tests test,
        # and the suite makes many accounts (check_password reads the method from the hash).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    }


@pytest.fixture
def app(database_url, tmp_path, request):
    """The app, built once per worker and database and handed to each test as new: its
    configuration, registries, job queue and instance folder are put back before every test.
    Building it takes ~0.4 s (werkzeug compiles 800 URL rules), the suite's largest fixed cost.
    A test that adds routes to it (`@pytest.mark.own_app`) gets an app of its own."""
    own = request.node.get_closest_marker("own_app") is not None
    app = None if own else _SHARED_APPS.get(database_url)
    if app is None:
        app = _new_test_app(database_url, tmp_path)
        if not own:
            _SHARED_APPS[database_url] = app
    _as_new(app, tmp_path / "instance")

    with app.app_context():
        yield app
        _db.session.remove()
        _empty_all_tables(_db.engine)
        _db.engine.dispose()


_SHARED_APPS: dict = {}


def _new_test_app(database_url, tmp_path):
    app = create_app(_test_config(database_url), instance_path=str(tmp_path / "instance"))

    # The test keeps an app context pushed, which every request of the test then reuses, so
    # they would share one `g`: Flask-Login keeps the current user there and Flask-Babel the
    # locale. Forget it after each request, as a real server does.
    @app.teardown_request
    def forget_request_globals(error=None):
        for key in list(g):
            g.pop(key)

    app.extensions["test_pristine"] = (
        copy.deepcopy(dict(app.config)),
        {name: _copied(value) for name, value in vars(registry(app)).items()},
        frozenset(app.extensions) | {"test_pristine"},
    )
    return app


def _as_new(app, instance) -> None:
    """Undo what an earlier test changed: config values, registered kinds and listeners, the
    job queue's mode (a test may build a consumer app), the instance folder and its uploads."""
    config, registries, extensions = app.extensions["test_pristine"]
    for added in set(app.extensions) - extensions:  # e.g. a bucket client made for one test
        del app.extensions[added]
    app.config.clear()
    app.config.update(copy.deepcopy(config))
    for name, value in registries.items():
        setattr(registry(app), name, _copied(value))
    instance.mkdir(parents=True, exist_ok=True)
    app.instance_path = str(instance)
    if not os.environ.get("UPLOAD_FOLDER"):  # else every test shares the named folder
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")
    init_jobs(app)


def _copied(value):
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


def _empty_all_tables(engine):
    """Delete the rows of the tables a test wrote, children first, and start their counters
    over, as a new database would. Asking which tables hold rows costs ~3 ms; a TRUNCATE of
    all ~100 tables cost ~200 ms on PostgreSQL, after every test."""
    tables = _db.metadata.sorted_tables
    with engine.begin() as conn:
        held = " UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
        )
        written = set(conn.scalars(text(held)))
        if engine.dialect.name == "postgresql":
            for table in reversed(tables):
                if table.name in written:
                    conn.execute(table.delete())
            # Counters a test used, rows kept or not (a refused insert takes a number too).
            used = "SELECT schemaname, sequencename FROM pg_sequences WHERE last_value IS NOT NULL"
            for schema, sequence in conn.execute(text(used)):
                conn.execute(
                    text("SELECT setval(:name, 1, false)"), {"name": f'"{schema}"."{sequence}"'}
                )
        else:
            # Self-referencing rows (a team inside its workshop) cannot go one at a time.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for table in reversed(tables):
                if table.name in written:
                    conn.execute(table.delete())
            # The counters of the AUTOINCREMENT tables (migration 0032) outlive their rows.
            conn.exec_driver_sql("DELETE FROM sqlite_sequence")
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def demo_data(app, db, kept_state):
    """The demo data (`flask demo`) as a test's starting point; returns its logins.

    Loaded for real once per worker and database, then put back (`kept_state`): 0.1 s instead
    of the loader's 1.3 s on SQLite and 4.5 s on PostgreSQL, for the ~30 tests that read the
    demo. The tests of the loader itself (`*/test_demo.py`, `test_cli.py`) run it."""

    def loaded():
        logins = load_demo()
        db.session.commit()
        return logins

    return kept_state("demo", loaded)


@pytest.fixture
def kept_state(app, db, tmp_path_factory):
    """`kept_state(name, make)`: what `make()` leaves in the database and the upload folder,
    made once per worker and database and from then on put back from a copy of its rows and
    files, ids and all; returns what `make` returned (a copy). For a starting point that many
    tests share and that costs seconds to make, such as the demo data."""

    def kept(name, make):
        key = (app.config["SQLALCHEMY_DATABASE_URI"], name)
        if key not in _KEPT:
            made = make()
            uploads = tmp_path_factory.mktemp("kept-uploads") / "uploads"
            if Path(app.config["UPLOAD_FOLDER"]).exists():
                shutil.copytree(app.config["UPLOAD_FOLDER"], uploads)
            with db.engine.connect() as conn:
                tables = db.metadata.sorted_tables
                rows = {t: conn.execute(t.select()).mappings().all() for t in tables}
            _KEPT[key] = (copy.deepcopy(made), rows, uploads)
            return made
        made, rows, uploads = _KEPT[key]
        db.session.rollback()  # no read transaction of its own from before the rows were in
        if uploads.exists():
            shutil.copytree(uploads, app.config["UPLOAD_FOLDER"], dirs_exist_ok=True)
        _put_back(db.engine, rows)
        db.session.expire_all()
        return copy.deepcopy(made)

    return kept


_KEPT: dict = {}


def _put_back(engine, rows: dict) -> None:
    """Insert the copied rows with their ids, and move PostgreSQL's counters past them. The
    foreign keys are checked once all are in (SQLite) or not while they go in (PostgreSQL:
    the rows are a whole that held them; this needs the superuser the suite runs as), since
    a row can point at one inserted after it (a team inside its workshop)."""
    with engine.begin() as conn:
        postgres = engine.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        else:
            # Not `foreign_keys=OFF`: inside the transaction turning them on again is a no-op,
            # and the connection would go back to the pool without them.
            conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table, table_rows in rows.items():
            if table_rows:
                conn.execute(table.insert(), [dict(row) for row in table_rows])
        if postgres:
            for table, table_rows in rows.items():
                if table_rows and "id" in table.c and table.c.id.autoincrement is not False:
                    counter = conn.scalar(
                        text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
                    )
                    if counter:
                        conn.execute(
                            text("SELECT setval(:c, (SELECT max(id) FROM " + f'"{table.name}"))'),
                            {"c": counter},
                        )


@pytest.fixture
def count_queries(db):
    """`with count_queries() as counter:` the SQL statements run inside the block
    (`counter.count`, `counter.statements`)."""
    return lambda: statements(db.engine)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, user_or_no, password=DEFAULT_PASSWORD, remember=False):
        employee_no = getattr(user_or_no, "employee_no", user_or_no)
        data = {"employee_no": employee_no, "password": password}
        if remember:
            data["remember"] = "y"
        return self._client.post("/auth/login", data=data)

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}
