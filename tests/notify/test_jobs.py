"""Background jobs: the daily job runner in immediate mode, and the whole path through a
real consumer process (`flask jobs worker`) with SqliteHuey in the instance folder."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app import jobs
from app.blueprints.notify import services
from app.features import registry
from app.models import Notification
from app.models._types import utcnow
from tests.factories import make_user
from tests.notify.push_service import Browser, PushService

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_tests_run_jobs_immediately(app):
    assert jobs.huey.immediate


def test_the_daily_job_runs_every_registered_job_even_when_one_fails(db, monkeypatch, caplog):
    ran = []
    daily = registry().daily_jobs
    monkeypatch.setitem(daily, "test.first", lambda: ran.append("first"))
    monkeypatch.setitem(daily, "test.broken", lambda: 1 / 0)
    monkeypatch.setitem(daily, "test.last", lambda: ran.append("last"))
    user = make_user()
    (old,) = services.notify([user.id], "system.test", "old")
    old.read_at = old.created_at = utcnow() - timedelta(days=365)
    db.session.commit()

    # Calling a periodic task enqueues it; in immediate mode that runs it now.
    jobs.run_daily_jobs()

    assert ran == ["first", "last"]
    assert "daily job test.broken failed" in caplog.text
    assert db.session.scalar(select(Notification)) is None  # notify.clean_inbox ran too


def test_the_daily_job_is_scheduled_for_eight_in_the_morning_in_china(app):
    from datetime import datetime

    task = jobs.run_daily_jobs.task_class()
    due = [
        hour
        for hour in range(24)
        if task.validate_datetime(datetime(2026, 11, 23, hour, 0))  # UTC, as Huey checks
    ]
    assert due == [0]  # 00:00 UTC is 08:00 in Asia/Shanghai
    assert not task.validate_datetime(datetime(2026, 11, 23, 0, 1))


def test_the_daily_job_is_at_eight_on_the_configured_clock_summer_time_and_all(app):
    from datetime import datetime

    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Berlin"
    task = jobs.run_daily_jobs.task_class()
    for month, hour in ((1, 7), (7, 6)):  # 08:00 CET, 08:00 CEST
        due = [h for h in range(24) if task.validate_datetime(datetime(2026, month, 15, h, 0))]
        assert due == [hour]


def test_run_daily_command(runner, db):
    result = runner.invoke(args=["jobs", "run-daily"])
    assert result.exit_code == 0
    assert "notify.clean_inbox: ok" in result.output


SETUP = textwrap.dedent(
    """
    import json, sys
    from datetime import timedelta
    from app import create_app
    from app.blueprints.notify import services
    from app.extensions import db
    from app.jobs import run_daily_jobs
    from app.models import Category, Notification
    from app.models._types import utcnow
    from app.services.users import create_user

    app = create_app({"PUSH_ALLOW_LOCAL_HTTP": True})
    with app.app_context():
        user = create_user(employee_no="Q0001", name="队列", password="secret123",
                           roles=set(), department=None, must_change_password=False)
        db.session.flush()
        services.save_subscription(user, json.loads(sys.argv[1]))
        long_ago = utcnow() - timedelta(days=365)
        old = Notification(user_id=user.id, category=Category.SYSTEM, kind="system.test",
                           title="一年前的消息", created_at=long_ago, read_at=long_ago)
        db.session.add(old)
        db.session.commit()
        (row,) = services.notify([user.id], "hazards.assigned", "队列送来的隐患", "", "/me")
        db.session.commit()
        run_daily_jobs()  # a periodic task called directly is queued like any other
        print(json.dumps({"id": row.id, "old": old.id}))
    """
)


def test_a_real_consumer_process_sends_push_and_runs_the_daily_jobs(tmp_path):
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "jobs.db"),
        "SECRET_KEY": "consumer-test",
        "FLASK_APP": "app",
    }
    for name in ("TEST_DATABASE_URL", "REDIS_URL", "VAPID_PRIVATE_KEY"):
        env.pop(name, None)

    def run(*args):
        return subprocess.run(
            [sys.executable, *args],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout

    run("-m", "flask", "db", "upgrade")
    phone = Browser()
    with PushService() as service:
        made = json.loads(run("-c", SETUP, json.dumps(phone.subscription(service.endpoint("q")))))
        assert (tmp_path / "instance" / "huey.db").exists()
        assert service.received == []  # queued, not sent: nobody consumes yet

        log = open(tmp_path / "consumer.log", "wb")  # noqa: SIM115
        consumer = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tests.notify.consumer_app"]
            + ["jobs", "worker", "--workers", "2"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and consumer.poll() is None:
                if service.received and not _count(tmp_path, made["old"]):
                    break
                time.sleep(0.1)
        finally:
            consumer.send_signal(signal.SIGINT)  # Huey's graceful stop
            consumer.wait(timeout=30)
            log.close()
        output = (tmp_path / "consumer.log").read_text()

    assert len(service.for_endpoint("q")) == 1, output
    (got,) = service.for_endpoint("q")
    payload = json.loads(phone.decrypt(got.body))
    assert payload["title"] == "队列送来的隐患"
    assert payload["url"] == "/me"
    assert payload["open"] == f"/notifications/{made['id']}"
    assert _count(tmp_path, made["old"]) == 0, output  # the daily clean-up ran
    assert _count(tmp_path, made["id"]) == 1
    assert service.errors == []


def _count(tmp_path, notification_id) -> int:
    with sqlite3.connect(tmp_path / "jobs.db") as conn:
        return conn.execute(
            "select count(*) from notifications where id = ?", (notification_id,)
        ).fetchone()[0]


def test_the_queue_is_sqlite_in_the_instance_folder_or_redis_when_configured(tmp_path):
    from huey.storage import RedisStorage, SqliteStorage

    from app import create_app

    try:
        create_app({"HUEY_IMMEDIATE": False}, instance_path=str(tmp_path / "a"))
        assert isinstance(jobs.huey.storage, SqliteStorage)
        assert jobs.huey.storage.filename == str(tmp_path / "a" / "huey.db")

        create_app(
            {"HUEY_IMMEDIATE": False, "REDIS_URL": "redis://127.0.0.1:6379/0"},
            instance_path=str(tmp_path / "b"),
        )
        assert isinstance(jobs.huey.storage, RedisStorage)
        assert not (tmp_path / "b" / "huey.db").exists()
    finally:
        jobs.huey.immediate = True  # as the other tests' apps have it
