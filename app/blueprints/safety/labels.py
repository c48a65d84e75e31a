"""Words for the safety network's enums, kept in the safety catalog (the models look here)."""

from flask_babel import lazy_gettext as _l

from app.models.hazards import Category, HazardAction, HazardStatus, Severity, ViolationStatus
from app.models.safety import Answer, AreaKind, PatrolStatus

AREA_KIND_LABELS = {
    AreaKind.PRODUCTION: _l("Production floor"),
    AreaKind.WAREHOUSE: _l("Warehouse"),
    AreaKind.ELECTRICAL: _l("Electrical room"),
    AreaKind.OFFICE: _l("Office"),
    AreaKind.OUTDOOR: _l("Outdoor and yard"),
}

ANSWER_LABELS = {Answer.YES: _l("Yes"), Answer.NO: _l("No"), Answer.NA: _l("N/A")}

PATROL_STATUS_LABELS = {
    PatrolStatus.IN_PROGRESS: _l("In progress"),
    PatrolStatus.FINISHED: _l("Finished"),
}

SEVERITY_LABELS = {
    Severity.GENERAL: _l("General"),
    Severity.SERIOUS: _l("Serious"),
    Severity.MAJOR: _l("Major"),
}

CATEGORY_LABELS = {
    Category.ELECTRICAL: _l("Electrical"),
    Category.FIRE: _l("Fire safety"),
    Category.MACHINERY: _l("Machinery"),
    Category.HEIGHT: _l("Work at height"),
    Category.CHEMICAL: _l("Chemicals"),
    Category.HOUSEKEEPING: _l("Housekeeping"),
    Category.PPE: _l("Protective equipment"),
    Category.OTHER: _l("Other"),
}

STATUS_LABELS = {
    HazardStatus.REPORTED: _l("Reported"),
    HazardStatus.ASSIGNED: _l("Assigned"),
    HazardStatus.RECTIFYING: _l("Rectifying"),
    HazardStatus.AWAITING_VERIFICATION: _l("Awaiting verification"),
    HazardStatus.CLOSED: _l("Closed"),
    HazardStatus.REJECTED: _l("Rejected"),
}

ACTION_LABELS = {
    HazardAction.REPORT: _l("Reported"),
    HazardAction.ASSIGN: _l("Assigned"),
    HazardAction.START: _l("Started rectification"),
    HazardAction.RECTIFY: _l("Rectified"),
    HazardAction.VERIFY: _l("Verified and closed"),
    HazardAction.SEND_BACK: _l("Sent back for more work"),
    HazardAction.REJECT: _l("Rejected"),
    HazardAction.COMMENT: _l("Comment"),
}

VIOLATION_STATUS_LABELS = {
    ViolationStatus.OPEN: _l("Open"),
    ViolationStatus.FOLLOWED_UP: _l("Followed up"),
}
