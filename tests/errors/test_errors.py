"""Error answers in the shape the request wants: a page in the shell, an htmx fragment or JSON."""

import re

import pytest
from sqlalchemy import func, select

from app.blueprints.auth.access import roles_required
from app.errors import Refused
from app.extensions import db as _db
from app.models import Role, User
from tests.factories import make_user
from tests.helpers import text

MESSAGES = {  # i18n
    403: "您没有权限查看此页面。",
    404: "页面不存在或已被删除。",
    405: "此处不允许该操作。",
    500: "服务器出了点问题，您填写的内容未保存，请再试一次。",
}

pytestmark = pytest.mark.own_app


@pytest.fixture
def app(app):
    """The test app with throwaway routes that fail on purpose."""

    @app.route("/_test/admins-only")
    @roles_required(Role.ADMIN)
    def admins_only():
        return "secret"

    @app.route("/_test/boom", methods=["GET", "POST"])
    def boom():
        _db.session.add(User(employee_no="GHOST", name="半途", password_hash="x"))
        _db.session.flush()
        raise RuntimeError("boom")

    @app.route("/_test/refused", methods=["POST"])
    def refused():
        _db.session.add(User(employee_no="GHOST", name="半途", password_hash="x"))
        _db.session.flush()
        raise Refused("这条记录已经处理过了。", 409)

    app.logger.disabled = True  # the 500 is expected; keep its traceback out of the output
    return app


@pytest.fixture
def member(client, auth):
    user = make_user(employee_no="X001", name="普通会员")
    auth.login(user)
    return user


def provoke(client, status, headers=None):
    path = {403: "/_test/admins-only", 404: "/no/such/page", 500: "/_test/boom"}
    if status == 405:
        return client.get("/auth/logout", headers=headers)
    return client.get(path[status], headers=headers)


@pytest.mark.parametrize("status", [403, 404, 405, 500])
def test_full_page_error_keeps_the_shell(client, member, status):
    response = provoke(client, status)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = text(response)
    assert page.lstrip().startswith("<!doctype html>")
    assert 'class="bottom-nav"' in page  # the person can go on from here
    assert MESSAGES[status] in page
    assert f'data-status="{status}"' in page
    assert "返回首页" in page  # i18n


@pytest.mark.parametrize("status", [403, 404, 405, 500])
def test_htmx_error_is_a_fragment(client, member, htmx_headers, status):
    response = provoke(client, status, htmx_headers)
    assert response.status_code == status
    fragment = text(response)
    assert "<html" not in fragment
    assert "bottom-nav" not in fragment
    assert re.search(rf'<div class="error-box" role="alert" data-status="{status}">', fragment)
    assert MESSAGES[status] in fragment


@pytest.mark.parametrize("status", [403, 404, 405, 500])
def test_json_error_when_json_is_wanted(client, member, status):
    response = provoke(client, status, {"Accept": "application/json"})
    assert response.status_code == status
    assert response.is_json
    assert response.get_json() == {"error": MESSAGES[status], "status": status}


def test_browser_accept_header_gets_html(client, member):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/no/such/page", headers={"Accept": accept})
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_404_without_login_has_no_navigation(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = text(response)
    assert MESSAGES[404] in page
    assert "bottom-nav" not in page


def test_admin_passes_the_role_check(client, auth):
    make_user(Role.ADMIN, employee_no="X002")
    auth.login("X002")
    assert text(client.get("/_test/admins-only")) == "secret"


def test_role_check_sends_strangers_to_log_in(client):
    response = client.get("/_test/admins-only")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def count_users(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_500_rolls_back_what_the_request_added(client, member, db, method):
    users_before = count_users(db)
    response = client.open("/_test/boom", method=method)
    assert response.status_code == 500
    # Anything committed later in the same session must not carry the half-done write along.
    db.session.commit()
    assert count_users(db) == users_before
    assert db.session.scalar(select(User).where(User.employee_no == "GHOST")) is None


def test_error_responses_vary_on_hx_request(client, member):
    assert "HX-Request" in provoke(client, 404).vary


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}])
def test_a_refusal_answers_with_its_status_and_reason_and_keeps_nothing(
    client, member, db, headers
):
    users_before = count_users(db)
    response = client.post("/_test/refused", headers=headers)
    assert response.status_code == 409
    assert "这条记录已经处理过了。" in text(response)
    db.session.commit()
    assert count_users(db) == users_before
