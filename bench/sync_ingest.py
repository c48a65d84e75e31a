"""Ingest 1,000 records (200 with a ~200 KB photo) through /sync, next to a plain insert.

    .venv/bin/python bench/sync_ingest.py            # SQLite in a temporary folder
    DATABASE_URL=postgresql://…/bench_db .venv/bin/python bench/sync_ingest.py

Both sides write the same things in the same run: the 1,000 rows the records become (the
test-only `note` kind makes an audit-log row), the 1,000 sync rows and 200 photo rows, and
the 200 photo files. /sync does it the way phones will: batches of 100 records as JSON with
a CSRF token, one savepoint per record, then one PUT per photo (digest check, JPEG check,
content-addressed file, one commit per photo, since a photo counts as stored only once its
row is committed). The plain side uses the ORM with one commit per 100 rows and writes the
files with open().

Both sides write their files durably: /sync fsyncs each photo before it answers "stored",
as a server must before the phone deletes its copy, so the plain side fsyncs its files too.
(Until this was made like for like, the plain side wrote its files without fsync and left
out the 200 photo rows.) The figure is the ratio; the target is /sync within 3x.
"""

import hashlib
import io
import os
import random
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from PIL import Image  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app import create_app  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import AuditLog, Role, SyncPhoto, SyncRecord, User  # noqa: E402
from app.models._types import utcnow  # noqa: E402
from tests.testkit import register_note_kind  # noqa: E402

RECORDS = 1000
WITH_PHOTO = 200
BATCH = 100
CAPTURED = "2026-11-23T09:12:00+08:00"


