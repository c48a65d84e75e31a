"""Real-browser tests: the app runs as a subprocess on a free port; Playwright drives the
system Chromium (never a downloaded one). See ../shared/TESTING.md.

`live_server` is one server per test session with its own SQLite database and instance
folder; tests make their own users (unique employee numbers) with `live_server.flask(...)`.
`live_server.stop()` / `.start()` take the server away and bring it back on the same port.
`wait_until(page, "async () => …")` waits on promise-returning checks (caches, service
worker), which `page.wait_for_function` cannot; `wait_for_service_worker(page)` uses it.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.testkit import LIVE_PASSWORD_HASH

CHROMIUM = "/usr/bin/chromium"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            raise pytest.UsageError(
                f"REQUIRE_BROWSER is set but {CHROMIUM} is missing: "
                "apt-get install chromium chromium-driver"
            )
        skip = pytest.mark.skip(
            reason=f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver)"
        )
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": PHONE,
        "is_mobile": True,
        "has_touch": True,
        "locale": "zh-CN",
        "service_workers": "allow",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, root: Path):
        self.root = root
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = open(root / "server.log", "ab")  # noqa: SIM115 (closed in close())
        self.env = {
            **os.environ,
            "INSTANCE_PATH": str(root / "instance"),
            "DATABASE_URL": "sqlite:///" + str(root / "live.db"),
            "SECRET_KEY": "browser-tests",
            "FLASK_APP": "tests.live_app",  # the app with the test blueprint mounted
        }
        self.env.pop("TEST_DATABASE_URL", None)
        self._cli_app = None

    def flask(self, *args: str) -> str:
        """Run a `flask …` command of the app the server runs against its database: in this
        process (a subprocess spent ~2 s starting Python and the app for each account);
        migrations, which configure logging, in a subprocess."""
        if args[0] == "db":
            return self._flask_subprocess(*args)
        if self._cli_app is None:
            from app import create_app

            self._cli_app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": self.env["DATABASE_URL"],
                    "SECRET_KEY": self.env["SECRET_KEY"],
                    "PASSWORD_HASH_METHOD": LIVE_PASSWORD_HASH,
                },
                instance_path=self.env["INSTANCE_PATH"],
            )
        from app.jobs import init_jobs

        init_jobs(self._cli_app)  # jobs go to the live server's queue, as from its own CLI
        with self._cli_app.app_context():  # as `flask` gives every command
            result = self._cli_app.test_cli_runner().invoke(args=list(args))
        if result.exit_code:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.output}") from (
                result.exception
            )
        return result.output

    def _flask_subprocess(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            env=self.env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "run",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-reload",
                "--no-debugger",
                "--with-threads",
            ],
            env=self.env,
            cwd=PROJECT_ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/offline", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError(f"the app did not start; see {self.root / 'server.log'}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        self.log.close()

    def make_user(self, employee_no, *roles, name=None, password="secret123", department=None):
        args = [
            "users",
            "create",
            employee_no,
            "--name",
            name or employee_no,
            "--password",
            password,
        ]
        for role in roles:
            args += ["--role", role]
        if department:
            args += ["--department", department]
        self.flask(*args)
        return employee_no, password


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test also shows what the server last did and what each open page
    shows: a timeout alone does not say whether a request failed, hung or never came."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    server = item.funcargs.get("live_server")
    if server is not None:
        lines = (server.root / "server.log").read_text(errors="replace").splitlines()
        report.sections.append(("live server log, last 60 lines", "\n".join(lines[-60:])))
    browser = item.funcargs.get("browser")
    for context in browser.contexts if browser is not None else []:
        for page in context.pages:
            try:
                shown = page.evaluate("document.body ? document.body.innerText : ''")
            except Exception as error:  # a page that hangs or crashed says so
                shown = f"(unreadable: {error})"
            report.sections.append((f"page {page.url}", shown[:1500]))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.flask("db", "upgrade")
    server.start()
    yield server
    server.close()
    if os.environ.get("KEEP_LIVE_SERVER_FILES") is None:
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def server_up(live_server):
    """Make sure a test that stopped the server leaves it running for the next one."""
    yield live_server
    if live_server.process is None:
        live_server.start()


def log_in(page, base_url, employee_no, password="secret123"):
    page.goto(base_url + "/auth/login")
    page.fill("input[name=employee_no]", employee_no)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-base-url's fixture, pointed at the live server: page.goto("/x") works."""
    return live_server.url


def wait_until(page, predicate: str, arg=None, timeout_ms: int = 10_000):
    """Poll an async JS predicate in the page until it holds.

    `page.wait_for_function` takes a returned Promise for a truthy value without awaiting it,
    so it cannot wait on the Cache or Service Worker APIs. The page must not navigate
    meanwhile. `arg` is handed to the predicate.
    """
    held = page.evaluate(
        f"""async (arg) => {{
            const predicate = {predicate};
            const deadline = Date.now() + {timeout_ms};
            while (Date.now() < deadline) {{
                if (await predicate(arg)) return true;
                await new Promise((resolve) => setTimeout(resolve, 50));
            }}
            return false;
        }}""",
        arg,
    )
    assert held, f"still false after {timeout_ms} ms on {page.url}: {predicate}"


def wait_for_service_worker(page):
    """Wait until the service worker has finished activating and controls this page.

    Until then its install and activate steps may still be fetching pages with this
    context's cookies, and a response landing late sets them again (after a test cleared them).
    """
    wait_until(
        page, 'async () => (await navigator.serviceWorker.ready).active.state === "activated"'
    )
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        # A page whose navigation began before the worker activated is not taken by its
        # clients.claim(), which ran before the page existed; the next load is controlled.
        page.reload()
    wait_until(page, "async () => !!navigator.serviceWorker.controller")
