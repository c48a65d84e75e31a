"""The home page (full and fragment), the shell's bottom navigation and the language switch."""

import re

import pytest

from app.models import Role, User
from app.models.gate import TeamLeader
from app.models.proposals import DepartmentHead
from tests.factories import DEFAULT_PASSWORD, make_department, make_user
from tests.helpers import text


def nav_labels(page: str) -> list[str]:
    """The labels of the bottom navigation, in order."""
    nav = re.search(r'<nav class="bottom-nav".*?</nav>', page, re.S)
    return re.findall(r"<span>([^<]+)</span>", nav.group(0)) if nav else []


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


# --- home page --------------------------------------------------------------------------------


def test_home_full_page_has_the_shell(client, auth):
    team = make_department("车工班", parent=make_department("机加工车间"))
    make_user(Role.INSPECTOR, employee_no="H001", name="张三", department=team)
    auth.login("H001")
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().startswith("<!doctype html>")
    assert "张三，您好" in page  # i18n
    assert "机加工车间 / 车工班" in page
    assert "群监员" in page  # i18n
    assert 'id="home-cards"' in page
    assert nav_labels(page) == ["首页", "安全", "活动", "消息", "我的"]  # i18n
    assert "暂无待办事项，干得好！" in page  # i18n


def test_home_fragment_for_htmx(client, auth, htmx_headers):
    make_user(employee_no="H002", name="李四")
    auth.login("H002")
    response = client.get("/", headers=htmx_headers)
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment
    assert "bottom-nav" not in fragment
    assert "李四，您好" not in fragment  # i18n — the greeting belongs to the page, not the cards
    assert "您的部门尚未设置" in fragment  # i18n


def test_boosted_htmx_request_gets_the_full_page(client, auth):
    make_user(employee_no="H003")
    auth.login("H003")
    page = text(client.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"}))
    assert "<html" in page


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "fragment"])
def test_home_varies_on_hx_request(client, auth, headers):
    make_user(employee_no="H004")
    auth.login("H004")
    response = client.get("/", headers=headers)
    assert "HX-Request" in response.vary


def test_admin_reaches_administration_from_the_me_page(client, auth):
    # Five items fit a phone's bottom bar; administration lives on the Me page.
    make_user(Role.ADMIN, employee_no="H005")
    auth.login("H005")
    assert nav_labels(text(client.get("/"))) == ["首页", "安全", "活动", "消息", "我的"]  # i18n
    me = text(client.get("/me"))
    assert 'href="/admin/users"' in me and "系统管理" in me  # i18n


@pytest.mark.parametrize(
    "roles", [(), (Role.INSPECTOR, Role.SAFETY_OFFICER), (Role.ORGANIZER, Role.CARE_OFFICER)]
)
def test_others_do_not_see_admin(client, auth, roles):
    make_user(*roles, employee_no="H006")
    auth.login("H006")
    for url in ("/", "/me"):
        page = text(client.get(url))
        assert 'href="/admin/' not in page and "系统管理" not in page  # i18n


def test_current_nav_item_is_marked(client, auth):
    make_user(employee_no="H007")
    auth.login("H007")
    page = text(client.get("/me"))
    current = re.search(r'<a href="([^"]+)" aria-current="page"', page)
    assert current.group(1) == "/me"


def test_admin_home_cards_count_people(client, auth):
    workshop = make_department("装配车间")
    make_user(Role.ADMIN, employee_no="H010", department=workshop)
    make_user(employee_no="H011", department=workshop)
    make_user(employee_no="H012")  # no department
    make_user(employee_no="H013")  # no department
    make_user(employee_no="H014", active=False)  # deactivated, not counted as waiting
    auth.login("H010")
    page = text(client.get("/", headers={"HX-Request": "true"}))
    assert "人员" in page  # i18n
    assert "在用账号 4 个，已停用 1 个。" in page  # i18n
    card = re.search(
        r'<a class="card-link" href="([^"]+)">\s*<span class="card-title">'
        r'未分配部门的账号 <span class="badge">(\d+)</span>',  # i18n
        page,
    )
    assert card is not None
    assert card.group(2) == "2"
    assert card.group(1) == "/admin/users?department=none"
    assert "导入职工名册" not in page  # i18n


