"""How the officer's pages hold up as the hazard table grows: a growth table.

For each size (1k and 10k hazards by default; `--full` adds 100k) the script creates a
database of its own (see bench/_common.py), seeds it (hazards over a year, 20 % as many
patrols, 2 % as many users, at least 600), and serves it with gunicorn (one sync worker) on
loopback. Each round times every page and a truly trivial route (`GET /_bench/trivial`, which
returns "ok") alternately as the same logged-in safety officer, and takes the ratio of their
medians within the round; the table shows the median ratio of the rounds and, in brackets,
the lowest and highest. The SQL statements of each page are counted in-process and printed.

    .venv/bin/python bench/safety_pages.py                  # SQLite, 1k and 10k
    .venv/bin/python bench/safety_pages.py --full           # and 100k
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/wh_bench \\
        .venv/bin/python bench/safety_pages.py

Targets (issue 13): the hazard list and its search <= 4x trivial, the dashboard <= 6x and at
most 10 statements, every page flat (its ratio at the largest size within 1.5x of the ratio at
the smallest).
"""

import argparse
import time

from _common import (
    bench_app,
    dialect_of,
    growth_row,
    migrate,
    own_database,
    page_figures,
    refresh_statistics,
    seed,
)

PAGES = {
    "hazard list (open)": ("/safety/hazards?status=open", 4.0),
    "hazard list (all)": ("/safety/hazards", 4.0),
    "hazard list, page 5": ("/safety/hazards?page=5", 4.0),
    "search (4 chars)": ("/safety/hazards?q=隐患999", 4.0),
    "search (word)": ("/safety/hazards?q=设备护栏", 4.0),
    "dashboard": ("/safety/dashboard", 6.0),
    "officer home": ("/", 6.0),
    "hazard page": ("/safety/hazards/{hazard}", None),
}
MAX_DASHBOARD_STATEMENTS = 10


def measure(size: int, rounds: int, runs: int) -> dict:
    with own_database(f"pages{size}") as url:
        app = bench_app(url)
        migrate(app)
        started = time.perf_counter()
        seed(app, size, size // 5, max(size // 50, 600))
        refresh_statistics(url)
        seeded = time.perf_counter() - started
        with app.app_context():
            from sqlalchemy import select

            from app.extensions import db
            from app.models.hazards import Hazard

            hazard = db.session.scalar(select(Hazard.id).where(Hazard.status == "assigned"))
            db.engine.dispose()
        paths = {label: path.format(hazard=hazard) for label, (path, _) in PAGES.items()}
        figures, trivial = page_figures(url, paths, rounds, runs)
        print(f"  {size:>7} hazards seeded in {seeded:.0f} s; trivial route {trivial:.2f} ms")
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="also 100k hazards (slow to seed)")
    parser.add_argument("--sizes", help="comma-separated hazard counts, e.g. 1000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=9, help="requests per page per round")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [1000, 10_000]
    if args.full and not args.sizes:
        sizes.append(100_000)
    import os

    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    print(f"database: {dialect_of(server)}; {args.rounds} rounds of {args.runs} requests a page")
    results = {size: measure(size, args.rounds, args.runs) for size in sizes}

    header = f"{'page (x trivial GET)':<22}" + "".join(f"{s:>22,}" for s in sizes)
    print(f"\n{header}   statements   target")
    for label, (_path, target) in PAGES.items():
        limit = MAX_DASHBOARD_STATEMENTS if label == "dashboard" else None
        print(growth_row(label, results, sizes, target, limit))


if __name__ == "__main__":
    main()
