"""The scorecard as the chairman sees it on the demo data: every area, each figure a link to
the list behind it, and the yearly xlsx with one sheet per area."""

import re
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Department, Role
from app.models.appeals import Appeal
from app.models.surveys import Survey
from tests.factories import make_user
from tests.helpers import text


def test_the_chairman_reads_every_area_and_follows_a_figure_to_its_list(
    client, auth, db, year, demo_data
):
    auth.login("A0001", "demo1234")
    page = text(client.get(f"/reports/?year={year}"))
    for area in ("会员参与", "满意度", "安全生产", "民主管理", "帮扶关爱", "合理化建议", "维护"):
        assert area in page
    link = re.search(r'data-figure="proposals.made"><a href="([^"]+)">(\d+)</a>', page)
    assert link, "the figure links to its list"
    listed = text(client.get(link.group(1).replace("&amp;", "&")))
    assert listed.count('<a href="/proposals/') == int(link.group(2))

    response = client.get(f"/reports/{year}.xlsx")
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == [
        "会员参与",
        "满意度",
        "安全生产",
        "民主管理",
        "帮扶关爱",
        "合理化建议",
        "维护",
    ]
    rows = list(book["合理化建议"].values)
    assert rows[1][:3] == ("指标", "年份", "1 月")
    made = next(r for r in rows if r[0] == "提交的建议数")
    assert made[1] == int(link.group(2)) == sum(made[2:])


def test_the_demo_satisfaction_survey_shows_results_with_the_previous_run(
    client, auth, db, demo_data
):
    auth.login("O0001", "demo1234")
    last = db.session.scalar(select(Survey).where(Survey.title.like("%上期%")))
    this = db.session.scalar(select(Survey).where(Survey.title.like("%本期%")))
    page = text(client.get(f"/surveys/{last.id}/results"))
    assert "12 份答卷" in page and "平均分" in page and "满意" in page
    # This year's run is open and anonymous: its results wait for the close.
    assert client.get(f"/surveys/{this.id}/results").status_code == 403
    book = load_workbook(BytesIO(client.get(f"/surveys/{last.id}/results.xlsx").data))
    assert book.sheetnames == ["结果", "文字回答"]
    assert list(book["结果"].values)[1][:2] == ("答卷数", 12)


def test_the_rights_figures_are_for_the_rights_officers_only(client, auth, db, year, demo_data):
    """An organizer who is also a department head (management) never sees appeals: not on
    the scorecard, not the rows behind, not in the xlsx. The chairman does, with small
    counts withheld and nothing of an anonymous appeal but how many there are."""
    from app.models import User
    from app.models.proposals import DepartmentHead

    organizer = db.session.scalar(select(User).where(User.employee_no == "O0001"))
    db.session.add(DepartmentHead(department_id=organizer.department_id, user_id=organizer.id))
    db.session.commit()

    auth.login("O0001", "demo1234")
    page = text(client.get(f"/reports/?year={year}"))
    assert "维护" in page and 'data-figure="rights.' not in page and "不向您显示" in page
    assert 'data-figure="safety.qualified_workers"' in page
    assert client.get(f"/reports/rights/raised?year={year}").status_code == 403
    book = load_workbook(BytesIO(client.get(f"/reports/{year}.xlsx").data))
    assert len(list(book["维护"].values)) == 2  # the heading and the column names only
    auth.logout()

    auth.login("A0001", "demo1234")
    page = text(client.get(f"/reports/?year={year}"))
    raised = re.search(r'data-figure="rights.raised"><a href="([^"]+)">(\d+)</a>', page)
    assert raised, "the chairman sees how many appeals were raised"
    assert "不公开（少于3件）" in page  # the demo's small counts
    listed = text(client.get(raised.group(1).replace("&amp;", "&")))
    assert "匿名诉求" in listed and "/appeals/" not in listed.split("<main")[-1]
    for appeal in db.session.scalars(select(Appeal).where(Appeal.anonymous.is_(True))):
        assert appeal.title not in listed
    workshop = db.session.scalar(select(Department).where(Department.name == "机加工车间"))
    few = text(client.get(f"/reports/rights/raised?year={year}&department={workshop.id}"))
    assert "不公开（少于3件）" in few and "为避免识别出个人" in few


