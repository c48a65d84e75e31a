"""One notification fanned out to N web-push subscriptions (default 5,000), delivered by a
real consumer process to a push service on 127.0.0.1; prints notifications per second with
one and with two consumer workers.

    .venv/bin/python bench/notify_fanout.py [--count 5000] [--workers 1 2]

Uses a throw-away instance folder and SQLite database (SqliteHuey beside it), or Redis when
REDIS_URL is set. The push service checks every VAPID signature, as a real one does; one
message in a hundred is also decrypted and compared with what was sent.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, account, flask_instance

from tests.notify.push_service import Browser, PushService


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    with flask_instance("notify") as (tmp, env):
        from app import create_app

        app = create_app()
        phone = Browser()
        with PushService() as service, app.app_context():
            user_id = _subscribers(service, phone, args.count)
            print(
                f"{args.count} subscriptions; queue: {_queue_kind(app)}; "
                f"machine: {os.cpu_count()} CPUs"
            )
            for workers in args.workers:
                rate = _run(env, tmp, service, phone, user_id, args.count, workers)
                target = "   target with 2 workers >= 500/s" if workers == 2 else ""
                print(f"{workers} worker(s): {rate:,.0f} notifications/s{target}")


def _queue_kind(app) -> str:
    from app.jobs import huey

    return type(huey.storage).__name__


def _subscribers(service, phone, count) -> int:
    from sqlalchemy import insert

    from app.extensions import db
    from app.models import PushSubscription

    user = account("BENCH1", "压测")
    db.session.flush()
    info = phone.subscription("")["keys"]
    db.session.execute(
        insert(PushSubscription),
        [
            {
                "user_id": user.id,
                "endpoint": service.endpoint(f"s{i}"),
                "p256dh": info["p256dh"],
                "auth": info["auth"],
                "user_agent": "bench",
            }
            for i in range(count)
        ],
    )
    db.session.commit()
    return user.id


def _run(env, tmp, service, phone, user_id, count, workers) -> float:
    from app.blueprints.notify.services import notify
    from app.extensions import db

    service.received.clear()
    log_path = Path(tmp) / f"consumer-{workers}.log"
    with open(log_path, "wb") as log:
        # The consumer app of the push tests: it may push to the loopback push service.
        command = ["jobs", "worker", "-w", str(workers), "--no-periodic"]
        consumer = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tests.notify.consumer_app", *command],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait(lambda: b"consumer started" in log_path.read_bytes(), 60, consumer)
            start = time.perf_counter()
            notify([user_id], "notices.bench", f"压测 {workers}", "一条通知，五千个订阅")
            db.session.commit()  # the fan-out job is queued here
            _wait(lambda: len(service.received) >= count, 600, consumer)
            elapsed = time.perf_counter() - start
        finally:
            consumer.send_signal(2)  # SIGINT: let the workers finish
            consumer.wait(timeout=60)
    if len(service.received) < count:
        raise SystemExit(f"only {len(service.received)} of {count} arrived; see {log_path}")
    for sample in service.received[:: max(1, count // 100)]:
        assert json.loads(phone.decrypt(sample.body))["title"] == f"压测 {workers}"
    assert not service.errors, service.errors[:3]
    return count / elapsed


def _wait(condition, timeout, process) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise SystemExit("the consumer stopped early")
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        time.sleep(0.05)


if __name__ == "__main__":
    main()
