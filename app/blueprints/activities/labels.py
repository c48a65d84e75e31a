"""What people read for the activities enums (kept beside the feature's own catalog)."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "event": _l("Cultural or sports event"),
    "training": _l("Training"),
    "drill": _l("Job drill"),
    "competition": _l("Labour competition"),
}

PARTICIPATION_LABELS = {
    "confirmed": _l("Signed up"),
    "waitlisted": _l("On the waitlist"),
    "cancelled": _l("Cancelled"),
}

MODE_LABELS = {
    "individual": _l("Individual competition"),
    "team": _l("Team competition"),
}

# The bottom-navigation entry.
NAV_LABEL = _l("Activities")
