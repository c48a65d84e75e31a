"""What the benchmark scripts share: a database of their own, realistic seed data, the app
with two truly trivial routes, a gunicorn on loopback, and the figures' arithmetic.

Databases: SQLite in a temporary folder by default. With `BENCH_DATABASE_URL` (or
`DATABASE_URL`) pointing at a PostgreSQL server, each run CREATEs a database of its own on
that server (named after the given one, plus a suffix) and DROPs only that one at the end: a
benchmark never empties or drops a database it did not create.
"""

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app.config import normalise_database_url  # noqa: E402

PASSWORD = "bench1234"
INSERT_BATCH = 5000


# --- the database --------------------------------------------------------------------------


@contextmanager
def own_database(tag: str):
    """Yield the URL of a new, empty database that this run created; drop it afterwards."""
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not server or server.startswith("sqlite"):
        folder = tempfile.mkdtemp(prefix=f"bench-{tag}-")
        yield f"sqlite:///{folder}/bench.db"
        return
    url = make_url(normalise_database_url(server))
    name = f"{url.database}_{tag}_{os.getpid()}_{uuid.uuid4().hex[:6]}".lower()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def flask_instance(tag: str):
    """A throw-away instance folder and migrated SQLite database for a script that starts
    `flask` processes of its own (a job consumer, as `flask jobs worker` is): yields the
    folder and the environment for those processes. This process's environment points at
    the same instance, so `create_app()` here opens the same database."""
    with tempfile.TemporaryDirectory(prefix=f"{tag}-bench-") as tmp:
        env = {
            **os.environ,
            "INSTANCE_PATH": str(Path(tmp) / "instance"),
            "DATABASE_URL": "sqlite:///" + str(Path(tmp) / "bench.db"),
            "SECRET_KEY": "bench",
            "FLASK_APP": "app",
        }
        env.pop("TEST_DATABASE_URL", None)
        os.environ.update({k: env[k] for k in ("INSTANCE_PATH", "DATABASE_URL", "SECRET_KEY")})
        subprocess.run(
            [sys.executable, "-m", "flask", "db", "upgrade"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        yield tmp, env


def dialect_of(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


def bench_app(url: str, instance: str | None = None, **config):
    """The app, plus two routes that do nothing (the baselines): GET /_bench/trivial and
    POST /_bench/echo (reads the JSON body and checks the CSRF token, as /sync does)."""
    from flask import jsonify, request

    from app import create_app

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "SECRET_KEY": "bench", **config},
        instance_path=instance or tempfile.mkdtemp(prefix="bench-instance-"),
    )

    @app.get("/_bench/trivial")
    def trivial():
        return "ok", 200, {"Content-Type": "text/plain"}

    @app.post("/_bench/echo")
    def echo():
        body = request.get_json(silent=True) or {}
        return jsonify({"ok": True, "records": len(body.get("records", []))})

    return app


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))


