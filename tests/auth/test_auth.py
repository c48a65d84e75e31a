"""Logging in and out, changing the password, rate limits, expired sessions and CSRF."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from app.models import AuditLog, LoginAttempt, LoginThrottle, User
from app.models._types import utcnow
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import full_width, text

WRONG = "工号或密码不正确。"  # i18n
WAIT = "失败次数过多，请 30 秒后再试。"  # i18n
DEACTIVATED = "该账号已停用，请联系工会办公室。"  # i18n


def logged_in(client) -> bool:
    """Whether the client's session opens the home page (rather than being sent to log in)."""
    return client.get("/").status_code == 200


def location(response) -> str:
    """The redirect target as a path with its query, whatever form the header takes."""
    parts = urlsplit(response.headers["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- logging in -------------------------------------------------------------------------------


def test_login_page_has_the_contract_fields(client):
    page = text(client.get("/auth/login"))
    for name in ("employee_no", "password", "remember"):
        assert f'name="{name}"' in page
    assert "登录职工之家" in page  # i18n


def test_right_password_goes_home_and_greets(client, auth):
    make_user(employee_no="W100", name="王小明")
    response = auth.login("W100")
    assert response.status_code == 303
    assert location(response) == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "王小明，您好" in text(home)  # i18n


def test_employee_number_is_trimmed(client):
    make_user(employee_no="W101")
    response = client.post(
        "/auth/login", data={"employee_no": "  W101 ", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 303


def test_an_employee_number_typed_in_lower_case_logs_in(client):
    """A phone keyboard types m0001 first: that is M0001, as the tester found it was not."""
    make_user(employee_no="M0001", name="刘职工")
    response = client.post(
        "/auth/login", data={"employee_no": "m0001", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 303
    assert "刘职工，您好" in text(client.get("/"))  # i18n


def test_guesses_in_either_case_count_against_one_number(client, auth):
    make_user(employee_no="W126")
    for typed in ("w126", "W126", "w126", "Ｗ126", "w126"):
        assert auth.login(typed, "wrong-pass1").status_code == 401
    response = auth.login("W126")
    assert response.status_code == 429 and WAIT in text(response)


@pytest.mark.parametrize("employee_no, password", [("W102", "not-the-one1"), ("NOBODY", "x1")])
def test_wrong_password_and_unknown_number_get_the_same_message(client, employee_no, password):
    make_user(employee_no="W102")
    response = client.post("/auth/login", data={"employee_no": employee_no, "password": password})
    assert response.status_code == 401
    page = text(response)
    assert WRONG in page
    assert 'name="employee_no"' in page  # the form is shown again
    assert not logged_in(client)


def test_empty_form_says_what_is_missing(client):
    response = client.post("/auth/login", data={"employee_no": "", "password": ""})
    assert response.status_code == 400
    page = text(response)
    assert "请输入工号。" in page  # i18n
    assert "请输入密码。" in page  # i18n


def test_deactivated_account_gets_its_own_message(client, auth):
    make_user(employee_no="W103", active=False)
    response = auth.login("W103")
    assert response.status_code == 401
    assert DEACTIVATED in text(response)
    assert WRONG not in text(response)
    assert not logged_in(client)


def test_deactivated_account_attempt_is_not_a_success(client, auth, db):
    make_user(employee_no="W114", active=False)
    auth.login("W114")
    attempt = db.session.scalar(select(LoginAttempt).where(LoginAttempt.employee_no == "W114"))
    assert attempt.succeeded is False
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "auth.login")) is None


def test_deactivated_account_with_wrong_password_reveals_nothing(client, auth):
    make_user(employee_no="W104", active=False)
    response = auth.login("W104", "wrong-pass1")
    assert WRONG in text(response)
    assert DEACTIVATED not in text(response)


def test_deactivating_ends_an_open_session(client, auth, db):
    user = make_user(employee_no="W105")
    auth.login(user)
    assert logged_in(client)
    user.active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert location(response).startswith("/auth/login")


def test_logged_in_user_visiting_login_goes_home(client, auth):
    make_user(employee_no="W106")
    auth.login("W106")
    response = client.get("/auth/login")
    assert response.status_code == 302
    assert location(response) == "/"


@pytest.mark.parametrize("target", ["/me", "/me?tab=1"])
def test_next_is_honoured_for_local_paths(client, target):
    make_user(employee_no="W107")
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"employee_no": "W107", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "me",
    ],
)
def test_next_ignores_open_redirects(client, target):
    make_user(employee_no="W108")
    response = client.post(
        "/auth/login",
        query_string={"next": target},
        data={"employee_no": "W108", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_login_form_keeps_next_in_its_action(client):
    page = text(client.get("/auth/login?next=/me"))
    assert re.search(r'action="/auth/login\?next=(/|%2F)me"', page)


def test_remember_me_sets_a_cookie_for_about_sixty_days(client, auth):
    make_user(employee_no="W109")
    before = datetime.now(UTC)
    auth.login("W109", remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    expires = cookie.expires
    if expires.tzinfo is None:  # Werkzeug's test client keeps the cookie's time as naive UTC
        expires = expires.replace(tzinfo=UTC)
    assert timedelta(days=59) < expires - before < timedelta(days=61)
    assert cookie.http_only


def test_remember_cookie_logs_in_after_the_session_is_gone(client, auth):
    make_user(employee_no="W110")
    auth.login("W110", remember=True)
    client.delete_cookie("session")
    assert logged_in(client)


def test_remembered_session_outlives_the_browser(client, auth):
    make_user(employee_no="W113")
    auth.login("W113", remember=True)
    assert client.get_cookie("session").expires is not None


def test_without_remember_me_there_is_no_remember_cookie(client, auth):
    make_user(employee_no="W111")
    auth.login("W111", remember=False)
    assert logged_in(client)
    assert client.get_cookie("remember_token") is None
    # The session cookie ends with the browser too: unticked means "not on this phone".
    assert client.get_cookie("session").expires is None
    client.delete_cookie("session")
    assert not logged_in(client)


def test_session_cookie_is_httponly_and_lax(client, auth):
    make_user(employee_no="W112")
    auth.login("W112")
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


# --- attempts, audit and rate limits ------------------------------------------------------------


def test_attempts_are_recorded(client, auth, db):
    make_user(employee_no="W120")
    auth.login("W120", "wrong-pass1")
    auth.login("W120")
    rows = db.session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [(r.employee_no, r.succeeded, r.address) for r in rows] == [
        ("W120", False, "127.0.0.1"),
        ("W120", True, "127.0.0.1"),
    ]


def test_login_is_audited_and_stamped(client, auth, db):
    user = make_user(employee_no="W121")
    auth.login(user)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "auth.login"))
    assert entry is not None
    assert entry.actor_id == user.id
    assert entry.target_id == str(user.id)
    assert db.session.get(User, user.id).last_login_at is not None


def test_failed_login_is_not_audited_as_login(client, auth, db):
    make_user(employee_no="W122")
    auth.login("W122", "wrong-pass1")
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "auth.login")) is None


def test_account_is_paused_after_five_failures(client, auth):
    make_user(employee_no="W123")
    for _ in range(4):
        assert auth.login("W123", "wrong-pass1").status_code == 401
    fifth = auth.login("W123", "wrong-pass1")
    assert fifth.status_code == 401
    response = auth.login("W123")  # even the right password
    assert response.status_code == 429
    assert WAIT in text(response)
    assert not logged_in(client)


def test_four_failures_still_let_the_right_password_in(client, auth):
    make_user(employee_no="W124")
    for _ in range(4):
        auth.login("W124", "wrong-pass1")
    assert auth.login("W124").status_code == 303


def test_a_stranger_cannot_lock_a_worker_out_of_their_own_phone(app, client, auth):
    make_user(employee_no="W125")
    assert auth.login("W125").status_code == 303  # this phone is now known to the account
    auth.logout()
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    for _ in range(30):
        stranger.post("/auth/login", data={"employee_no": "W125", "password": "wrong-pass1"})
    # The stranger waits, longer and longer…
    response = stranger.post("/auth/login", data={"employee_no": "W125", "password": "x1"})
    assert response.status_code == 429
    # …but the worker's own phone is not held up.
    assert auth.login("W125").status_code == 303


def test_guesses_at_an_account_from_many_addresses_only_slow_a_new_phone_briefly(app, db):
    make_user(employee_no="W128")
    for n in range(10):
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"10.0.1.{n}"
        guesser.post("/auth/login", data={"employee_no": "W128", "password": "wrong-pass1"})
    new_phone = app.test_client()
    new_phone.environ_base["REMOTE_ADDR"] = "10.0.2.1"
    data = {"employee_no": "W128", "password": DEFAULT_PASSWORD}
    response = new_phone.post("/auth/login", data=data)
    assert response.status_code == 429
    assert "秒后再试" in text(response)  # seconds, not a quarter of an hour
    throttle = db.session.get(LoginThrottle, "account:W128")
    assert throttle.next_at - utcnow() <= timedelta(minutes=1)


def test_address_is_paused_after_twenty_failures_across_accounts(app, client):
    make_user(employee_no="W126")
    for n in range(20):
        response = client.post(
            "/auth/login", data={"employee_no": f"GUESS{n}", "password": "wrong-pass1"}
        )
        assert response.status_code == 401
    response = client.post(
        "/auth/login", data={"employee_no": "W126", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429
    # Another address is not affected.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.8"
    response = other.post("/auth/login", data={"employee_no": "W126", "password": DEFAULT_PASSWORD})
    assert response.status_code == 303


@pytest.mark.parametrize("age_minutes, paused", [(16, False), (14, True)])
def test_only_failures_inside_the_window_count(client, auth, db, age_minutes, paused):
    make_user(employee_no="W127")
    for _ in range(5):
        auth.login("W127", "wrong-pass1")
    # The last failure was this long ago, and its delay is over.
    at = utcnow() - timedelta(minutes=age_minutes)
    db.session.execute(update(LoginThrottle).values(last_at=at, next_at=at))
    db.session.commit()
    auth.login("W127", "wrong-pass1")  # the sixth failure: the fifth in the window, or the first
    response = auth.login("W127")
    assert response.status_code == (429 if paused else 303)


def test_parallel_guesses_are_each_counted(app, database_url):
    """40 guesses at once: only the free ones and no more are checked (issue 12, item 10)."""
    import threading

    from app.blueprints.auth import services as auth_services
    from app.extensions import db

    make_user(employee_no="W129")
    checked = []
    real_check = User.check_password

    def counting_check(self, password):
        checked.append(1)
        return real_check(self, password)

    barrier = threading.Barrier(40)

    def guess():
        with app.test_request_context("/auth/login", method="POST"):
            barrier.wait()
            try:
                auth_services.authenticate("W129", "wrong-pass1", "10.9.9.9")
            finally:
                db.session.remove()

    User.check_password = counting_check
    try:
        threads = [threading.Thread(target=guess) for _ in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        User.check_password = real_check
    assert len(checked) == app.config["LOGIN_MAX_FAILURES_ACCOUNT"]


# --- logging out ------------------------------------------------------------------------------


def test_logout_is_post_only(client, auth):
    make_user(employee_no="W130")
    auth.login("W130")
    assert client.get("/auth/logout").status_code == 405
    assert logged_in(client)


def test_logout_ends_the_session_and_the_remember_cookie(client, auth):
    make_user(employee_no="W131")
    auth.login("W131", remember=True)
    response = auth.logout()
    assert response.status_code == 303
    assert location(response).startswith("/auth/login")
    assert client.get_cookie("remember_token") is None
    assert not logged_in(client)
    page = text(client.get(response.headers["Location"]))
    assert "您已退出登录。" in page  # i18n
    assert 'data-clear-pages="1"' in page  # the offline page copies of this user are dropped


def test_logout_ends_the_session_on_the_server_too(app, client, auth):
    """A copied session cookie or remember-me token stops working once its owner logs out."""
    make_user(employee_no="W133")
    auth.login("W133", remember=True)
    copied = {name: client.get_cookie(name).value for name in ("session", "remember_token")}
    auth.logout()

    for name in ("session", "remember_token"):
        thief = app.test_client()
        thief.set_cookie(name, copied[name], domain="localhost")
        assert not logged_in(thief), name


# --- changing the password --------------------------------------------------------------------


def change(client, current=DEFAULT_PASSWORD, new="newpass456", confirm=None):
    return client.post(
        "/auth/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm": new if confirm is None else confirm,
        },
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"current": "wrong-pass1"}, "当前密码不正确。"),  # i18n
        ({"new": "abc12"}, "至少需要 8 位。"),  # i18n
        ({"new": "12345678"}, "须同时包含字母和数字。"),  # i18n
        ({"new": "abcdefgh"}, "须同时包含字母和数字。"),  # i18n
        ({"confirm": "newpass457"}, "两次输入的新密码不一致。"),  # i18n
        ({"new": DEFAULT_PASSWORD}, "新密码不能与当前密码相同。"),  # i18n
        # Issue 12, item 12: passwords guessers try first, and the employee number.
        ({"new": "password1"}, "这个密码是猜密码的人最先尝试的，请换一个。"),  # i18n
        ({"new": "Demo1234"}, "这个密码是猜密码的人最先尝试的，请换一个。"),  # i18n
        ({"new": "w140abc1"}, "密码中不要使用您的工号。"),  # i18n
    ],
)
def test_change_password_refusals(client, auth, db, kwargs, message):
    user = make_user(employee_no="W140")
    auth.login(user)
    old_hash = user.password_hash
    response = change(client, **kwargs)
    assert response.status_code == 400
    assert message in text(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


def test_change_password_success(client, auth, db):
    user = make_user(employee_no="W141")
    auth.login(user)
    response = change(client, new="newpass456")
    assert response.status_code == 303
    assert location(response) == "/"
    assert "密码已修改。" in text(client.get("/"))  # i18n
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "auth.password_changed"))
    auth.logout()
    assert auth.login("W141", DEFAULT_PASSWORD).status_code == 401
    assert auth.login("W141", "newpass456").status_code == 303


