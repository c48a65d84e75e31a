from app.models import Role
from app.services import audit
from tests.factories import make_user


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
