"""Who may see and do what in the safety network: the one place these rules live.

| action              | who                                                        |
|---------------------|------------------------------------------------------------|
| see a hazard        | inspectors, safety officers, admins: all; others: the ones |
|                     | they reported or were assigned                             |
| report              | every member                                               |
| assign, reject      | safety officers                                            |
| start, rectify      | the assignee                                               |
| verify, send back   | safety officers other than the person who rectified        |
| comment             | whoever may see the hazard, while it is open               |
"""

from flask_babel import gettext as _
from sqlalchemy import or_

from app.models import Role
from app.models.hazards import Hazard, HazardAction, HazardStatus

NETWORK_ROLES = (Role.INSPECTOR, Role.SAFETY_OFFICER, Role.ADMIN)

# From which states each action may be taken.
ACTION_FROM = {
    HazardAction.ASSIGN: {HazardStatus.REPORTED, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING},
    HazardAction.REJECT: {HazardStatus.REPORTED, HazardStatus.ASSIGNED},
    HazardAction.START: {HazardStatus.ASSIGNED},
    HazardAction.RECTIFY: {HazardStatus.ASSIGNED, HazardStatus.RECTIFYING},
    HazardAction.VERIFY: {HazardStatus.AWAITING_VERIFICATION},
    HazardAction.SEND_BACK: {HazardStatus.AWAITING_VERIFICATION},
    HazardAction.COMMENT: {s for s in HazardStatus if s.is_open},
}
ACTION_TO = {
    HazardAction.ASSIGN: HazardStatus.ASSIGNED,
    HazardAction.REJECT: HazardStatus.REJECTED,
    HazardAction.START: HazardStatus.RECTIFYING,
    HazardAction.RECTIFY: HazardStatus.AWAITING_VERIFICATION,
    HazardAction.VERIFY: HazardStatus.CLOSED,
    HazardAction.SEND_BACK: HazardStatus.RECTIFYING,
}
OFFICER_ACTIONS = {
    HazardAction.ASSIGN,
    HazardAction.REJECT,
    HazardAction.VERIFY,
    HazardAction.SEND_BACK,
}
ASSIGNEE_ACTIONS = {HazardAction.START, HazardAction.RECTIFY}


def is_officer(user) -> bool:
    return user.has_role(Role.SAFETY_OFFICER)


def is_network(user) -> bool:
    return user.has_role(*NETWORK_ROLES)


def sees_all_hazards(user) -> bool:
    return user.has_role(*NETWORK_ROLES)


def visible_hazards_clause(user):
    """A WHERE clause limiting a hazard query to what `user` may see."""
    if sees_all_hazards(user):
        return None
    return or_(Hazard.reporter_id == user.id, Hazard.assignee_id == user.id)


def can_see_hazard(user, hazard: Hazard) -> bool:
    return sees_all_hazards(user) or user.id in (hazard.reporter_id, hazard.assignee_id)


def refusal(user, hazard: Hazard, action: HazardAction) -> str | None:
    """Why `user` may not take `action` on `hazard` now, in words; None when they may."""
    if not can_see_hazard(user, hazard):
        return _("You cannot see this hazard.")
    if action in OFFICER_ACTIONS and not is_officer(user):
        return _("Only a safety officer can do this.")
    if action in ASSIGNEE_ACTIONS and hazard.assignee_id != user.id:
        return _("Only the person the hazard is assigned to can do this.")
    if hazard.status not in ACTION_FROM.get(action, set()):
        return _(
            "This cannot be done while the hazard is “%(status)s”.", status=hazard.status.label
        )
    if action in (HazardAction.VERIFY, HazardAction.SEND_BACK) and (
        hazard.rectified_by_id == user.id
    ):
        return _("Someone other than the person who rectified it must verify the work.")
    return None


def allowed_actions(user, hazard: Hazard) -> list[HazardAction]:
    return [a for a in ACTION_FROM if refusal(user, hazard, a) is None]


def can_manage_network(user) -> bool:
    """Areas, checklists, plans, roster, dashboards."""
    return user.has_role(Role.SAFETY_OFFICER, Role.ADMIN)


def can_patrol(user) -> bool:
    return user.has_role(Role.INSPECTOR, Role.SAFETY_OFFICER)