def photo(seed: int) -> bytes:
    """A ~200 KB JPEG; noise, so every photo is different and compresses like a real one."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (560, 560), rng.randbytes(560 * 560 * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def make_records(photos: list[bytes]) -> list[dict]:
    records = []
    for i in range(RECORDS):
        refs = []
        if i % (RECORDS // WITH_PHOTO) == 0:
            data = photos[sum(1 for r in records if r["photos"])]
            refs = [
                {
                    "id": str(uuid.uuid4()),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                    "bytes": data,
                }
            ]
        records.append(
            {
                "id": str(uuid.uuid4()),
                "kind": "note",
                "captured_at": CAPTURED,
                "data": {"text": f"巡检记录 {i}：二号线护栏"},
                "photos": refs,
            }
        )
    return records


def logged_in_client(app, user):
    client = app.test_client()
    form = client.get("/auth/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)[1]
    client.post(
        "/auth/login",
        data={"employee_no": user.employee_no, "password": "bench-pass-1", "csrf_token": csrf},
    )
    return client


def through_sync(client, records) -> tuple[float, float]:
    """Seconds spent on the records (POST /sync) and on the photos (PUT)."""
    posting = putting = 0.0
    token = client.get("/sync/token").json["csrf_token"]
    headers = {"X-CSRFToken": token}
    for i in range(0, len(records), BATCH):
        wire = [
            {**r, "photos": [{k: v for k, v in p.items() if k != "bytes"} for p in r["photos"]]}
            for r in records[i : i + BATCH]
        ]
        start = time.perf_counter()
        response = client.post("/sync", json={"device": "bench", "records": wire}, headers=headers)
        posting += time.perf_counter() - start
        results = response.json["results"]
        assert all(r["status"] == "created" for r in results), results[:3]
        for record, result in zip(records[i : i + BATCH], results, strict=True):
            for ref in record["photos"]:
                assert ref["id"] in result["missing_photos"]
                start = time.perf_counter()
                put = client.put(f"/sync/photos/{ref['id']}", data=ref["bytes"], headers=headers)
                putting += time.perf_counter() - start
                assert put.status_code == 201, put.json
    return posting, putting


def plain_insert(user, records, folder: Path) -> tuple[float, float]:
    """Seconds spent on the rows (ORM, one commit per 100) and on the photo files (open, write,
    fsync)."""
    rows = files = 0.0
    for i in range(0, len(records), BATCH):
        start = time.perf_counter()
        for record in records[i : i + BATCH]:
            entry = AuditLog(
                actor_id=user.id,
                action="plain.note",
                target_type="",
                summary=record["data"]["text"],
            )
            db.session.add(entry)
            db.session.flush()
            now = utcnow()
            record_id = str(uuid.uuid4())
            db.session.add(
                SyncRecord(
                    id=record_id,
                    user_id=user.id,
                    kind="note",
                    content_hash="0" * 64,
                    url=f"/notes/{entry.id}",
                    target_type="audit_logs",
                    target_id=entry.id,
                    captured_at=now,
                    received_at=now,
                )
            )
            for position, ref in enumerate(record["photos"]):
                db.session.add(
                    SyncPhoto(
                        id=str(uuid.uuid4()),
                        record_id=record_id,
                        user_id=user.id,
                        position=position,
                        sha256=ref["sha256"],
                        size=ref["size"],
                        stored_sha256=ref["sha256"],
                        path=f"{ref['sha256']}.jpg",
                        received_at=now,
                    )
                )
        db.session.commit()
        rows += time.perf_counter() - start
        start = time.perf_counter()
        for record in records[i : i + BATCH]:
            for ref in record["photos"]:
                digest = hashlib.sha256(ref["bytes"]).hexdigest()
                with open(folder / f"{digest}.jpg", "wb") as f:
                    f.write(ref["bytes"])
                    f.flush()
                    os.fsync(f.fileno())
        files += time.perf_counter() - start
    return rows, files


def main() -> None:
    rounds = int(os.environ.get("ROUNDS", "3"))
    workdir = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    url = normalise_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    )
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"},
        instance_path=str(workdir / "instance"),
    )
    register_note_kind(app)
    photos = [photo(seed) for seed in range(WITH_PHOTO * rounds)]
    plain_runs, sync_runs = [], []
    with app.app_context():
        upgrade()
        user = User(employee_no=f"B{uuid.uuid4().hex[:8]}", name="压测", must_change_password=False)
        user.roles = {Role.MEMBER, Role.INSPECTOR}
        user.set_password("bench-pass-1")
        db.session.add(user)
        db.session.commit()
        client = logged_in_client(app, user)
        # Alternate the two sides, fresh records and photos each round; keep each side's best,
        # so that a busy machine (other jobs, disk syncs) disturbs the figure least.
        for n in range(rounds):
            records = make_records(photos[n * WITH_PHOTO : (n + 1) * WITH_PHOTO])
            folder = workdir / f"plain-uploads-{n}"
            folder.mkdir()
            plain_runs.append(plain_insert(user, records, folder))
            sync_runs.append(through_sync(client, records))
        # This run's photos that came through /sync (the plain side's rows have no device).
        stored = db.session.scalar(
            select(func.count())
            .select_from(SyncPhoto)
            .join(SyncRecord)
            .where(
                SyncPhoto.user_id == user.id,
                SyncRecord.device == "bench",
                SyncPhoto.received_at.is_not(None),
            )
        )
    rows, files = min(plain_runs, key=sum)
    posting, putting = min(sync_runs, key=sum)
    plain, sync = rows + files, posting + putting
    avg_kb = sum(map(len, photos)) / len(photos) / 1024
    print(f"database: {url.split(':')[0].split('+')[0]}; best of {rounds} rounds")
    print(f"records: {RECORDS} a round ({WITH_PHOTO} with a photo, {avg_kb:.0f} KB on average)")
    print(
        f"plain insert:   {plain:6.2f} s = rows {rows:5.2f} s + photo files {files:5.2f} s"
        " (fsynced, as /sync's are)"
    )
    print(f"through /sync:  {sync:6.2f} s = POST {posting:5.2f} s + PUT photos {putting:5.2f} s")
    print(f"photos stored through /sync: {stored} (of {WITH_PHOTO * rounds})")
    print(f"records alone: {posting / rows:.2f}x   photos alone: {putting / files:.2f}x")
    print(f"ratio /sync : plain = {sync / plain:.2f}x  (target: within 3x)")


if __name__ == "__main__":
    main()