def test_lone_admin_is_asked_to_import_the_roster(client, auth):
    make_user(Role.ADMIN, employee_no="H015", department=make_department())
    auth.login("H015")
    page = text(client.get("/"))
    assert "导入职工名册" in page  # i18n
    assert "未分配部门的账号" not in page  # i18n
    assert 'href="/admin/import"' in page


def test_user_without_department_is_told(client, auth):
    make_user(employee_no="H016")
    auth.login("H016")
    page = text(client.get("/"))
    assert "您的部门尚未设置" in page  # i18n
    assert "请联系工会办公室，把您加入所在的车间和班组。" in page  # i18n
    assert "人员" not in page  # i18n — not an administrator


def test_me_page_shows_the_account(client, auth):
    make_user(Role.ORGANIZER, employee_no="H017", name="赵六", phone="13800000000")
    auth.login("H017")
    page = text(client.get("/me"))
    assert "赵六" in page
    assert "H017" in page
    assert "13800000000" in page
    assert "工会干事" in page  # i18n
    assert 'action="/auth/logout"' in page


def _my_roles(page: str) -> str:
    """The 角色 line of 我的."""
    return re.search(r"<dt>角色</dt><dd[^>]*>(.*?)</dd>", page, re.S).group(1).strip()


def test_me_page_shows_what_a_person_is_named_for_beside_their_roles(client, auth, db):
    """A team leader (班组长) or a department head has only the member role: 我的 says what
    they lead or head too, not just 会员."""
    workshop = make_department("机加工车间")
    team = make_department("车工班", parent=workshop)
    leader = make_user(employee_no="T017", department=team)
    head = make_user(employee_no="H018", department=workshop)
    db.session.add_all(
        [
            TeamLeader(department_id=team.id, user_id=leader.id),
            DepartmentHead(department_id=workshop.id, user_id=head.id),
        ]
    )
    db.session.commit()
    auth.login("T017")
    assert _my_roles(text(client.get("/me"))) == "会员 · 班组长（机加工车间 / 车工班）"
    auth.logout()
    auth.login("H018")
    assert _my_roles(text(client.get("/me"))) == "会员 · 部门负责人（机加工车间）"
    auth.logout()
    make_user(employee_no="M017")
    auth.login("M017")
    assert _my_roles(text(client.get("/me"))) == "会员"


# --- language ---------------------------------------------------------------------------------


def test_chinese_is_the_default(client):
    assert html_lang(text(client.get("/auth/login"))) == "zh-CN"


def _login_heading(response) -> str:
    return re.search(r"<h2>([^<]+)</h2>", text(response)).group(1)


ENGLISH_PHONE = {"Accept-Language": "en-US,en;q=0.9"}


def test_first_visit_takes_the_phone_language(client):
    def heading(languages):
        headers = {} if languages is None else {"Accept-Language": languages}
        return _login_heading(client.get("/auth/login", headers=headers))

    phones = [
        None,
        "",
        "zh-CN",
        "zh-CN,zh;q=0.9,en;q=0.8",
        "zh-Hans-CN,en;q=0.5",
        "fr",
        "en-US,en;q=0.9",
        "en-GB",
        "fr,en;q=0.5",
    ]
    chinese, english = "登录职工之家", "Log in to Workers' Home"  # i18n
    assert {phone: heading(phone) for phone in phones} == {
        None: chinese,
        "": chinese,
        "zh-CN": chinese,
        "zh-CN,zh;q=0.9,en;q=0.8": chinese,
        "zh-Hans-CN,en;q=0.5": chinese,
        "fr": chinese,
        "en-US,en;q=0.9": english,
        "en-GB": english,
        "fr,en;q=0.5": english,
    }
    response = client.get("/auth/login", headers=ENGLISH_PHONE)
    assert html_lang(text(response)) == "en"
    # A cache in between must not give this page to a Chinese phone.
    assert "Accept-Language" in response.headers["Vary"]


def test_choices_made_beat_the_phone_language(client, auth, db):
    assert html_lang(text(client.get("/auth/login", headers=ENGLISH_PHONE))) == "en"
    # The switch on the log-in page beats the phone's settings.
    client.post("/locale", data={"locale": "zh_CN"}, headers=ENGLISH_PHONE)
    response = client.get("/auth/login", headers=ENGLISH_PHONE)
    assert _login_heading(response) == "登录职工之家"  # i18n
    assert "Accept-Language" not in response.headers["Vary"]
    # So does the language saved on the user, on a phone where nothing was chosen.
    client.delete_cookie("session")
    make_user(employee_no="H019", locale="zh_CN")
    auth.login("H019")
    page = text(client.get("/", headers=ENGLISH_PHONE))
    assert html_lang(page) == "zh-CN"
    assert nav_labels(page)[0] == "首页"  # i18n


