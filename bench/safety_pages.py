"""How the safety pages hold up at volume.

Seeds 100,000 hazards, 20,000 patrols and 2,000 users (by default) into a fresh database, then
prints the median time of the hazard list, a hazard page and the dashboard next to a trivial
page (/offline) measured in the same run, and the ratio between them.

    .venv/bin/python bench/safety_pages.py                 # SQLite in a temporary folder
    DATABASE_URL=postgresql://…/bench_db .venv/bin/python bench/safety_pages.py
    .venv/bin/python bench/safety_pages.py --scale 0.1     # a tenth of the volume, quicker
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Department, User, UserRole  # noqa: E402
from app.models.hazards import Hazard, HazardEvent  # noqa: E402
from app.models.safety import (  # noqa: E402
    Area,
    Checklist,
    ChecklistItem,
    ChecklistVersion,
    Patrol,
    PatrolPlan,
)

BATCH = 5000
PASSWORD = "bench1234"
STATUS_MIX = [
    "reported",
    "assigned",
    "rectifying",
    "awaiting_verification",
    "closed",
    "closed",
    "closed",
    "closed",
    "rejected",
]


def _insert(model, rows):
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


def seed(hazards: int, patrols: int, users: int) -> None:
    rng = random.Random(7)
    now = datetime.now(UTC)
    _insert(
        Department,
        [
            {"id": i, "name": f"车间{i}", "kind": "workshop", "created_at": now}
            for i in range(1, 11)
        ],
    )
    password = generate_password_hash(PASSWORD)
    _insert(
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
    roles += [{"user_id": 1, "role": "safety_officer"}, {"user_id": 2, "role": "safety_officer"}]
    _insert(UserRole, roles)
    _insert(
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
        [{"id": 1, "name": "巡查表", "area_kind": "production", "active": True, "created_at": now}],
    )
    db.session.execute(
        insert(ChecklistVersion), [{"id": 1, "checklist_id": 1, "number": 1, "created_at": now}]
    )
    db.session.execute(text("UPDATE checklists SET current_version_id = 1"))
    _insert(
        ChecklistItem, [{"version_id": 1, "position": i, "text": f"检查项{i}"} for i in range(5)]
    )
    _insert(
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
        started = now - timedelta(minutes=rng.randrange(60 * 24 * 60))
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
    _insert(Patrol, patrol_rows)
    hazard_rows, event_rows = [], []
    for i in range(1, hazards + 1):
        status = rng.choice(STATUS_MIX)
        created = now - timedelta(minutes=rng.randrange(60 * 24 * 365))
        assigned = status not in ("reported", "rejected")
        hazard_rows.append(
            {
                "id": i,
                "title": f"隐患{i}",
                "description": "",
                "area_id": 1 + i % 200,
                "category": "other",
                "severity": rng.choice(["general", "serious", "major"]),
                "status": status,
                "reporter_id": 1 + rng.randrange(users),
                "assignee_id": 3 + i % 500 if assigned else None,
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
    _insert(Hazard, hazard_rows)
    _insert(HazardEvent, event_rows)
    db.session.commit()


def median_ms(client, url: str, runs: int) -> float:
    client.get(url)  # warm caches and templates once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full volume")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    hazards, patrols, users = (int(n * args.scale) for n in (100_000, 20_000, 2_000))
    users = max(users, 600)
    folder = tempfile.mkdtemp(prefix="bench-safety-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
        },
        instance_path=folder,
    )
    with app.app_context():
        from flask_migrate import upgrade

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        seed(hazards, patrols, users)
        # Fresh statistics, as a running database has (PostgreSQL's autovacuum; on SQLite, the
        # ANALYZE that `PRAGMA optimize` runs).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        seeded = time.perf_counter() - started
        some_hazard = db.session.scalar(select(Hazard.id).where(Hazard.status == "assigned"))
        dialect = db.engine.dialect.name
    print(
        f"{dialect}: {hazards} hazards, {patrols} patrols, {users} users (seeded in {seeded:.1f} s)"
    )
    client = app.test_client()
    client.post("/auth/login", data={"employee_no": "B00001", "password": PASSWORD})
    baseline = median_ms(client, "/offline", args.runs)
    print(f"{'page':<32}{'median ms':>10}{'x trivial':>11}")
    print(f"{'/offline (trivial)':<32}{baseline:>10.1f}{1:>11.1f}")
    for label, path in [
        ("hazard list (open)", "/safety/hazards?status=open"),
        ("hazard list (search)", "/safety/hazards?q=隐患99"),
        ("hazard page", f"/safety/hazards/{some_hazard}"),
        ("dashboard", "/safety/dashboard"),
    ]:
        ms = median_ms(client, path, args.runs)
        print(f"{label:<32}{ms:>10.1f}{ms / baseline:>11.1f}")
    print(f"(database left in {folder})" if "sqlite" in url else "")


if __name__ == "__main__":
    main()