def test_a_figure_s_note_runs_under_it_across_the_card(client, auth, db, year, demo_data):
    """On a 360 px phone the note beside a figure had a column four characters wide; it is
    now its own line under the figure, spanning the card, and the figure stands alone."""
    auth.login("A0001", "demo1234")
    page = text(client.get(f"/reports/?year={year}"))
    figure = re.search(
        r'<dd data-figure="care.aid_on_time">(.*?)</dd>\s*<dd ([^>]*)>([^<]*)</dd>', page, re.S
    )
    assert figure, "the note follows the figure in its own <dd>"
    assert re.fullmatch(r"<a [^>]*>\d+(\.\d)?%</a>", figure.group(1).strip())
    assert 'style="grid-column:1/-1"' in figure.group(2)
    assert figure.group(3).startswith("办结时向会员说明了原因，才视为响应")


def test_a_figure_s_rows_say_what_they_are_and_why_they_count(client, auth, db, year, demo_data):
    """The evaluation turnout rows carry their %, and a file review row names the file and
    says whether it was reviewed on time, not a bare #5 … 未计入."""
    auth.login("A0001", "demo1234")
    turnout = text(client.get(f"/reports/democracy/evaluation_participation?year={year}"))
    assert re.search(r"\d+/\d+</a>\s*<span class=\"muted\">\d+(\.\d)? %</span>", turnout)
    reviews = text(client.get(f"/reports/care/reviews_on_time?year={year}"))
    assert re.search(r"档案 #\d+，\d{4}-\d\d-\d\d 到期复核", reviews)
    assert re.search(r"已按期复核（\d{4}-\d\d-\d\d）|逾期复核（|逾期未复核", reviews)
    assert "未计入" not in reviews


def test_care_visit_and_aid_rows_say_what_they_are_and_why_they_count(
    client, auth, db, year, demo_data
):
    """A visit row names the file and the plan and says when it was visited (or not); an aid
    row names the request and says when it was answered against its target: no bare 计入."""
    auth.login("A0001", "demo1234")
    visits = text(client.get(f"/reports/care/visit_coverage?year={year}"))
    assert re.search(r"档案 #\d+，走访计划“[^”]+”（\d{4}-\d\d-\d\d 结束）", visits)
    assert re.search(r"已走访（\d{4}-\d\d-\d\d）", visits)
    assert re.search(r"尚未走访（计划进行中）|计划期内未走访", visits)
    # The open request was reported yesterday: near New Year it is last year's.
    aid = "".join(text(client.get(f"/reports/care/aid_on_time?year={y}")) for y in (year - 1, year))
    assert re.search(r"大事互助 #\d+（[^）]+），\d{4}-\d\d-\d\d 上报", aid)
    assert re.search(r"按时响应（\d{4}-\d\d-\d\d \d\d:\d\d）", aid)
    assert re.search(r"超过时限（\d{4}-\d\d-\d\d \d\d:\d\d）未响应", aid)
    for page in (visits, aid):
        assert "计入" not in page


def test_a_period_typed_in_full_width_digits_is_read_as_the_other_pages_read_it(client, auth):
    """A Chinese keyboard types ２０２６ and １２; the scorecard refused them with 400 where the
    honour board and the appeals figures read them (a helper found it)."""
    auth.login(make_user(Role.ORGANIZER))
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    ascii_page = client.get("/reports/?year=2026&month=12")
    wide_page = client.get(f"/reports/?year={'2026'.translate(full_width)}&month=１２")
    assert ascii_page.status_code == wide_page.status_code == 200
    assert 'value="2026"' in text(wide_page)
    for bad, message in [
        ("year=１９９９", "请选择 2000 到 2100 年。"),
        ("year=abc", "请选择 2000 到 2100 年。"),
        ("year=2026&month=１３", "请选择 1 到 12 月。"),
    ]:
        refused = client.get(f"/reports/?{bad}")
        assert refused.status_code == 400 and message in text(refused), bad