def test_switching_language_without_login_uses_the_session(client):
    response = client.post("/locale", data={"locale": "en"})
    assert response.status_code == 303
    assert html_lang(text(client.get("/auth/login"))) == "en"
    client.post("/locale", data={"locale": "zh_CN"})
    assert html_lang(text(client.get("/auth/login"))) == "zh-CN"


def test_switching_language_is_saved_on_the_user(client, auth, db):
    user = make_user(employee_no="H020")
    auth.login(user)
    client.post("/locale", data={"locale": "en"})
    assert db.session.get(User, user.id).locale == "en"
    # A new session on another phone starts in the saved language.
    auth.logout()
    client.delete_cookie("session")
    auth.login(user)
    assert html_lang(text(client.get("/"))) == "en"


def test_language_chosen_before_login_is_kept(client, auth, db):
    user = make_user(employee_no="H021")
    client.post("/locale", data={"locale": "en"})
    auth.login(user)
    assert db.session.get(User, user.id).locale == "en"


def test_the_phone_language_of_the_first_log_in_is_kept(client, auth, db):
    english, chinese = make_user(employee_no="H024"), make_user(employee_no="H025")
    client.post(
        "/auth/login",
        data={"employee_no": "H024", "password": DEFAULT_PASSWORD},
        headers=ENGLISH_PHONE,
    )
    # What is written for them while away (the inbox, pushes) speaks it too.
    assert db.session.get(User, english.id).locale == "en"
    auth.logout()
    client.delete_cookie("session")
    auth.login(chinese)
    assert db.session.get(User, chinese.id).locale == "zh_CN"


def test_a_switch_at_log_in_is_kept_else_the_saved_language_beats_the_session(client, auth, db):
    make_user(employee_no="H022", locale="en")
    client.post("/locale", data={"locale": "zh_CN"})
    auth.login("H022")
    assert html_lang(text(client.get("/"))) == "zh-CN"  # just chosen on the log-in page
    auth.logout()
    # The next person on this phone did not touch the switch: their saved choice stands.
    auth.login("H022")
    assert html_lang(text(client.get("/"))) == "zh-CN"
    make_user(employee_no="H026", locale="en")
    auth.logout()
    auth.login("H026")
    assert html_lang(text(client.get("/"))) == "en"


def test_unknown_locale_is_ignored(client, auth, db):
    user = make_user(employee_no="H023", locale="zh_CN")
    auth.login(user)
    response = client.post("/locale", data={"locale": "fr"})
    assert response.status_code == 303
    assert db.session.get(User, user.id).locale == "zh_CN"
    assert html_lang(text(client.get("/"))) == "zh-CN"


def test_locale_switch_goes_back_to_the_same_site_page(client):
    response = client.post(
        "/locale", data={"locale": "en"}, headers={"Referer": "http://localhost/auth/login?x=1"}
    )
    assert response.headers["Location"] == "http://localhost/auth/login?x=1"


@pytest.mark.parametrize(
    "referer", ["https://evil.example/phish", "//evil.example/phish", "http://localhost.evil/"]
)
def test_locale_switch_never_goes_to_another_site(client, referer):
    response = client.post("/locale", data={"locale": "en"}, headers={"Referer": referer})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_locale_switch_is_post_only(client):
    assert client.get("/locale").status_code == 405


def test_a_page_copied_for_offline_reading_leaves_the_message_to_the_page_it_was_for(client, auth):
    """The phone keeps copies of pages in the background, and one may be fetched between a
    form's redirect and the page it leads to: the copy must not take the "saved" message."""
    make_user(employee_no="H020")
    auth.login("H020")
    changed = client.post(
        "/auth/password",
        data={
            "current_password": DEFAULT_PASSWORD,
            "new_password": "newpass456",
            "confirm": "newpass456",
        },
    )
    assert changed.status_code == 303

    copy = client.get("/safety/hazards/new", headers={"X-Offline-Copy": "1"})
    assert copy.status_code == 200
    assert "密码已修改。" not in text(copy)  # i18n
    assert "密码已修改。" in text(client.get(changed.headers["Location"]))  # i18n
