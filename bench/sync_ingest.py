"""/sync of real hazard records, next to a raw Core executemany of the same rows.

Each round makes 1,000 fresh `hazard` records (as phones send them: JSON batches of 100, a
CSRF token, a logged-in inspector who is not a safety officer) and writes them twice:

- through `POST /sync` (in-process test client): validation, permissions, the hazard, its
  `report` event, the audit entry, an inbox row for each of the two safety officers, and the
  sync row — seven rows a record, written with one INSERT a table for each run of new
  hazards (`report_hazards`), one commit a batch;
- as the baseline, the same seven rows a record with SQLAlchemy Core `executemany`
  (`INSERT … RETURNING id` for the rows others point at), one commit per 100 records.

The ratio is taken within each round (the two sides alternate which goes first); the script
prints the median and spread of the rounds, and the SQL statements /sync runs per record.
Target (issue 13): /sync within 2x of the raw insert, on SQLite and on PostgreSQL.

    .venv/bin/python bench/sync_ingest.py                      # SQLite, 3 rounds
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/wh_bench .venv/bin/python \\
        bench/sync_ingest.py --rounds 5
"""

import argparse
import gc
import hashlib
import json
import statistics
import time
import uuid
from datetime import UTC, datetime

from _common import (
    bench_app,
    dialect_of,
    migrate,
    own_database,
    refresh_statistics,
    seed,
    summary,
    verdict,
)
from sqlalchemy import event, insert

RECORDS = 1000
BATCH = 100
TARGET = 2.0
CAPTURED = "2026-11-23T09:12:00+08:00"
INSPECTOR = "B00003"  # an inspector; B00001 and B00002 are the safety officers


def make_records(n: int, round_no: int) -> list[dict]:
    return [
        {
            "id": str(uuid.uuid4()),
            "kind": "hazard",
            "captured_at": CAPTURED,
            "data": {
                "title": f"二号线护栏松动 {round_no}-{i}",
                "description": "护栏底座螺栓缺失，人员可能坠落。",
                "area_id": 1 + i % 200,
                "category": "height",
                "severity": ["general", "serious", "major"][i % 3],
            },
            "photos": [],
        }
        for i in range(n)
    ]


def through_sync(client, token: str, records: list[dict]) -> float:
    seconds = 0.0
    for start in range(0, len(records), BATCH):
        body = {"device": "bench", "records": records[start : start + BATCH]}
        began = time.perf_counter()
        response = client.post("/sync", json=body, headers={"X-CSRFToken": token})
        seconds += time.perf_counter() - began
        results = response.get_json()["results"]
        assert all(r["status"] == "created" for r in results), results[:2]
    return seconds