def refresh_statistics(url: str) -> None:
    """Fresh planner statistics, as a running database has (autovacuum; SQLite's optimize)."""
    engine = create_engine(normalise_database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


# --- seed data -----------------------------------------------------------------------------


def account(employee_no: str, name: str, roles=(), password: str = PASSWORD):
    """An account for a benchmark to log in as or to notify (in an app context; the caller
    commits). The password rules do not apply: this password is printed in the source."""
    from app.services.users import create_user

    return create_user(
        employee_no=employee_no,
        name=name,
        password=password,
        roles=set(roles),
        must_change_password=False,
        check_rules=False,
    )


def _insert(db, model, rows):
    for start in range(0, len(rows), INSERT_BATCH):
        db.session.execute(insert(model), rows[start : start + INSERT_BATCH])


def seed(app, hazards: int, patrols: int, users: int, *, days: int = 365) -> dict:
    """Users (B00001 and B00002 safety officers, 200 inspectors), 10 workshops, 200 areas, a
    checklist, 200 patrol plans, `patrols` patrols and `hazards` hazards over `days` days.

    The hazards live as a network's do: the old ones are closed (or rejected) and the open ones
    are recent (the last three weeks), with a few left overdue. All sizes span the same `days`,
    so a larger size is a busier network, not a longer history: its open working set grows with
    it (about 400 open hazards at 10k, 4,300 at 100k), as does every query that reads the
    history.
    """
    import random

    from werkzeug.security import generate_password_hash

    from app.extensions import db
    from app.models import Department, User, UserRole
    from app.models.hazards import Hazard, HazardEvent
    from app.models.safety import (
        Area,
        Checklist,
        ChecklistItem,
        ChecklistVersion,
        Patrol,
        PatrolPlan,
    )

    rng = random.Random(7)
    now = datetime.now(UTC)
    with app.app_context():
        _insert(
            db,
            Department,
            [
                {"id": i, "name": f"车间{i}", "kind": "workshop", "created_at": now}
                for i in range(1, 11)
            ],
        )
        password = generate_password_hash(PASSWORD)
        _insert(
            db,
            User,
            [
                {
                    "id": i,
                    "employee_no": f"B{i:05d}",
                    "name": f"职工{i}",
                    "password_hash": password,
                    "department_id": 1 + i % 10,
                    "active": True,
                    "must_change_password": False,
                    "created_at": now,
                }
                for i in range(1, users + 1)
            ],
        )
        roles = [{"user_id": i, "role": "member"} for i in range(1, users + 1)]
        roles += [{"user_id": i, "role": "inspector"} for i in range(2, 202)]
        roles += [
            {"user_id": 1, "role": "safety_officer"},
            {"user_id": 2, "role": "safety_officer"},
        ]
        _insert(db, UserRole, roles)
        _insert(
            db,
            Area,
            [
                {
                    "id": i,
                    "name": f"区域{i}",
                    "kind": "production",
                    "department_id": 1 + i % 10,
                    "description": "",
                    "active": True,
                    "created_at": now,
                }
                for i in range(1, 201)
            ],
        )
        db.session.execute(
            insert(Checklist),
            [
                {
                    "id": 1,
                    "name": "巡查表",
                    "area_kind": "production",
                    "active": True,
                    "created_at": now,
                }
            ],
        )
        db.session.execute(
            insert(ChecklistVersion), [{"id": 1, "checklist_id": 1, "number": 1, "created_at": now}]
        )
        db.session.execute(text("UPDATE checklists SET current_version_id = 1"))
        _insert(
            db,
            ChecklistItem,
            [{"version_id": 1, "position": i, "text": f"检查项{i}"} for i in range(5)],
        )
        _insert(
            db,
            PatrolPlan,
            [
                {
                    "inspector_id": 2 + i % 200,
                    "area_id": 1 + i,
                    "weekdays": "1010100",
                    "active": True,
                    "created_at": now,
                }
                for i in range(200)
            ],
        )
        patrol_rows = []
        for i in range(patrols):
            started = now - timedelta(minutes=rng.randrange(60 * 24 * days))
            patrol_rows.append(
                {
                    "inspector_id": 2 + i % 200,
                    "area_id": 1 + i % 200,
                    "checklist_version_id": 1,
                    "status": "finished",
                    "note": "",
                    "started_at": started,
                    "finished_at": started + timedelta(minutes=20),
                    "captured_at": started,
                    "received_at": started,
                }
            )
        _insert(db, Patrol, patrol_rows)
        hazard_rows, event_rows = [], []
        for i in range(1, hazards + 1):
            age = timedelta(minutes=rng.randrange(60 * 24 * days))
            created = now - age
            status = _status_for(rng, age)
            assigned = status not in ("reported", "rejected")
            hazard_rows.append(
                {
                    "id": i,
                    "title": f"隐患{i} 设备护栏",
                    "description": "",
                    "area_id": 1 + i % 200,
                    "category": "other",
                    "severity": rng.choice(["general", "serious", "major"]),
                    "status": status,
                    "reporter_id": 1 + rng.randrange(users),
                    "assignee_id": 3 + i % 500 if assigned else None,
                    "rectified_by_id": 3 + i % 500
                    if status in ("awaiting_verification", "closed")
                    else None,
                    "due_on": (created + timedelta(days=14)).date() if assigned else None,
                    "captured_at": created,
                    "created_at": created,
                    "updated_at": created,
                    "closed_at": created + timedelta(days=rng.randrange(1, 30))
                    if status == "closed"
                    else None,
                }
            )
            event_rows.append(
                {
                    "hazard_id": i,
                    "actor_id": hazard_rows[-1]["reporter_id"],
                    "action": "report",
                    "to_status": "reported",
                    "note": "",
                    "captured_at": created,
                    "received_at": created,
                }
            )
            if status != "reported":
                event_rows.append(
                    {
                        "hazard_id": i,
                        "actor_id": 1,
                        "action": "assign",
                        "from_status": "reported",
                        "to_status": status,
                        "note": "",
                        "captured_at": created,
                        "received_at": created,
                    }
                )
        _insert(db, Hazard, hazard_rows)
        _insert(db, HazardEvent, event_rows)
        if db.engine.dialect.name == "postgresql":
            for table in ("departments", "users", "areas", "hazards", "patrols"):
                db.session.execute(
                    text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
        db.session.commit()
    return {"officer": "B00001", "inspector": "B00002"}


OPEN_MIX = ["reported", "assigned", "rectifying", "awaiting_verification"]


def _status_for(rng, age: timedelta) -> str:
    """Recent hazards are in every state; older ones closed or rejected, a few left open."""
    if age < timedelta(days=21):
        return rng.choice([*OPEN_MIX, "closed", "closed"])
    if rng.random() < 0.004:  # the stragglers: open, long overdue
        return rng.choice(OPEN_MIX[1:])
    return "rejected" if rng.random() < 0.08 else "closed"


# --- a server on loopback ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(url: str, workers: int = 1, *, threads: int = 1, extra_env: dict | None = None):
    """A gunicorn of the bench app (bench/_wsgi.py) on 127.0.0.1; yields its base URL."""
    import httpx

    port = free_port()
    instance = tempfile.mkdtemp(prefix="bench-gunicorn-")
    env = {
        **os.environ,
        "BENCH_APP_DATABASE_URL": url,
        "INSTANCE_PATH": instance,
        "PYTHONPATH": str(ROOT),
        **(extra_env or {}),
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--backlog",
        "2048",
        "bench._wsgi:app",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/_bench/trivial", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def login(client, base: str, employee_no: str, password: str = PASSWORD) -> str:
    """Log `client` (httpx) in; returns a CSRF token for JSON posts."""
    form = client.get(f"{base}/auth/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)[1]
    response = client.post(
        f"{base}/auth/login",
        data={"employee_no": employee_no, "password": password, "csrf_token": token},
    )
    assert response.status_code in (200, 303), response.status_code
    return client.get(f"{base}/sync/token").json()["csrf_token"]


# --- figures -------------------------------------------------------------------------------


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def statement_counts(url: str, paths: dict[str, str], user: str = "B00001") -> dict[str, int]:
    """The SQL statements each page runs, counted in-process as `user` (logged in once; each
    page is fetched once before it is counted, so the log-in's own look-ups are not its)."""
    from sqlalchemy import event

    from app.extensions import db

    app = bench_app(url, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/auth/login", data={"employee_no": user, "password": PASSWORD})
    counts = {}
    with app.app_context():
        for path in paths.values():  # once first: the log-in's own look-ups are not the page's
            client.get(path)
        for label, path in paths.items():
            seen = []

            def record(*_args, seen=seen):
                seen.append(1)

            event.listen(db.engine, "before_cursor_execute", record)
            try:
                assert client.get(path).status_code == 200, path
            finally:
                event.remove(db.engine, "before_cursor_execute", record)
            counts[label] = len(seen)
        db.engine.dispose()
    return counts


SLOW_MS = 1000


def ratios_to_trivial(client, base: str, paths: dict[str, str], rounds: int, runs: int):
    """Each page timed against the trivial route, alternately, `runs` times a round (once, for
    a page slower than `SLOW_MS`: its median needs no more and the run stays short): the
    ratio of their medians per round ({label: [ratio of each round]}) and the trivial
    route's medians (ms). Each page is fetched once first, to warm templates and caches."""
    slow = {label for label, path in paths.items() if timed(client, base + path) > SLOW_MS}
    ratios = {label: [] for label in paths}
    trivial_ms = []
    for _ in range(rounds):
        for label, path in paths.items():
            page, trivial = [], []
            for _ in range(1 if label in slow else runs):
                trivial.append(timed(client, f"{base}/_bench/trivial"))
                page.append(timed(client, base + path))
            ratios[label].append(statistics.median(page) / statistics.median(trivial))
            trivial_ms.append(statistics.median(trivial))
    return ratios, trivial_ms


def page_figures(url: str, paths: dict[str, str], rounds: int, runs: int, user: str = "B00001"):
    """Each page's statements (in-process) and its ratios to the trivial route (served by one
    gunicorn sync worker, as `user`): ({"ratios", "counts"}, the trivial route's median ms)."""
    import httpx

    counts = statement_counts(url, paths, user)
    with gunicorn(url, workers=1) as base, httpx.Client(timeout=60) as client:
        login(client, base, user)
        ratios, trivial_ms = ratios_to_trivial(client, base, paths, rounds, runs)
    return {"ratios": ratios, "counts": counts}, statistics.median(trivial_ms)


FLAT = 1.5


def growth_row(label: str, results: dict, sizes: list, target, max_statements=None, width=22):
    """One line of a growth table: the page's ratio at each size, its statements at each size,
    and its checks (<= `target` x trivial at the largest size, flat, <= `max_statements`)."""
    cells = "".join(f"{summary(results[s]['ratios'][label]):>22}" for s in sizes)
    counts = "/".join(str(results[s]["counts"][label]) for s in sizes)
    first = statistics.median(results[sizes[0]]["ratios"][label])
    last = statistics.median(results[sizes[-1]]["ratios"][label])
    growth = last / first
    checks = [f"flat ({growth:.2f}x from smallest to largest, <= {FLAT}): {verdict(growth, FLAT)}"]
    if target:
        checks.insert(0, f"<= {target:g}x: {verdict(last, target)}")
    if max_statements:
        worst = max(results[s]["counts"][label] for s in sizes)
        checks.append(f"<= {max_statements} statements: {verdict(worst, max_statements)}")
    return f"{label:<{width}}{cells}   {counts:>10}   {'; '.join(checks)}"


def summary(values: list[float]) -> str:
    """Median and spread (lowest–highest) of a figure's rounds."""
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def verdict(value: float, target: float, *, at_most: bool = True) -> str:
    ok = value <= target if at_most else value >= target
    return "ok" if ok else "MISSED"
