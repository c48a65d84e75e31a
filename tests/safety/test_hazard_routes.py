import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.blueprints.safety.services.common import local_today
from app.models import Role
from app.models.hazards import Hazard, HazardStatus
from tests.factories import make_user
from tests.helpers import text
from tests.safety.factories import assign, jpeg_bytes, make_area, make_hazard, step


def test_assignee_filter_follows_assignments_at_the_next_look(client, auth, app, db):
    """The filter's people are kept between looks, but a new assignment or a closing shows."""
    officer = make_user(Role.SAFETY_OFFICER)
    first, second = make_user(name="王维修"), make_user(name="李电工")
    hazard, other = make_hazard(title="护栏松动"), make_hazard(title="电线裸露")
    assign(hazard, officer, first)
    auth.login(officer)
    page = client.get("/safety/hazards").text
    assert "王维修</option>" in page and "李电工</option>" not in page
    assign(other, officer, second)
    page = client.get("/safety/hazards").text
    assert "王维修</option>" in page and "李电工</option>" in page
    for action in ("rectify", "verify"):
        step(hazard, first if action == "rectify" else officer, action)
    page = client.get("/safety/hazards").text
    assert "王维修</option>" not in page and "李电工</option>" in page


def test_report_form_shows_errors_in_chinese(client, auth, app):
    auth.login(make_user())
    response = client.post("/safety/hazards/new", data={"title": "", "severity": "major"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "上报隐患" in page
    assert page.count("errors") >= 2


def test_report_then_see_it_in_the_timeline(client, auth, app, db):
    import io

    area = make_area(name="数控车床区")
    user = make_user(name="刘职工")
    auth.login(user)
    response = client.post(
        "/safety/hazards/new",
        data={
            "title": "车床防护罩缺失",
            "area_id": area.id,
            "category": "machinery",
            "severity": "serious",
            "description": "1号车床",
            "photos": (io.BytesIO(jpeg_bytes()), "a.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    hazard = db.session.scalar(select(Hazard))
    assert response.headers["Location"].endswith(f"/safety/hazards/{hazard.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "车床防护罩缺失" in page and "较大" in page and "已上报" in page
    assert "刘职工" in page and "/safety/photos/" in page


def _seed_list(people):
    officer, worker = people
    area_a, area_b = make_area(name="A区"), make_area(name="B区")
    hazards = [
        make_hazard(area=area_a, severity="major", title="重大漏电"),
        make_hazard(area=area_b, severity="general", title="地面湿滑"),
        make_hazard(area=area_b, severity="serious", title="护栏松动"),
    ]
    assign(hazards[2], officer, worker)
    return area_a, area_b, hazards


def test_list_filters_by_status_area_severity_and_assignee(client, auth, app):
    officer, worker = make_user(Role.SAFETY_OFFICER), make_user(name="王维修")
    area_a, area_b, hazards = _seed_list((officer, worker))
    auth.login(officer)

    def titles(query):
        page = client.get("/safety/hazards?" + query).get_data(as_text=True)
        return {h.title for h in hazards if h.title in page}

    assert titles("") == {"重大漏电", "地面湿滑", "护栏松动"}
    assert titles("severity=major") == {"重大漏电"}
    assert titles(f"area_id={area_b.id}") == {"地面湿滑", "护栏松动"}
    assert titles("status=assigned") == {"护栏松动"}
    assert titles(f"assignee_id={worker.id}") == {"护栏松动"}
    assert titles("q=地面") == {"地面湿滑"}
    # The filters chosen stay chosen on the page that shows their results.
    page = client.get(f"/safety/hazards?area_id={area_b.id}&assignee_id={worker.id}").text
    assert f'<option value="{area_b.id}" selected>' in page
    assert f'<option value="{area_a.id}">' in page
    assert f'<option value="{worker.id}" selected>王维修</option>' in page


def test_a_search_finds_the_same_titles_for_a_rare_word_and_a_common_one(
    client, auth, app, db, monkeypatch
):
    """A word in few titles goes through the trigram index (on SQLite), one in many along the
    newest-first order: either way the list shows every title that contains it, and no other."""
    from app.blueprints.safety import queries
    from tests.helpers import statements

    monkeypatch.setattr(queries, "COMMON_WORD_MATCHES", 3)
    area = make_area()
    common = [make_hazard(area=area, title=f"配电柜漏电保护失灵{i}") for i in range(4)]
    rare = make_hazard(area=area, title="二号线护栏松动")
    make_hazard(area=area, title="地面湿滑")
    auth.login(make_user(Role.SAFETY_OFFICER))

    sqlite = db.engine.dialect.name == "sqlite"

    def found(q, through_index):
        with statements(db.engine) as seen:
            page = client.get("/safety/hazards", query_string={"q": q}).get_data(as_text=True)
        listed = [s for s in seen if s.startswith("SELECT hazards.id")]
        assert len(listed) == 1
        # Through the index: the list reads the rows the trigram index matched, by id.
        assert ("hazards.id IN (" in listed[0]) is (sqlite and through_index)
        assert any("hazards_fts MATCH" in s for s in seen) is sqlite
        titles = [*(h.title for h in common), rare.title, "地面湿滑"]
        return {title for title in titles if title in page}

    assert found("漏电保护", through_index=False) == {h.title for h in common}  # in 4 titles
    assert found("护栏松动", through_index=True) == {rare.title}  # in 1 title
    assert found("没有这个词", through_index=True) == set()


def test_htmx_gets_only_the_results(client, auth, app, htmx_headers):
    officer = make_user(Role.SAFETY_OFFICER)
    make_hazard(title="重大漏电")
    auth.login(officer)
    full = client.get("/safety/hazards?q=漏电").get_data(as_text=True)
    fragment = client.get("/safety/hazards?q=漏电", headers=htmx_headers).get_data(as_text=True)
    assert "<html" in full and 'id="hazard-results"' in full
    assert "<html" not in fragment and "重大漏电" in fragment and "共 1 条隐患" in fragment


def test_list_paginates(client, auth, app):
    officer = make_user(Role.SAFETY_OFFICER)
    area = make_area()
    for i in range(23):
        make_hazard(area=area, title=f"隐患第{i:02d}号")
    auth.login(officer)
    first = client.get("/safety/hazards").get_data(as_text=True)
    second = client.get("/safety/hazards?page=2").get_data(as_text=True)
    # No count of every match: the first page knows only that more follow; the last, how many.
    assert "第 1 页" in first and "下一页" in first and "超过 20 条隐患" in first  # i18n
    assert "隐患第22号" in first and "隐患第00号" not in first
    assert "第 2 页" in second and "下一页" not in second and "共 23 条隐患" in second  # i18n
    assert "隐患第00号" in second and "隐患第22号" not in second


def test_members_see_only_their_own_hazards(client, auth, app):
    mine, other = make_user(), make_user()
    make_hazard(reporter=mine, title="我的隐患")
    make_hazard(reporter=other, title="别人的隐患")
    auth.login(mine)
    page = client.get("/safety/hazards").get_data(as_text=True)
    assert "我的隐患" in page and "别人的隐患" not in page


def test_my_hazards_and_overdue_flag(client, auth, app, db):
    officer, worker = make_user(Role.SAFETY_OFFICER), make_user()
    hazard = make_hazard(title="应急灯不亮")
    assign(hazard, officer, worker)
    hazard.due_on = local_today() - timedelta(days=1)
    db.session.commit()
    auth.login(worker)
    page = client.get("/safety/hazards/mine").get_data(as_text=True)
    assert "应急灯不亮" in page and "已逾期" in page
    home = client.get("/").get_data(as_text=True)
    assert "待您整改的隐患" in home and "其中 1 条已逾期" in home


def test_my_rectifications_list_open_ones_first_the_soonest_due_first(client, auth, app, db):
    officer, worker, verifier = (
        make_user(Role.SAFETY_OFFICER),
        make_user(),
        make_user(Role.SAFETY_OFFICER),
    )
    area = make_area()  # the worker's workshop: they may take its hazards
    later = make_hazard(title="甲：下周到期", area=area)
    assign(later, officer, worker, days=7)
    soon = make_hazard(title="乙：明天到期", area=area)
    assign(soon, officer, worker, days=1)
    done = make_hazard(title="丙：已销号", area=area)
    assign(done, officer, worker)
    step(done, worker, "rectify", note="修好了")
    step(done, verifier, "verify")  # the newest, and closed: last
    auth.login(worker)
    page = client.get("/safety/hazards/mine").get_data(as_text=True)
    assert page.index("乙：明天到期") < page.index("甲：下周到期") < page.index("丙：已销号")


def test_the_whole_lifecycle_through_the_pages(client, auth, app, db):
    officer, worker, verifier = (
        make_user(Role.SAFETY_OFFICER),
        make_user(name="王维修"),
        make_user(Role.SAFETY_OFFICER, name="周验收"),
    )
    hazard = make_hazard(title="配电柜门未关")
    worker.department_id = hazard.area.department_id  # one of the workshop's people
    url = f"/safety/hazards/{hazard.id}"
    due = (local_today() + timedelta(days=5)).isoformat()
    auth.login(officer)
    response = client.post(
        url + "/events", data={"action": "assign", "assignee_id": worker.id, "due_on": due}
    )
    assert response.status_code == 303
    auth.logout()
    auth.login(worker)
    assert client.post(url + "/events", data={"action": "start"}).status_code == 303
    missing_note = client.post(url + "/events", data={"action": "rectify"})
    assert missing_note.status_code == 422
    assert "该字段是必填字段。" in missing_note.get_data(as_text=True)
    assert (
        client.post(url + "/events", data={"action": "rectify", "note": "已关好并上锁"}).status_code
        == 303
    )
    auth.logout()
    auth.login(verifier)
    assert (
        client.post(url + "/events", data={"action": "verify", "note": "合格"}).status_code == 303
    )
    page = client.get(url).get_data(as_text=True)
    for words in (
        "已指派",
        "开始整改",
        "整改完成",
        "已关好并上锁",
        "验收合格，已销号",
        "周验收",
        f"（期限 {due}）",  # Chinese brackets around the due day of the assignment
    ):
        assert words in page
    assert db.session.get(Hazard, hazard.id).status is HazardStatus.CLOSED


def test_bad_assignment_comes_back_with_errors(client, auth, app):
    officer = make_user(Role.SAFETY_OFFICER)
    hazard = make_hazard()
    auth.login(officer)
    response = client.post(
        f"/safety/hazards/{hazard.id}/events",
        data={"action": "assign", "assignee_id": "", "due_on": "2001-01-01"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请选择一项。" in page and "整改期限不能早于今天。" in page


def test_comment_on_a_closed_hazard_is_refused(client, auth, app):
    officer = make_user(Role.SAFETY_OFFICER)
    hazard = make_hazard()
    step(hazard, officer, "reject", note="重复上报")
    auth.login(officer)
    response = client.post(
        f"/safety/hazards/{hazard.id}/events", data={"action": "comment", "note": "再看看"}
    )
    assert response.status_code == 409
    assert "已驳回" in response.get_data(as_text=True)


def test_search_finds_titles_through_the_trigram_index(client, auth, app, db):
    """Three characters or more go through the title index (FTS5 on SQLite, pg_trgm on
    PostgreSQL), which follows every insert, rename and delete; shorter searches still work."""
    from sqlalchemy import update

    from app.models.hazards import Hazard
    from tests.helpers import statements, text

    officer = make_user(Role.SAFETY_OFFICER)
    railing = make_hazard(title="二号线护栏松动")
    make_hazard(title="三号线Guard Rail断裂")
    gone = make_hazard(title="二号线护栏锈蚀")
    auth.login(officer)

    def titles(q):
        page = text(client.get("/safety/hazards", query_string={"q": q}))
        return {
            t
            for t in ("二号线护栏松动", "三号线Guard Rail断裂", "二号线护栏锈蚀", "护栏已更换")
            if t in page
        }

    with statements(db.engine) as seen:
        assert titles("号线护栏") == {"二号线护栏松动", "二号线护栏锈蚀"}
    if db.engine.dialect.name == "sqlite":
        assert any("hazards_fts MATCH" in s for s in seen)
    assert titles("guard rail") == {"三号线Guard Rail断裂"}  # case does not matter
    assert titles("护栏") == {"二号线护栏松动", "二号线护栏锈蚀"}  # two characters: LIKE
    assert titles('"护栏') == set()
    db.session.execute(update(Hazard).where(Hazard.id == railing.id).values(title="护栏已更换"))
    db.session.delete(db.session.get(Hazard, gone.id))
    db.session.commit()
    assert titles("号线护栏") == set()
    assert titles("护栏已更") == {"护栏已更换"}


def test_an_area_name_is_shown_as_text_in_the_list_filter(client, auth, app):
    area = make_area(name='<b>一号"线"</b> & 二号')
    auth.login(make_user(Role.SAFETY_OFFICER))
    page = client.get("/safety/hazards").text
    assert "&lt;b&gt;一号&#34;线&#34;&lt;/b&gt; &amp; 二号</option>" in page
    assert "<b>一号" not in page
    assert f'<option value="{area.id}">' in page


def test_the_area_filter_shows_a_renamed_or_new_area_at_the_next_look(client, auth, app, db):
    """The filter's tags are kept between looks, but never hide a change to the areas."""
    area = make_area(name="一号线")
    auth.login(make_user(Role.SAFETY_OFFICER))
    assert "一号线</option>" in client.get("/safety/hazards").text
    area.name = "一号装配线"
    make_area(name="二号线")
    db.session.commit()
    page = client.get("/safety/hazards").text
    assert "一号装配线</option>" in page and "二号线</option>" in page
    assert "一号线</option>" not in page.replace("一号装配线", "")


def test_the_list_writes_its_page_into_the_statement(client, auth, db):
    """PostgreSQL keeps one plan for a prepared statement only if it holds for any value of
    its parameters; a bound LIMIT could be anything, so the list was planned afresh on every
    request (0 generic plans in 25 runs on the bench's data). Written into the statement,
    each page number is a statement of its own, and one read often is planned once and
    kept."""
    from tests.helpers import statements

    auth.login(make_user(Role.SAFETY_OFFICER))
    make_hazard()
    for page, offset in ((1, 0), (3, 40)):
        with statements(db.engine) as seen:
            assert client.get(f"/safety/hazards?page={page}").status_code == 200
        [listed] = [s for s in seen if "FROM hazards" in s and "ORDER BY hazards.created_at" in s]
        assert listed.rstrip().endswith(f"LIMIT 21 OFFSET {offset}"), listed[-80:]


def test_the_home_card_opens_the_hazards_it_counts_and_the_kit_holds_that_page(
    client, auth, app, db
):
    """The card counts what waits for the person's rectification: the list it opens shows
    those and no other (not one already awaiting verification), and works offline."""
    officer, worker = make_user(Role.SAFETY_OFFICER), make_user(Role.INSPECTOR)
    todo, started, done = (make_hazard(title=t) for t in ("甲：待整改", "乙：整改中", "丙：待验收"))
    for hazard in (todo, started, done):
        assign(hazard, officer, worker)
    step(started, worker, "start")
    step(done, worker, "rectify", note="修好了")
    auth.login(worker)
    home = text(client.get("/"))
    assert "待您整改的隐患" in home
    link = "/safety/hazards/mine?status=to_rectify"
    assert f'href="{link}"' in home
    listed = text(client.get(link))
    assert "甲：待整改" in listed and "乙：整改中" in listed and "丙：待验收" not in listed
    assert "共 2 条隐患" in listed and "待整改" in listed  # the tab is named
    manifest = client.get("/offline/manifest").get_json()
    assert link in manifest["urls"]


def test_a_search_takes_percent_underscore_and_quote_as_typed(client, auth, app):
    """% and _ are not wildcards, a quote is not search syntax: each is looked for as the
    character it is, through the LIKE and through the trigram index alike."""
    plain = ("配电柜漏电", "配电箱门未关", "含氧量低于19.5%", "标签A_1脱落")
    for title in (*plain, '铭牌"高压"缺失'):
        make_hazard(title=title)
    auth.login(make_user(Role.SAFETY_OFFICER))

    def titles(q):
        page = text(client.get("/safety/hazards", query_string={"q": q}))
        return {t for t in plain if t in page}

    assert titles("%") == {"含氧量低于19.5%"}
    assert titles("_") == {"标签A_1脱落"}
    assert titles("5%") == {"含氧量低于19.5%"}  # two characters: the LIKE alone
    assert titles("19.5%") == {"含氧量低于19.5%"}  # through the index too
    assert titles("A_1") == {"标签A_1脱落"}
    assert titles("配%") == set() and titles("配_柜") == set()
    assert titles("配电") == {"配电柜漏电", "配电箱门未关"}
    page = text(client.get("/safety/hazards", query_string={"q": '"高压"'}))
    assert '铭牌"高压"缺失' in page and "共 1 条隐患" in page


def test_the_hazards_i_reported_are_a_filter_of_the_list(client, auth, app):
    officer, inspector = make_user(Role.SAFETY_OFFICER), make_user(Role.INSPECTOR)
    make_hazard(reporter=inspector, title="我报的：护栏松动")
    mine_closed = make_hazard(reporter=inspector, title="我报的：地面湿滑")
    step(mine_closed, officer, "reject", note="重复上报")
    assign(make_hazard(reporter=officer, title="别人报的：派给我"), officer, inspector)
    auth.login(inspector)
    page = text(client.get("/safety/hazards?reporter=me"))
    assert "我报的：护栏松动" in page and "我报的：地面湿滑" in page
    assert "别人报的：派给我" not in page
    assert 'id="reporter" name="reporter" value="me" checked' in page
    assert '<label for="reporter">我上报的</label>' in page
    mine = text(client.get("/safety/hazards/mine"))
    assert '<a class="button button-small" href="/safety/hazards?reporter=me">我上报的</a>' in mine
    assert "/safety/hazards?reporter=me" in client.get("/offline/manifest").get_json()["urls"]
    # Combined with the list's other filters, and kept in the pager's links.
    page = text(client.get("/safety/hazards?reporter=me&status=open"))
    assert "我报的：护栏松动" in page and "我报的：地面湿滑" not in page


def test_each_follow_up_form_s_labels_name_its_own_fields(client, auth, app, htmx_headers):
    """Verify, send back and comment each have a note: every id on the page is unique, and
    each form's label points at that form's own field."""
    import re

    officer, worker, verifier = (
        make_user(Role.SAFETY_OFFICER),
        make_user(),
        make_user(Role.SAFETY_OFFICER),
    )
    hazard = make_hazard()
    assign(hazard, officer, worker)
    step(hazard, worker, "rectify", note="修好了")
    auth.login(verifier)
    url = f"/safety/hazards/{hazard.id}"
    for page in (text(client.get(url)), text(client.get(url, headers=htmx_headers))):
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        forms = re.findall(r'<details class="action" id="action-(\w+)".*?</details>', page, re.S)
        assert set(forms) >= {"verify", "send_back", "comment"}
        for action in ("verify", "send_back", "comment"):
            form = re.search(rf'id="action-{action}".*?</details>', page, re.S).group(0)
            assert f'<label for="{action}-note">' in form
            assert re.search(rf'<textarea [^>]*id="{action}-note"[^>]* name="note"', form)
    # A step refused for a missing note comes back with its error beside its own field.
    response = client.post(url + "/events", data={"action": "send_back"})
    assert response.status_code == 422
    form = re.search(r'id="action-send_back".*?</details>', text(response), re.S).group(0)
    assert 'id="send_back-note-errors"' in form and "该字段是必填字段。" in form


def test_a_refusal_about_a_hidden_field_is_said_above_the_form(client, auth, app, db):
    """The patrol a hazard was found on rides in a hidden field: a patrol gone (or not the
    reporter's) came back as a 422 with the form and no word of what was wrong."""
    area = make_area(name="数控车床区")
    auth.login(make_user(name="刘职工"))
    fields = {"title": "护栏松动", "area_id": area.id, "category": "machinery"}
    response = client.post(
        "/safety/hazards/new", data=fields | {"severity": "serious", "patrol_id": "99999999"}
    )
    assert response.status_code == 422
    page = text(response)
    errors = re.search(r'<div class="alert alert-error"[^>]*>(.*?)</div>', page, re.S)
    assert errors and errors.group(1).strip(), page
    assert db.session.scalar(select(Hazard)) is None


@pytest.mark.parametrize(
    "url", ["/safety/hazards", "/safety/hazards/mine", "/safety/hazards?q=隐患"]
)
@pytest.mark.parametrize("number", [3, 99999])
def test_a_page_past_the_end_says_so_and_leads_back_to_the_first(client, auth, url, number):
    """Nine hazards fill one page: page 3 has nothing, and neither a total worked out from the
    page number ("40 hazards") nor "no hazards match" is true of it."""
    worker = make_user(Role.SAFETY_OFFICER)
    for _ in range(9):
        assign(make_hazard(title="隐患"), worker, worker)
    auth.login(worker)
    first = text(client.get(url))
    assert "共 9 条隐患" in first and "这一页没有内容" not in first
    past = f"{url}{'&' if '?' in url else '?'}page={number}"
    page = text(client.get(past))
    assert "这一页没有内容。" in page and "回到第一页" in page
    assert "条隐患" not in page and "没有符合条件的隐患" not in page and "第 " not in page
    [back] = re.findall(r'href="([^"]*)">回到第一页<', client.get(past).text)
    assert "共 9 条隐患" in text(client.get(back.replace("&amp;", "&")))


def test_the_menu_entry_for_my_rectifications_opens_what_the_home_card_counts(client, auth):
    officer, worker = make_user(Role.SAFETY_OFFICER), make_user(Role.INSPECTOR)
    waiting, closed = make_hazard(title="甲：待整改"), make_hazard(title="乙：已销号")
    for hazard in (waiting, closed):
        assign(hazard, officer, worker)
    step(closed, worker, "rectify", note="修好了")
    step(closed, officer, "verify")
    auth.login(worker)
    menu = client.get("/safety/").text
    [link] = re.findall(r'href="([^"]*)">我的整改任务<', menu)
    listed = text(client.get(link.replace("&amp;", "&")))
    assert "共 1 条隐患" in listed and "甲：待整改" in listed and "乙：已销号" not in listed


@pytest.mark.parametrize("who", ["chairman", "nobody"])
def test_an_assignee_the_form_does_not_offer_is_refused(client, auth, db, who):
    """The chairman is no one's assignee: a hand-made form naming him is refused like a
    made-up id, with the form's own words, and nobody is told anything."""
    from tests.factories import make_department

    elsewhere = make_department("财务部")
    chairman = make_user(Role.ADMIN, name="王主席", department=elsewhere)
    officer = make_user(Role.SAFETY_OFFICER)
    hazard = make_hazard(title="车床防护罩缺失")
    auth.login(officer)
    offered = client.get(f"/safety/hazards/{hazard.id}").text
    assert "王主席" not in offered
    due = (local_today() + timedelta(days=5)).isoformat()
    sent = {"chairman": chairman.id, "nobody": 99999}[who]
    response = client.post(
        f"/safety/hazards/{hazard.id}/events",
        data={"action": "assign", "assignee_id": sent, "due_on": due},
    )
    assert response.status_code == 422
    assert "请从给出的选项中选择。" in text(response)
    db.session.expire_all()
    assert db.session.get(Hazard, hazard.id).assignee_id is None
