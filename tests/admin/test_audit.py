from app.blueprints.activities.services import sign_up
from app.models import Role
from app.services import audit
from tests.activities.factories import make_activity
from tests.factories import make_user
from tests.helpers import text
from tests.safety.factories import assign, make_hazard


def test_audit_log_lists_newest_first_and_searches(client, auth, db, htmx_headers, app):
    admin = make_user(Role.ADMIN, name="记录员")
    target = make_user(employee_no="T0001")
    audit.record(
        "user.updated",
        target,
        actor=admin,
        summary="T0001 first",
        before={"name": "甲"},
        after={"name": "乙"},
    )
    audit.record("department.created", None, actor=admin, summary="一车间")
    db.session.commit()
    auth.login(admin)

    page = client.get("/admin/audit").get_data(as_text=True)
    assert page.index("一车间") < page.index("T0001 first")
    assert "记录员" in page and "<details>" in page  # before/after shown on demand

    fragment = client.get("/admin/audit?q=T0001", headers=htmx_headers).get_data(as_text=True)
    assert "<html" not in fragment and "T0001 first" in fragment and "一车间" not in fragment


def test_audit_log_paginates(client, auth, db, app):
    app.config["AUDIT_PER_PAGE"] = 3
    admin = make_user(Role.ADMIN)
    for n in range(7):
        audit.record("department.created", None, actor=admin, summary=f"entry-{n}")
    db.session.commit()
    auth.login(admin)
    last = client.get("/admin/audit?q=entry&page=3").get_data(as_text=True)
    assert "entry-0" in last and "entry-6" not in last


def test_every_feature_s_actions_have_words_not_keys(client, auth, db):
    """The audit log names what happened (上报隐患), never the raw key (hazard.reported)."""
    admin = make_user(Role.ADMIN)
    for action in ("hazard.reported", "activity.signed_up", "roster.imported", "patrol.finished"):
        audit.record(action, None, actor=admin, summary=action)
    db.session.commit()
    auth.login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    for words in ("上报隐患", "报名活动", "导入名册", "完成巡查"):
        assert words in page
    assert '<span class="row-title">hazard.reported' not in page


def test_the_log_is_searched_by_the_words_it_shows(client, auth, db, htmx_headers):
    """Searching 查阅困难职工档案, the words each care-file read shows, found nothing: the
    search looked at the stored key (care.file.read) and the summary only."""
    admin = make_user(Role.ADMIN)
    audit.record("care.file.read", None, actor=admin, summary="档案 #7 · 档案页")
    audit.record("department.created", None, actor=admin, summary="一车间")
    db.session.commit()
    auth.login(admin)
    found = client.get("/admin/audit?q=查阅困难职工档案", headers=htmx_headers)
    page = found.get_data(as_text=True)
    assert "档案 #7 · 档案页" in page and "一车间" not in page
    by_key = client.get("/admin/audit?q=care.file", headers=htmx_headers).get_data(as_text=True)
    assert "档案 #7 · 档案页" in by_key
    added = client.get("/admin/audit?q=添加部门", headers=htmx_headers).get_data(as_text=True)
    assert "一车间" in added and "档案 #7" not in added


def _found(client, htmx_headers, typed) -> str:
    return client.get("/admin/audit", query_string={"q": typed}, headers=htmx_headers).get_data(
        as_text=True
    )


def test_percent_and_underscore_are_looked_for_as_typed(client, auth, db, htmx_headers):
    """% listed every entry and _ stood for any one character: the search was a LIKE pattern."""
    admin = make_user(Role.ADMIN)
    audit.record("department.created", None, actor=admin, summary="一车间")
    audit.record("proposal.scored", None, actor=admin, summary="得分 95%")
    audit.record("department.created", None, actor=admin, summary="team_a")
    audit.record("department.created", None, actor=admin, summary="teamsa")
    db.session.commit()
    auth.login(admin)
    percent = _found(client, htmx_headers, "%")
    assert "得分 95%" in percent and "一车间" not in percent and "team_a" not in percent
    underscore = _found(client, htmx_headers, "team_")
    assert "team_a" in underscore and "teamsa" not in underscore


def test_a_number_is_found_however_it_is_typed(client, auth, db, htmx_headers):
    """An entry reads 档案 #8; a person types 档案#8, 档案 ＃8 or ＃８ and finds it."""
    admin = make_user(Role.ADMIN)
    audit.record("care.file.read", None, actor=admin, summary="档案 #8 · 档案页")
    audit.record("care.campaign.signed", None, actor=admin, summary="夏送清凉 · 发放对象 #8")
    audit.record("department.created", None, actor=admin, summary="一车间")
    db.session.commit()
    auth.login(admin)
    for typed in ("档案#8", "档案 ＃8", "档案＃８", "档案 # 8 ·档案页", "档案　#8"):
        page = _found(client, htmx_headers, typed)
        assert "档案 #8 · 档案页" in page and "发放对象" not in page, typed
    for typed in ("＃８", "清凉·发放对象#8", "清凉・发放对象 ＃8"):
        page = _found(client, htmx_headers, typed)
        assert "夏送清凉 · 发放对象 #8" in page and "一车间" not in page, typed


def test_a_number_after_hash_is_the_whole_number(client, auth, db, htmx_headers):
    """#4 found #40 to #49 too: a number typed after # is that number."""
    admin = make_user(Role.ADMIN)
    for summary in ("档案 #4 · 儿子", "档案 #42 · 妻子", "夏送清凉 · 发放对象 #4", "File #4"):
        audit.record("care.file.read", None, actor=admin, summary=summary)
    audit.record("care.campaign.signed", None, actor=admin, summary="夏送清凉 · 发放对象 #45")
    db.session.commit()
    auth.login(admin)
    page = _found(client, htmx_headers, "#4")
    for summary in ("档案 #4 · 儿子", "夏送清凉 · 发放对象 #4", "File #4"):
        assert summary in page
    assert "#42" not in page and "#45" not in page
    files = _found(client, htmx_headers, "档案＃4")
    assert "档案 #4 · 儿子" in files and "#42" not in files and "发放对象" not in files
    assert "File #4" in _found(client, htmx_headers, "file #4")  # letters in either case
    # Without the #, a number is looked for as text: 4 is in 42 and 45.
    assert "#45" in _found(client, htmx_headers, "4")
    near = _found(client, htmx_headers, "档案#4·")
    assert "档案 #4 · 儿子" in near and "#42" not in near
    # Brackets and stars are looked for as typed, not read as a pattern that cannot be.
    assert "暂无记录" in _found(client, htmx_headers, "(档案] \\d.* #4")


def test_a_choice_is_said_by_its_label_not_its_stored_value(client, auth, db):
    """A sign-up read 报名活动 刘职工: confirmed, and a hazard's step showed its status as
    stored (reported → assigned): each is said in words, the step's in the reader's language."""
    admin = make_user(Role.ADMIN)
    activity = make_activity(capacity=1)
    sign_up(make_user(name="刘职工"), activity)
    sign_up(make_user(name="王职工"), activity)
    hazard = make_hazard()
    assign(hazard, make_user(Role.SAFETY_OFFICER), make_user())
    auth.login(admin)

    page = text(client.get("/admin/audit"))
    assert "刘职工: 已报名" in page and "王职工: 候补中" in page  # i18n
    assert "<td>已上报</td><td>已指派</td>" in page  # i18n
    assert "confirmed" not in page and "<td>reported</td>" not in page

    client.post("/locale", data={"locale": "en"})
    page = text(client.get("/admin/audit"))
    assert "<td>Reported</td><td>Assigned</td>" in page
