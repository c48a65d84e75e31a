"""The organizer's writes: a competition's rules and its plan, assessment and result."""

from datetime import UTC, datetime

from flask_babel import gettext as _

from app.blueprints.activities.queries import can_manage
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.models.activities import Activity, ActivityKind
from app.models.competitions import CompetitionBrief, CompetitionRule, PointSource
from app.services import audit
from app.services.inputs import number, text

from .points import rule_rows

MAX_POINTS = 10000


def _check(user, activity: Activity) -> None:
    if not can_manage(user):
        raise Refused(_("Only union organizers set a competition's rules."), 403)
    if activity.kind is not ActivityKind.COMPETITION:
        raise Refused(_("Only a competition takes points from rules."), 404)


def set_rules(user, activity: Activity, data) -> dict[PointSource, float]:
    """`points_<source>` for each source: a number of points, or empty for no rule. Saving
    changes every standing at once (points are computed from the records when read)."""
    _check(user, activity)
    errors: dict[str, list[str]] = {}
    chosen = {}
    for source in PointSource:
        value = number(
            data, f"points_{source.value}", errors, low=0, high=MAX_POINTS, required=False
        )
        if value is not None:
            chosen[source] = float(value)
    if errors:
        raise ValidationFailed(errors)
    existing = rule_rows(activity)
    now = datetime.now(UTC)
    for source, rule in existing.items():
        if source not in chosen:
            db.session.delete(rule)
    for source, points in chosen.items():
        rule = existing.get(source)
        if rule is None:
            db.session.add(
                CompetitionRule(
                    activity_id=activity.id, source=source, points=points, updated_at=now
                )
            )
        elif rule.points != points:
            rule.points, rule.updated_at = points, now
    audit.record(
        "competition.rules_set",
        activity,
        actor=user,
        summary=activity.title,
        after={s.value: p for s, p in chosen.items()},
    )
    db.session.flush()
    return chosen


def set_brief(user, activity: Activity, data) -> CompetitionBrief:
    _check(user, activity)
    errors: dict[str, list[str]] = {}
    values = {
        key: text(data, key, errors, max_len=8000) for key in ("plan", "assessment", "result")
    }
    if errors:
        raise ValidationFailed(errors)
    brief = db.session.get(CompetitionBrief, activity.id)
    if brief is None:
        brief = CompetitionBrief(activity_id=activity.id)
        db.session.add(brief)
    for key, value in values.items():
        setattr(brief, key, value)
    brief.updated_at = datetime.now(UTC)
    audit.record("competition.brief_set", activity, actor=user, summary=activity.title)
    db.session.flush()
    return brief