def raw_insert(app, user_id: int, officers: list[int], records: list[dict]) -> float:
    """The same rows as /sync writes, with Core executemany, one commit per batch."""
    from app.extensions import db
    from app.models import AuditLog, Notification, SyncRecord
    from app.models.hazards import Hazard, HazardEvent

    seconds = 0.0
    with app.app_context():
        for start in range(0, len(records), BATCH):
            batch = records[start : start + BATCH]
            now = datetime.now(UTC)
            captured = datetime.fromisoformat(CAPTURED).astimezone(UTC)
            began = time.perf_counter()
            conn = db.session.connection()
            hazard_ids = conn.scalars(
                insert(Hazard).returning(Hazard.id, sort_by_parameter_order=True),
                [
                    {
                        "client_id": r["id"],
                        "title": r["data"]["title"],
                        "description": r["data"]["description"],
                        "area_id": r["data"]["area_id"],
                        "category": r["data"]["category"],
                        "severity": r["data"]["severity"],
                        "status": "reported",
                        "reporter_id": user_id,
                        "captured_at": captured,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for r in batch
                ],
            ).all()
            conn.execute(
                insert(HazardEvent),
                [
                    {
                        "hazard_id": hazard_id,
                        "actor_id": user_id,
                        "action": "report",
                        "to_status": "reported",
                        "note": "",
                        "captured_at": captured,
                        "received_at": now,
                    }
                    for hazard_id in hazard_ids
                ],
            )
            conn.execute(
                insert(AuditLog),
                [
                    {
                        "actor_id": user_id,
                        "action": "hazard.reported",
                        "target_type": "Hazard",
                        "target_id": str(hazard_id),
                        "summary": r["data"]["title"],
                        "address": "127.0.0.1",
                        "at": now,
                    }
                    for hazard_id, r in zip(hazard_ids, batch, strict=True)
                ],
            )
            conn.execute(
                insert(Notification),
                [
                    {
                        "user_id": officer,
                        "category": "hazards",
                        "kind": "hazards.reported",
                        "title": f"新隐患：{r['data']['title']}",
                        "body": "严重程度：一般。请指派整改人。",
                        "url": f"/safety/hazards/{hazard_id}",
                        "created_at": now,
                    }
                    for hazard_id, r in zip(hazard_ids, batch, strict=True)
                    for officer in officers
                ],
            )
            conn.execute(
                insert(SyncRecord),
                [
                    {
                        "id": str(uuid.uuid4()),  # the /sync side took the record's own id
                        "user_id": user_id,
                        "kind": "hazard",
                        "device": "raw",
                        "content_hash": hashlib.sha256(
                            json.dumps(r, sort_keys=True).encode()
                        ).hexdigest(),
                        "status": "created",
                        "url": f"/safety/hazards/{hazard_id}",
                        "target_type": "hazards",
                        "target_id": hazard_id,
                        "captured_at": captured,
                        "received_at": now,
                    }
                    for hazard_id, r in zip(hazard_ids, batch, strict=True)
                ],
            )
            db.session.commit()
            seconds += time.perf_counter() - began
        db.session.remove()
    return seconds


def statements_per_record(app, client, token: str) -> tuple[float, int]:
    from app.extensions import db

    records = make_records(BATCH, 999)
    seen = []
    with app.app_context():
        engine = db.engine

        def count(*_args):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            through_sync(client, token, records)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return len(seen) / BATCH, len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--records", type=int, default=RECORDS)
    args = parser.parse_args()
    with own_database("sync") as url:
        app = bench_app(url)
        migrate(app)
        seed(app, 1000, 100, 600)
        from app.extensions import db
        from app.models import User

        with app.app_context():
            user = db.session.scalar(db.select(User).filter_by(employee_no=INSPECTOR))
            user_id = user.id
            officers = [1, 2]
            db.session.remove()
        client = app.test_client()
        import re

        form = client.get("/auth/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)[1]
        client.post(
            "/auth/login",
            data={"employee_no": INSPECTOR, "password": "bench1234", "csrf_token": csrf},
        )
        token = client.get("/sync/token").get_json()["csrf_token"]
        through_sync(client, token, make_records(BATCH, -1))  # warm up once
        # As the app's gunicorn workers do (gunicorn.conf.py): the loaded app is left out of
        # the collector's full passes, which would otherwise fall on either side at random.
        gc.collect()
        gc.freeze()
        per_record, total = statements_per_record(app, client, token)
        ratios, sync_rates, raw_rates = [], [], []
        for n in range(args.rounds):
            # Each round adds thousands of rows: the planner's statistics of them, as a running
            # database has them (autovacuum), not those of the empty tables it started with.
            refresh_statistics(url)
            records = make_records(args.records, n)
            twins = make_records(args.records, n)
            if n % 2:
                raw = raw_insert(app, user_id, officers, twins)
                synced = through_sync(client, token, records)
            else:
                synced = through_sync(client, token, records)
                raw = raw_insert(app, user_id, officers, twins)
            ratios.append(synced / raw)
            sync_rates.append(args.records / synced)
            raw_rates.append(args.records / raw)
            print(
                f"  round {n + 1}: /sync {synced:6.2f} s, raw executemany {raw:6.2f} s, "
                f"ratio {synced / raw:5.2f}x"
            )
    print(f"database: {dialect_of(url)}; {args.records} hazard records a round, batches of {BATCH}")
    print(f"statements per record through /sync: {per_record:.1f} ({total} for {BATCH} records)")
    print(f"/sync records/s:          {summary(sync_rates)}")
    print(f"raw executemany records/s: {summary(raw_rates)}")
    median = statistics.median(ratios)
    print(
        f"ratio /sync : raw executemany = {summary(ratios)}x   target <= {TARGET:g}x: "
        f"{verdict(median, TARGET)}"
    )


if __name__ == "__main__":
    main()
