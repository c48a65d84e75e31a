"""Capacity under real concurrency: 50 people press "sign up" at once for 10 places, against
the app running as a server in another process, on the suite's database (SQLite by default,
PostgreSQL when TEST_DATABASE_URL points there)."""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Role, User
from app.models.activities import Participation, ParticipationStatus
from tests.activities.factories import make_activity

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 50
PLACES = 10
PASSWORD = "concurrent1"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(database_url, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path / "server-instance"),
        "SECRET_KEY": "concurrency-test",
        "FLASK_APP": "app",
    }
    env.pop("TEST_DATABASE_URL", None)
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--port", str(port), "--with-threads"]
        + ["--no-reload", "--no-debugger"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url + "/offline", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((tmp_path / "server.log").read_text()) from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _logged_in(url, employee_no) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = CSRF.search(session.get(url + "/auth/login").text).group(1)
    response = session.post(
        url + "/auth/login",
        data={"employee_no": employee_no, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return session, token


def test_fifty_simultaneous_sign_ups_for_ten_places(app, server):
    # One cheap hash for everyone: the test is about sign-up, not about password hashing.
    password_hash = generate_password_hash(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
    people = []
    for n in range(PEOPLE):
        user = User(employee_no=f"C{n:04d}", name=f"并发{n}", password_hash=password_hash)
        user.roles = {Role.MEMBER}
        people.append(user)
    db.session.add_all(people)
    activity = make_activity(capacity=PLACES)
    activity_id = activity.id

    sessions = [_logged_in(server, user.employee_no) for user in people]
    start = threading.Barrier(PEOPLE)

    def sign_up(session_and_token):
        session, token = session_and_token
        start.wait()
        return session.post(
            f"{server}/activities/{activity_id}/signup",
            data={"csrf_token": token},
            allow_redirects=False,
            timeout=60,
        ).status_code

    with ThreadPoolExecutor(PEOPLE) as pool:
        statuses = list(pool.map(sign_up, sessions))

    assert statuses == [303] * PEOPLE
    db.session.expire_all()
    counts = dict(
        db.session.execute(
            select(Participation.status, func.count(Participation.id))
            .where(Participation.activity_id == activity_id)
            .group_by(Participation.status)
        ).all()
    )
    assert counts == {
        ParticipationStatus.CONFIRMED: PLACES,
        ParticipationStatus.WAITLISTED: PEOPLE - PLACES,
    }
