"""A 5,000-row roster imported in the background while others log in: prints the time the
upload takes to answer, the import's own time, and log-in times during and without it.

    .venv/bin/python bench/roster_import.py [--rows 5000]

Uses a throw-away instance folder and SQLite database (the default deployment). The import
writes 100 rows per transaction with one password hash for the whole file; log-ins meanwhile
wait at most for one batch, never for the whole file.
"""

import argparse
import io
import statistics
import subprocess
import sys
import threading
import time

from _common import PASSWORD, ROOT, account, flask_instance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()

    with flask_instance("roster") as (_tmp, env):
        from app import create_app
        from app.extensions import db
        from app.models import Role

        app = create_app({"HUEY_IMMEDIATE": False, "WTF_CSRF_ENABLED": False})
        queued = []
        with app.app_context():
            from app.blueprints.admin import jobs

            # Queued by hand below, in a consumer process of its own.
            jobs.enqueue_after_commit = lambda task, *a: queued.append(a)
            account("ADM1", "管理员", {Role.ADMIN})
            account("W1", "职工")
            db.session.commit()

        admin, worker = app.test_client(), app.test_client()
        admin.post("/auth/login", data={"employee_no": "ADM1", "password": PASSWORD})
        lines = "\n".join(f"{100000 + n},职工{n}" for n in range(args.rows))
        started = time.perf_counter()
        response = admin.post(
            "/admin/import",
            data={
                "file": (io.BytesIO(f"工号,姓名\n{lines}\n".encode()), "roster.csv"),
                "initial_password": "start2026",
            },
            content_type="multipart/form-data",
        )
        answered = time.perf_counter() - started
        assert response.status_code == 303, response.status_code
        (import_id,) = queued[0]

        def log_in() -> float:
            t = time.perf_counter()
            worker.post("/auth/login", data={"employee_no": "W1", "password": PASSWORD})
            worker.post("/auth/logout")
            return time.perf_counter() - t

        quiet = [log_in() for _ in range(5)]
        done = threading.Event()
        took = []

        def consume():
            # The consumer is a process of its own, as `flask jobs worker` is.
            code = (
                "from app import create_app; from app.blueprints.admin import jobs; "
                f"app = create_app({{'HUEY_IMMEDIATE': False}}); ctx = app.app_context(); "
                f"ctx.push(); print(jobs.run_import.call_local({import_id}))"
            )
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)
            took.append(time.perf_counter() - t)
            done.set()

        threading.Thread(target=consume).start()
        during = []
        while not done.is_set():
            during.append(log_in())
        print(f"rows: {args.rows}")
        print(f"upload answered in {answered:.2f} s (file checked, import queued)")
        print(f"import took {took[0]:.1f} s in the background")
        print(
            f"log-in: {statistics.median(quiet) * 1000:.0f} ms median alone, "
            f"{statistics.median(during) * 1000:.0f} ms median and "
            f"{max(during) * 1000:.0f} ms at worst during the import ({len(during)} log-ins)"
        )


if __name__ == "__main__":
    main()
