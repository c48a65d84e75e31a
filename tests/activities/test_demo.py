from sqlalchemy import func, select

from app.blueprints.competitions.demo import TITLE as ANKANG_CUP
from app.extensions import db
from app.models.activities import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Participation,
    ParticipationStatus,
    Qualification,
    RoundScore,
)
from app.models.library import Exam


def test_demo_has_activities_of_every_kind_and_state_and_runs_twice(runner, client, auth):
    assert runner.invoke(args=["demo"]).exit_code == 0
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0 and "M0002" in result.output
    activities = db.session.scalars(select(Activity)).all()
    # The competitions feature adds its 安康杯 (tests/competitions look at it) and the
    # congress demo holds its plenary meeting as an activity; these are the others.
    assert (
        len([a for a in activities if a.title != ANKANG_CUP and not a.title.endswith("全体会议")])
        == 10
    )
    assert {a.kind for a in activities} == set(ActivityKind)
    assert ActivityStatus.CANCELLED in {a.status for a in activities}
    waiting = db.session.scalar(
        select(func.count()).where(Participation.status == ParticipationStatus.WAITLISTED)
    )
    assert waiting == 2
    from_trainings = select(func.count(Qualification.id)).where(
        Qualification.activity_id.is_not(None)
    )
    assert db.session.scalar(from_trainings) == 2
    assert db.session.scalar(select(func.count(RoundScore.id))) == 12

    # Every page of every demo activity renders for the organizer.
    auth.login("O0001", "demo1234")
    for tab in ("open", "mine", "past"):
        assert client.get(f"/activities/?tab={tab}").status_code == 200
    for activity in activities:
        assert client.get(f"/activities/{activity.id}").status_code == 200
        assert client.get(f"/activities/{activity.id}/roster").status_code == 200
        if activity.kind is ActivityKind.TRAINING:
            assert client.get(f"/activities/{activity.id}/results").status_code == 200
        if activity.kind is ActivityKind.COMPETITION:
            assert client.get(f"/activities/{activity.id}/scores").status_code == 200
            assert client.get(f"/activities/{activity.id}/leaderboard").status_code == 200
        if not activity.is_cancelled:
            assert client.get(f"/activities/{activity.id}/edit").status_code == 200
            assert client.get(f"/activities/{activity.id}/checkin").status_code == 200
    assert client.get("/activities/qualifications").status_code == 301
    auth.logout()
    auth.login("M0001", "demo1234")
    assert "安全生产培训合格证" in client.get("/activities/history").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "资格即将到期" in home and "您的下一个活动" in home
    # The library's exam renews his safety certificate: the card leads there.
    exam = db.session.scalar(select(Exam).where(Exam.title == "安全生产知识考试"))
    assert "参加「安全生产知识考试」即可续期" in home
    assert f'href="/library/exams/{exam.id}"' in home