def test_change_password_needs_login(client):
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert location(response).startswith("/auth/login")


@pytest.mark.parametrize("path", ["/", "/me", "/admin/users"])
def test_must_change_password_leads_every_page_to_the_form(client, auth, path):
    from app.models import Role

    make_user(Role.ADMIN, employee_no="W142", must_change_password=True)
    auth.login("W142")
    response = client.get(path)
    assert response.status_code == 302
    assert location(response) == "/auth/password"
    page = text(client.get("/auth/password"))
    assert "请先设置您自己的密码再继续" in page  # i18n


def test_must_change_password_is_lifted_once_changed(client, auth, db):
    user = make_user(employee_no="W143", must_change_password=True)
    auth.login(user)
    assert change(client, new="mine12345").status_code == 303
    assert client.get("/me").status_code == 200
    assert db.session.get(User, user.id).must_change_password is False


def test_must_change_password_still_allows_logout_and_offline(client, auth):
    make_user(employee_no="W144", must_change_password=True)
    auth.login("W144")
    assert client.get("/offline").status_code == 200
    assert client.get("/manifest.webmanifest").status_code == 200
    assert auth.logout().status_code == 303


# --- absent or expired session ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/me", "/me?tab=1", "/auth/password"])
def test_page_without_session_redirects_to_login_with_next(client, path):
    response = client.get(path)
    assert response.status_code == 302
    parts = urlsplit(response.headers["Location"])
    assert parts.path == "/auth/login"
    assert parse_qs(parts.query)["next"] == [path]


