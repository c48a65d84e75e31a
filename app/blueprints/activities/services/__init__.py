"""The activities' write path: routes, the check-in sync kind, jobs and the demo call these.

Each function checks, writes to the session and flushes; the caller commits once (see
`activities.py` on the lock that keeps capacity under concurrent sign-ups).
"""

from .activities import (
    FIELDS,
    MAX_CAPACITY,
    REMINDER_AHEAD,
    activity_url,
    cancel_activity,
    cancel_sign_up,
    copy_fields,
    create_activity,
    sign_up,
    update_activity,
    validate_activity,
)
from .checkin import CheckInResult, check_in, checkin_opens_at, checkin_people, code_for
from .checkin import window_message as checkin_window_message
from .results import (
    SCORE_MAX,
    add_months,
    check_round,
    check_training_results,
    has_started,
    record_round,
    record_training_results,
)

__all__ = [
    "FIELDS",
    "MAX_CAPACITY",
    "REMINDER_AHEAD",
    "SCORE_MAX",
    "CheckInResult",
    "activity_url",
    "add_months",
    "cancel_activity",
    "cancel_sign_up",
    "check_round",
    "check_training_results",
    "check_in",
    "checkin_opens_at",
    "checkin_people",
    "checkin_window_message",
    "code_for",
    "copy_fields",
    "create_activity",
    "has_started",
    "record_round",
    "record_training_results",
    "sign_up",
    "update_activity",
    "validate_activity",
]
