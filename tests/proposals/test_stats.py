"""The statistics page and its workbook give the figures that direct counts on the demo data
give, month by month and workshop by workshop, participation rate included."""

import io
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from app.models import Department, Role, User
from app.models.proposals import Proposal, ProposalAuthor
from tests.factories import make_user

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def demo(demo_data, db):
    yield
    # The shared teardown deletes table by table; SQLite refuses a workshop whose teams remain.
    db.session.execute(update(Department).values(parent_id=None))
    db.session.commit()


def _expected(db, month: date) -> dict:
    """Counted straight from the rows, without the app's statistics code."""
    departments = {d.id: d for d in db.session.query(Department)}
    workshop = {d.id: d.parent_id or d.id for d in departments.values()}
    members = defaultdict(int)
    for user in db.session.query(User).filter(User.active.is_(True)):
        members[workshop.get(user.department_id)] += 1
        members["total"] += 1
    counts = defaultdict(lambda: defaultdict(int))
    proposers = defaultdict(set)
    for p in db.session.query(Proposal).filter(Proposal.submitted_at.is_not(None)):
        local = p.submitted_at.astimezone(ZONE)
        if (local.year, local.month) != (month.year, month.month) or p.status.value == "draft":
            continue
        for key in (p.department_id, "total"):
            c = counts[key]
            c["proposals"] += 1
            c["adopted"] += p.status.value in ("adopted", "implemented", "awarded")
            c["implemented"] += p.status.value in ("implemented", "awarded")
            c["benefit"] += p.benefit if p.status.value in ("implemented", "awarded") else 0
            c["awards"] += p.status.value == "awarded"
        for author in db.session.query(ProposalAuthor).filter_by(proposal_id=p.id):
            user = db.session.get(User, author.user_id)
            proposers[workshop.get(user.department_id)].add(user.id)
            proposers["total"].add(user.id)
    result = {}
    for key in [*(d.id for d in departments.values() if d.parent_id is None), "total"]:
        n = members[key]
        result[str(key)] = {
            "members": n,
            "proposals": counts[key]["proposals"],
            "participants": len(proposers[key]),
            "participation": f"{100 * len(proposers[key]) / n:.1f} %" if n else "–",
            "adopted": counts[key]["adopted"],
            "implemented": counts[key]["implemented"],
            "benefit": f"{Decimal(counts[key]['benefit']):,.2f}",
            "awards": counts[key]["awards"],
        }
    return result


def _page_rows(html: str) -> dict:
    rows = {}
    for key, body in re.findall(r'<tr data-department="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        cells = [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td>(.*?)</td>", body, re.S)
        ]
        rows[key] = {
            "members": int(cells[1]),
            "proposals": int(cells[2]),
            "participants": int(cells[4]),
            "participation": cells[5],
            "adopted": int(cells[6]),
            "implemented": int(cells[7]),
            "benefit": cells[8],
            "awards": int(cells[9].split(" ")[0]),
        }
    return rows


def _months_back(today: date, n: int) -> list[date]:
    months, year, month = [], today.year, today.month
    for _ in range(n):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def test_the_statistics_equal_direct_counts_on_the_demo_data(client, auth, db, demo):
    auth.login(make_user(Role.ORGANIZER))
    today = date.today()
    seen_participation = False
    for month in _months_back(today, 4):
        expected = _expected(db, month)
        response = client.get(f"/proposals/stats?month={month:%Y-%m}")
        assert response.status_code == 200
        assert _page_rows(response.get_data(as_text=True)) == expected, month
        seen_participation |= expected["total"]["participants"] > 0
        book = load_workbook(
            io.BytesIO(client.get(f"/proposals/stats.xlsx?month={month:%Y-%m}").data)
        )
        sheet = book.worksheets[0]
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        total = rows[-1]
        assert total[0] == "全部车间"
        assert (total[1], total[2], total[4], total[6], total[7], total[9]) == (
            expected["total"]["members"],
            expected["total"]["proposals"],
            expected["total"]["participants"],
            expected["total"]["adopted"],
            expected["total"]["implemented"],
            expected["total"]["awards"],
        )
        assert f"{Decimal(str(total[8])):,.2f}" == expected["total"]["benefit"]
    assert seen_participation  # the demo has proposals in these months

    # The demo's running 安康杯 takes its points from the demo's hazards, patrols, proposals.
    from app.blueprints.competitions import points
    from app.blueprints.competitions.demo import TITLE
    from app.models.activities import Activity
    from app.models.competitions import PointSource

    cup = db.session.scalar(select(Activity).where(Activity.title == TITLE))
    people, teams = points.leaderboard(cup)
    fed = {source for person in people for source in person.by_source}
    assert {
        PointSource.HAZARD_VERIFIED,
        PointSource.PATROL_ON_PLAN,
        PointSource.PROPOSAL_ADOPTED,
        PointSource.PROPOSAL_BENEFIT,
    } <= fed
    assert teams and client.get(f"/competitions/{cup.id}").status_code == 200


def test_the_workbook_keeps_text_as_text(client, auth, db):
    from tests.factories import make_department

    make_department('=HYPERLINK("http://x")')
    auth.login(make_user(Role.ORGANIZER))
    book = load_workbook(io.BytesIO(client.get("/proposals/stats.xlsx").data))
    cell = book.worksheets[0]["A3"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_a_month_that_is_not_one_is_refused_in_chinese(client, auth):
    auth.login(make_user(Role.ORGANIZER))
    for month in ("2026-13", "x", "2026-1-1"):
        response = client.get("/proposals/stats", query_string={"month": month})
        assert response.status_code == 400
        assert "请选择月份，例如 2026-11。" in response.get_data(as_text=True)
    # A NUL character is refused before any view, with the app's own message.
    response = client.get("/proposals/stats", query_string={"month": "\x00"})
    assert response.status_code == 400 and "请求包含不允许的字符" in response.get_data(as_text=True)


def test_the_benefit_chart_labels_large_amounts_in_few_characters(app):
    """A phone's chart is 320 units wide: 1,000,000,000 would run off it, 10亿 fits; the
    exact amount stays in the bar's title."""
    from flask import render_template_string

    chart = (
        '{% from "proposals/_macros.html" import bar_chart %}'
        '{{ bar_chart([("2026-03", 1000000000), ("2026-04", 48000)], "x", fmt="{:,.0f}", '
        "short=True) }}"
    )
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        svg = render_template_string(chart)
    labels = re.findall(r'<text class="value"[^>]*>([^<]*)</text>', svg)
    assert labels == ["10亿", "4.8万"]
    assert "<title>2026-03：1,000,000,000</title>" in svg  # a Chinese page: full-width colon


def test_the_twelve_month_trend_equals_a_direct_count(demo, db):
    """The trend is summed by the database month by month (local months); it gives what
    counting the rows gives."""
    from app.blueprints.proposals.statistics import trend

    month = date.today().replace(day=1)
    expected = defaultdict(lambda: [0, 0, Decimal(0)])
    for p in db.session.query(Proposal).filter(Proposal.submitted_at.is_not(None)):
        local = p.submitted_at.astimezone(ZONE)
        if p.status.value == "draft":
            continue
        counts = expected[date(local.year, local.month, 1)]
        counts[0] += 1
        counts[1] += p.status.value in ("adopted", "implemented", "awarded")
        if p.status.value in ("implemented", "awarded"):
            counts[2] += p.benefit or 0
    points = trend(month)
    assert [p.month for p in points][-1] == month and len(points) == 12
    assert any(p.proposals for p in points)
    for point in points:
        assert [point.proposals, point.adopted, point.benefit] == expected[point.month], point
