"""The demo inspector's field kit: how many pages and bytes the phone keeps after one log-in,
and the time from pressing "log in" to "已可离线使用" — in a fresh Chromium profile against the
app served by its own process (demo data, SQLite), each figure next to its target.

    .venv/bin/python bench/field_kit.py [--rounds 3] [--employee I0001]

Each round is a new browser context (a fresh phone). Needs /usr/bin/chromium.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
READY = "已可离线使用"
# What a phone on a shop floor can take: a kit that fits a cheap phone's storage many times
# over and is ready before the inspector has walked to the first area.
TARGET_SECONDS = 15.0
TARGET_MB = 5.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp: Path):
    port = _free_port()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp / "instance"),
        "DATABASE_URL": "sqlite:///" + str(tmp / "bench.db"),
        "SECRET_KEY": "bench",
        "FLASK_APP": "app",
    }
    env.pop("TEST_DATABASE_URL", None)
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [sys.executable, "-m", "flask", *command],
            env=env,
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )
    server = subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--port", str(port), "--with-threads"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/offline", timeout=1).close()
            return server, url
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the app did not start")


def _round(browser, url: str, employee_no: str) -> tuple[float, dict]:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(url + "/auth/login")
        page.fill("input[name=employee_no]", employee_no)
        page.fill("input[name=password]", "demo1234")
        started = time.monotonic()
        page.click("button[type=submit]")
        page.locator("#kit-status", has_text=READY).wait_for(timeout=120_000)
        took = time.monotonic() - started
        status = page.evaluate(
            "async () => (await (await caches.match('/offline/kit-status')).json())"
        )
        return took, status
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--employee", default="I0001")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        server, url = _serve(Path(tmp))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                results = [_round(browser, url, args.employee) for _ in range(args.rounds)]
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    times = [took for took, _ in results]
    status = results[-1][1]
    pages = sum(1 for u in status["urls"] if "/static/" not in u)
    megabytes = status["bytes"] / 1048576
    print(
        f"field kit of {args.employee} (demo data), {args.rounds} fresh phones, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"  URLs kept:        {status['pages']} ({pages} pages and images, "
        f"{status['pages'] - pages} static files)"
    )
    print(
        f"  bytes kept:       {status['bytes']:,} ({megabytes:.2f} MB; target ≤ {TARGET_MB} MB)"
        f"  {'ok' if megabytes <= TARGET_MB else 'OVER'}"
    )
    median = statistics.median(times)
    print(
        f"  log-in → {READY}: median {median:.1f} s, spread {min(times):.1f}–{max(times):.1f} s "
        f"(target ≤ {TARGET_SECONDS:.0f} s)  {'ok' if median <= TARGET_SECONDS else 'OVER'}"
    )
    print(f"  missing:          {len(status['missing'])}")


if __name__ == "__main__":
    main()