@pytest.mark.parametrize(
    "headers",
    [
        {"HX-Request": "true"},
        {"Sec-Fetch-Mode": "cors"},
        {"Accept": "application/json"},
    ],
    ids=["htmx", "fetch", "json"],
)
def test_background_requests_without_session_get_401(client, headers):
    response = client.get("/", headers=headers)
    assert response.status_code == 401
    assert "Location" not in response.headers
    assert response.headers["X-Login-URL"] == "/auth/login"


def test_json_401_says_why(client):
    response = client.get("/me", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.is_json
    assert response.get_json()["error"] == "请重新登录。"  # i18n


def test_htmx_401_is_a_fragment(client):
    response = client.get("/", headers={"HX-Request": "true"})
    page = text(response)
    assert "<html" not in page
    assert "请重新登录。" in page  # i18n


@pytest.mark.parametrize("headers, status", [({}, 302), ({"HX-Request": "true"}, 401)])
def test_session_cookie_that_no_longer_verifies_counts_as_none(client, auth, headers, status):
    """A session signed before the secret key changed, or tampered with."""
    make_user(employee_no="W151")
    auth.login("W151")
    forged = client.get_cookie("session").value[:-4] + "AAAA"
    client.set_cookie("session", forged)
    response = client.get("/me", headers=headers)
    assert response.status_code == status


def test_session_that_ended_gets_401_for_htmx(client, auth):
    make_user(employee_no="W150")
    auth.login("W150")
    auth.logout()
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 401


# --- CSRF -------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


CSRF_MESSAGE = "表单已过期或来源异常，请刷新页面后重试。"  # i18n


def test_post_without_csrf_token_is_refused(csrf_app, client):
    make_user(employee_no="W160")
    response = client.post(
        "/auth/login", data={"employee_no": "W160", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400
    assert CSRF_MESSAGE in text(response)
    assert not logged_in(client)


def test_login_form_token_is_accepted(csrf_app, client):
    make_user(employee_no="W161")
    page = text(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/login",
        data={"employee_no": "W161", "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303


def test_htmx_csrf_header_from_the_page_is_accepted(csrf_app, client, db):
    user = make_user(employee_no="W162")
    page = text(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/auth/login",
        data={"employee_no": "W162", "password": DEFAULT_PASSWORD, "csrf_token": token},
    )
    home = text(client.get("/"))
    header_token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", home).group(1)

    refused = client.post("/locale", data={"locale": "en"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert CSRF_MESSAGE in text(refused)

    accepted = client.post(
        "/locale",
        data={"locale": "en"},
        headers={"HX-Request": "true", "X-CSRFToken": header_token},
    )
    assert accepted.status_code == 303
    assert db.session.get(User, user.id).locale == "en"


def test_a_password_change_signs_out_other_phones_but_not_this_one(app, client, auth):
    user = make_user(password="secret123")
    other_phone = app.test_client()
    other_phone.post(
        "/auth/login",
        data={"employee_no": user.employee_no, "password": "secret123", "remember": "y"},
    )
    assert other_phone.get("/").status_code == 200
    auth.login(user)
    response = client.post(
        "/auth/password",
        data={
            "current_password": "secret123",
            "new_password": "newpass2026",
            "confirm": "newpass2026",
        },
    )
    assert response.status_code == 303
    assert client.get("/").status_code == 200  # this phone stays signed in
    assert other_phone.get("/").status_code == 302  # the other one, remember cookie and all, not


def test_background_requests_get_403_while_the_password_must_change(client, auth):
    user = make_user(must_change_password=True)
    auth.login(user)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 403
    response = client.get("/", headers={"Sec-Fetch-Mode": "cors", "Accept": "application/json"})
    assert response.status_code == 403 and "error" in response.get_json()


def test_an_employee_number_typed_in_full_width_logs_in(client, auth):
    """A Chinese keyboard in full-width mode types Ｗ１２２: the same number."""
    make_user(employee_no="W122")
    response = auth.login(full_width(" W122 "))
    assert response.status_code == 303 and "/auth/login" not in response.location
