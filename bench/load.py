"""Concurrent load on loopback: readers of the officer's pages, and inspectors syncing.

Serves a database of its own (see bench/_common.py; 10k hazards by default, `--full` for 100k)
with gunicorn (`-w 4`, sync workers) on 127.0.0.1 and drives it from this process with httpx
(asyncio), for a bounded time per measurement. Each round measures, back to back:

- readers: N clients (100) logged in as the safety officer, each GETting the hazard list and
  the home page in turn; then the same clients on the trivial route (`GET /_bench/trivial`);
- inspectors: M clients (50) each POSTing /sync batches of 10 new hazard records; then the
  same bodies to a trivial POST (`POST /_bench/echo`, which reads the JSON and checks CSRF).

Printed: throughput and p50 latency of each, their ratio within the round, the median and
spread of the rounds, each next to its target (issue 13): readers >= 1/3 of the trivial
route's throughput; inspectors >= 500 records/s.

    .venv/bin/python bench/load.py                    # SQLite, 3 rounds of 5 s each
    .venv/bin/python bench/load.py --full --seconds 10
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/wh_bench .venv/bin/python bench/load.py
"""

import argparse
import asyncio
import os
import statistics
import time
import uuid

import httpx
from _common import (
    bench_app,
    dialect_of,
    gunicorn,
    login,
    migrate,
    own_database,
    refresh_statistics,
    seed,
    summary,
    verdict,
)

MAX_CLIENTS = 200
MAX_SECONDS = 60
READER_TARGET = 1 / 3
RECORDS_TARGET = 500
RECORDS_PER_BATCH = 10


async def drive(clients: int, seconds: float, step) -> tuple[int, list[float], int, float]:
    """Run `step(client, i, n)` in `clients` loops for `seconds` (the requests in flight then
    are waited for); (units done, latencies, errors, seconds until the last one ended)."""
    done, latencies, errors = 0, [], 0
    started = time.perf_counter()
    deadline = started + seconds

    async def loop(i: int, client: httpx.AsyncClient):
        nonlocal done, errors
        n = 0
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                units = await step(client, i, n)
            except (httpx.HTTPError, AssertionError):
                errors += 1
                continue
            latencies.append(time.perf_counter() - began)
            done += units
            n += 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=30, cookies=COOKIES) as client:
        await asyncio.gather(*(loop(i, client) for i in range(clients)))
    return done, latencies, errors, time.perf_counter() - started


COOKIES = httpx.Cookies()


def hazard_batch(i: int, n: int) -> dict:
    return {
        "device": f"load-{i}",
        "records": [
            {
                "id": str(uuid.uuid4()),
                "kind": "hazard",
                "captured_at": "2026-11-23T09:12:00+08:00",
                "data": {
                    "title": f"护栏松动 {i}-{n}-{k}",
                    "area_id": 1 + (i * 7 + k) % 200,
                    "category": "height",
                    "severity": "general",
                },
                "photos": [],
            }
            for k in range(RECORDS_PER_BATCH)
        ],
    }


def readers(base: str, path_pairs: list[str]):
    async def step(client, i, n):
        response = await client.get(base + path_pairs[(i + n) % len(path_pairs)])
        assert response.status_code == 200, response.status_code
        return 1

    return step


def inspectors(base: str, path: str, token: str):
    async def step(client, i, n):
        response = await client.post(
            base + path, json=hazard_batch(i, n), headers={"X-CSRFToken": token}
        )
        assert response.status_code == 200, response.status_code
        if path == "/sync":
            statuses = {r["status"] for r in response.json()["results"]}
            assert statuses == {"created"}, statuses
        return RECORDS_PER_BATCH

    return step


def run(clients, seconds, step) -> tuple[float, float, int]:
    done, latencies, errors, elapsed = asyncio.run(drive(clients, seconds, step))
    p50 = statistics.median(latencies) if latencies else float("nan")
    return done / elapsed, p50, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="100k hazards instead of 10k")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement")
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--inspectors", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    seconds = min(args.seconds, MAX_SECONDS)
    readers_n, inspectors_n = min(args.readers, MAX_CLIENTS), min(args.inspectors, MAX_CLIENTS)
    size = 100_000 if args.full else 10_000
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    with own_database(f"load{size}") as url:
        app = bench_app(url)
        migrate(app)
        seed(app, size, size // 5, max(size // 50, 600))
        refresh_statistics(url)
        rows = {"readers": [], "inspectors": []}
        with gunicorn(url, workers=args.workers) as base:
            assert base.startswith("http://127.0.0.1:"), "loopback only"
            with httpx.Client(timeout=30) as setup:
                login(setup, base, "B00001")
                officer = httpx.Cookies(setup.cookies)
            with httpx.Client(timeout=30) as setup:
                token = login(setup, base, "B00003")
                inspector = httpx.Cookies(setup.cookies)
            pages = ["/safety/hazards?status=open", "/"]
            for n in range(args.rounds):
                # The last round's inspectors added some 10,000 records: the database settles
                # (VACUUM ANALYZE, what autovacuum does in the background) before the readers
                # are measured, rather than vacuuming beside them on the same two cores.
                refresh_statistics(url)
                COOKIES.clear()
                COOKIES.update(officer)
                trivial = run(readers_n, seconds, readers(base, ["/_bench/trivial"]))
                real = run(readers_n, seconds, readers(base, pages))
                rows["readers"].append((real, trivial))
                COOKIES.clear()
                COOKIES.update(inspector)
                trivial_post = run(inspectors_n, seconds, inspectors(base, "/_bench/echo", token))
                synced = run(inspectors_n, seconds, inspectors(base, "/sync", token))
                rows["inspectors"].append((synced, trivial_post))
                print(
                    f"  round {n + 1}: readers {real[0]:.0f} req/s (p50 {real[1] * 1000:.0f} ms, "
                    f"{real[2]} errors) vs trivial {trivial[0]:.0f} req/s; inspectors "
                    f"{synced[0]:.0f} records/s (p50 {synced[1] * 1000:.0f} ms a batch, "
                    f"{synced[2]} errors) vs trivial POST {trivial_post[0]:.0f} records/s"
                )
    print(
        f"database: {dialect_of(server)}; {size:,} hazards; gunicorn -w {args.workers}; "
        f"{args.rounds} rounds of {seconds:g} s a measurement"
    )
    shares = [real[0] / trivial[0] for real, trivial in rows["readers"]]
    print(
        f"{readers_n} readers (list + home): "
        f"{summary([r[0][0] for r in rows['readers']])} req/s, p50 "
        f"{summary([r[0][1] * 1000 for r in rows['readers']])} ms; trivial route "
        f"{summary([r[1][0] for r in rows['readers']])} req/s"
    )
    print(
        f"  share of the trivial route's throughput: {summary(shares)}   target >= 1/3: "
        f"{verdict(statistics.median(shares), READER_TARGET, at_most=False)}"
    )
    rates = [synced[0] for synced, _ in rows["inspectors"]]
    print(
        f"{inspectors_n} inspectors, /sync batches of {RECORDS_PER_BATCH} hazards: "
        f"{summary(rates)} records/s, p50 "
        f"{summary([s[1] * 1000 for s, _ in rows['inspectors']])} ms a batch; trivial POST "
        f"{summary([t[0] for _, t in rows['inspectors']])} records/s"
    )
    print(
        f"  records/s target >= {RECORDS_TARGET}: "
        f"{verdict(statistics.median(rates), RECORDS_TARGET, at_most=False)}"
    )


if __name__ == "__main__":
    main()
