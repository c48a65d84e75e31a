from datetime import timedelta

from sqlalchemy import func, select, update

from app.blueprints.safety.services.patrols import coverage
from app.models import Department
from app.models.hazards import Hazard, HazardStatus, Photo, Violation
from app.models.safety import Area, Checklist, Patrol, PatrolPlan
from app.services.inputs import local_today


def test_demo_has_the_network_and_hazards_in_every_state(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    statuses = set(db.session.scalars(select(Hazard.status).distinct()))
    assert statuses == set(HazardStatus)
    for model in (Area, Checklist, Patrol, PatrolPlan, Violation, Photo):
        assert db.session.scalar(select(func.count()).select_from(model)) > 0, model
    counts = {
        model: db.session.scalar(select(func.count()).select_from(model))
        for model in (Area, Hazard, Patrol)
    }
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert counts == {
        model: db.session.scalar(select(func.count()).select_from(model))
        for model in (Area, Hazard, Patrol)
    }
    # Last week's coverage has the demo plans in it: they were made before it.
    last_week = local_today() - timedelta(days=local_today().weekday() + 7)
    assert {slot.plan.area.name for slot in coverage(last_week)} == {"数控车床区", "10kV配电室"}
    # An overdue hazard's deadline is the one its assignment gave, days before it passed.
    overdue = db.session.scalar(select(Hazard).where(Hazard.due_on < local_today()))
    [assigned] = [e for e in overdue.events if e.due_on is not None]
    assert assigned.due_on == overdue.due_on
    assert assigned.captured_at.date() < overdue.due_on
    # The shared teardown empties each table in one DELETE; SQLite refuses to delete a workshop
    # whose teams (ON DELETE RESTRICT) are still there, so the tree is flattened first.
    db.session.execute(update(Department).values(parent_id=None))
    db.session.commit()
