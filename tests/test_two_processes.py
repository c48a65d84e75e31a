"""Two app processes behind one PostgreSQL and one Redis, a shared upload folder and one job
consumer (issue 13): what an inspector syncs through process A — the record and its photo —
reads the same on process B, and the safety officer's phone gets its push exactly once.

Each process has an instance folder of its own, so nothing may lean on one: sessions, CSRF,
uploads and the queue must all be shared. Needs PostgreSQL on 127.0.0.1:5432 and Redis on
127.0.0.1:6379, as on the development machines and in CI; skipped where either is missing
(except under CI, where missing means failed).
"""

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from tests.notify.push_service import Browser, PushService
from tests.safety.factories import jpeg_bytes

PROJECT_ROOT = Path(__file__).resolve().parents[1]
APP = "tests.notify.consumer_app"  # the app, allowed to push to the test's local service
REDIS_DB = 11  # a database of Redis nobody else here uses; only this test's queue keys


def _reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("CI_REQUIRE_SERVICES") and not (_reachable(5432) and _reachable(6379)),
        reason="needs PostgreSQL on 5432 and Redis on 6379",
    ),
    pytest.mark.own_database,
]

SETUP = textwrap.dedent(
    """
    import json, sys
    from tests.notify.consumer_app import app
    from app.blueprints.notify import services
    from app.models import Role
    from tests.factories import make_user
    from tests.safety.factories import make_area

    with app.app_context():
        area = make_area()
        officer = make_user(Role.SAFETY_OFFICER, employee_no="TP-S1", password="secret123")
        make_user(Role.INSPECTOR, employee_no="TP-I1", password="secret123")
        services.save_subscription(officer, json.loads(sys.argv[1]))
        from app.extensions import db
        db.session.commit()
        print(json.dumps({"area": area.id}))
    """
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database():
    import psycopg

    name = f"wh_two_processes_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url():
    """Redis database REDIS_DB, emptied before and after: it is this test's alone."""
    import redis

    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()


class Cluster:
    """The processes, each with its own instance folder and log."""

    def __init__(self, root: Path, database: str, redis: str):
        self.root = root
        self.base_env = {
            **os.environ,
            "DATABASE_URL": database,
            "REDIS_URL": redis,
            "UPLOAD_FOLDER": str(root / "shared-uploads"),
            "SECRET_KEY": "two-processes",
        }
        for name in ("TEST_DATABASE_URL", "VAPID_PRIVATE_KEY"):
            self.base_env.pop(name, None)
        self.processes = []

    def env(self, name: str) -> dict:
        return {**self.base_env, "INSTANCE_PATH": str(self.root / f"instance-{name}")}

    def run(self, *args, name="setup") -> str:
        return subprocess.run(
            [sys.executable, *args],
            env=self.env(name),
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout

    def start(self, name: str, *flask_args) -> None:
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop())
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", APP, *flask_args],
            env=self.env(name),
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append((name, process, log))

    def serve(self, name: str) -> str:
        port = _free_port()
        self.start(name, "run", "--host", "127.0.0.1", "--port", str(port), "--with-threads")
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(url + "/offline", timeout=1)
                return url
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start: {self.logs()}")

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}\n" + (self.root / f"{name}.log").read_text(errors="replace")[-3000:]
            for name, _process, _log in self.processes
        )

    def stop(self) -> None:
        for _name, process, _log in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # Huey's and Werkzeug's graceful stop
        for _name, process, log in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a server stuck on its way out: end it, reap it
                process.kill()
                process.wait(timeout=20)
            log.close()


def _log_in(session: requests.Session, base: str, employee_no: str) -> None:
    page = session.get(base + "/auth/login").text
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = session.post(
        base + "/auth/login",
        data={"employee_no": employee_no, "password": "secret123", "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


@pytest.mark.heavy
def test_what_one_process_syncs_reads_the_same_on_the_other(tmp_path, database, redis_url):
    cluster = Cluster(tmp_path, database, redis_url)
    cluster.run("-m", "flask", "--app", APP, "db", "upgrade")
    phone = Browser()
    with PushService() as push:
        made = json.loads(
            cluster.run("-c", SETUP, json.dumps(phone.subscription(push.endpoint("s"))))
        )
        # Closed before the servers stop: a kept-alive connection holds a server's thread, and
        # the server then waits for it on its way out.
        inspector = requests.Session()
        try:
            a, b = cluster.serve("a"), cluster.serve("b")
            cluster.start("worker", "jobs", "worker", "--workers", "2")
            _log_in(inspector, a, "TP-I1")
            # The CSRF token A gives, B takes: one session, one secret.
            token = inspector.get(b + "/sync/token").json()["csrf_token"]
            picture = jpeg_bytes(size=(640, 480), colour="teal")
            ref = {
                "id": str(uuid.uuid4()),
                "sha256": hashlib.sha256(picture).hexdigest(),
                "size": len(picture),
            }
            record = {
                "id": str(uuid.uuid4()),
                "kind": "hazard",
                "captured_at": datetime(2026, 12, 6, 9, 0, tzinfo=UTC).isoformat(),
                "data": {
                    "title": "二号线护栏松动",
                    "area_id": str(made["area"]),
                    "category": "machinery",
                    "severity": "serious",
                },
                "photos": [ref],
            }
            sent = inspector.post(
                a + "/sync",
                json={"device": "p1", "records": [record]},
                headers={"X-CSRFToken": token},
            )
            assert sent.status_code == 200, cluster.logs()
            [result] = sent.json()["results"]
            assert result["status"] == "created", result
            # The photo goes to B, the other process: it finds the record A wrote.
            put = inspector.put(
                b + f"/sync/photos/{ref['id']}",
                data=picture,
                headers={"X-CSRFToken": token, "Content-Type": "image/jpeg"},
            )
            assert put.status_code == 201, put.text[:300]
            # Sending the record again to B is recognised: nothing doubled.
            again = inspector.post(
                b + "/sync",
                json={"device": "p1", "records": [record]},
                headers={"X-CSRFToken": token},
            )
            assert again.json()["results"][0]["status"] == "duplicate"

            page = inspector.get(b + result["url"])
            assert page.status_code == 200 and "二号线护栏松动" in page.text
            photo_path = page.text.split('src="/safety/photos/', 1)[1].split('"', 1)[0]
            served_on_a = inspector.get(a + "/safety/photos/" + photo_path)
            served_on_b = inspector.get(b + "/safety/photos/" + photo_path)
            assert served_on_a.status_code == served_on_b.status_code == 200
            assert served_on_a.content == served_on_b.content
            for name in ("a", "b"):
                assert not (tmp_path / f"instance-{name}" / "uploads").exists()

            push.wait_for(1, timeout=30)
            time.sleep(2)  # a second push would come within this time
            assert len(push.for_endpoint("s")) == 1, cluster.logs()
            payload = json.loads(phone.decrypt(push.for_endpoint("s")[0].body))
            assert "二号线护栏松动" in payload["title"]
        finally:
            inspector.close()
            cluster.stop()