def test_who_answered_an_anonymous_survey_is_never_listed_by_name(
    client, auth, db, year, demo_data
):
    """The list behind 参与问卷的会员比例 named every member 计入 / 未计入 while the period
    held the anonymous 满意度测评: who answered it. It now counts by department, small
    counts withheld, and names no one; a workshop's few are withheld altogether."""
    from app.models import User

    auth.login("O0001", "demo1234")
    page = text(client.get(f"/reports/participation/survey_share?year={year}"))
    body = page.split("<main")[-1]
    for user in db.session.scalars(select(User)):
        assert user.name not in body and user.employee_no not in body
    assert "计入" not in body
    assert "本期有匿名问卷" in body and re.search(r"\d+ 名会员中 \d+ 人参与", body)
    assert "不公开（少于5人）" in body  # a department of fewer than 5
    # Most of a department answered: the few who did not are what is withheld.
    assert "不公开（其中一类不足5人，可推算出个人）" in body
    team = db.session.scalar(select(Department).where(Department.name == "车工班"))
    few = text(client.get(f"/reports/participation/survey_share?year={year}&department={team.id}"))
    assert "为避免识别出个人" in few and "计入" not in few
    scorecard = text(client.get(f"/reports/?year={year}&department={team.id}"))
    assert re.search(r'data-figure="participation.survey_share"><a [^>]*>不公开', scorecard)


def test_the_organizer_reads_how_many_care_cases_count_never_the_cases(
    client, auth, db, year, demo_data
):
    """/reports/care/aid_on_time showed the organizer 大事互助 #1（住院），…上报: care data is
    the care officers' (and the chairman's, read-only). The organizer now reads how many
    count and how many not; and no row of any figure links to a page that refuses them."""
    auth.login("O0001", "demo1234")
    scorecard = text(client.get(f"/reports/?year={year}"))
    for key in ("reviews_on_time", "visit_coverage", "aid_on_time"):
        body = text(client.get(f"/reports/care/{key}?year={year}")).split("<main")[-1]
        assert "档案 #" not in body and "大事互助 #" not in body and "/care/" not in body, key
        assert re.search(r"<dt>计入</dt><dd>\d+</dd>\s*<dt>未计入</dt><dd>\d+</dd>", body), key
        assert "只向经办人员显示" in body
    for url in set(re.findall(r'href="(/reports/[a-z_]+/[a-z_]+\?[^"]+)"', scorecard)):
        listed = text(client.get(url.replace("&amp;", "&"))).partition('<ul class="list">')[2]
        for link in set(re.findall(r'<a href="([^"]+)"', listed.split("</ul>")[0])):
            assert client.get(link.replace("&amp;", "&")).status_code == 200, (url, link)
    auth.logout()

    auth.login("A0001", "demo1234")
    aid = "".join(text(client.get(f"/reports/care/aid_on_time?year={y}")) for y in (year - 1, year))
    assert re.search(r"大事互助 #\d+（[^）]+），\d{4}-\d\d-\d\d 上报", aid)


def test_a_note_every_figure_of_an_area_shares_is_said_once_for_the_area(
    client, auth, db, year, demo_data
):
    """维护's note (按提出月份统计…) was printed under each of its four figures; it is now
    said once, under the area's figures, and a note of one figure stays under that figure."""
    auth.login("A0001", "demo1234")
    page = text(client.get(f"/reports/?year={year}"))
    rights = page.split('id="area-rights"')[1].split("</section>")[0]
    assert rights.count("按提出月份统计") == 1 and rights.count('data-figure="rights.') == 4
    assert "data-figure-note" not in rights
    assert re.search(r'</dl>\s*<p class="hint" data-area-note>按提出月份统计', rights)
    care = page.split('id="area-care"')[1].split("</section>")[0]
    assert care.count("data-figure-note") == 1 and "data-area-note" not in care


def test_the_benefit_rows_are_written_as_its_headline_is(client, auth, db, year, demo_data):
    """实测年效益 headed 274,000 had rows of 186000.0: each row now reads like the headline,
    whole yuan with thousands separators."""
    auth.login("A0001", "demo1234")
    page = text(client.get(f"/reports/proposals/benefit?year={year}"))
    headline = re.search(r"<strong data-value>([^<]+)</strong>", page).group(1)
    assert re.fullmatch(r"\d{1,3}(,\d{3})*", headline)
    amounts = re.findall(r'</a>\s*<span class="muted">([^<]+)</span>', page)
    assert amounts and all(re.fullmatch(r"\d{1,3}(,\d{3})*", a) for a in amounts), amounts
    assert sum(int(a.replace(",", "")) for a in amounts) == int(headline.replace(",", ""))
