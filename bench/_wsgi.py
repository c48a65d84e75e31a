"""The bench app for gunicorn: `gunicorn bench._wsgi:app` (see bench/_common.py)."""

import os

from bench._common import bench_app

app = bench_app(os.environ["BENCH_APP_DATABASE_URL"], os.environ.get("INSTANCE_PATH"))
