"""Where the activities feature tells people things. The two places the notifications
feature plugs into: a waitlist promotion and a cancelled activity.

The `notify` blueprint (built separately) owns `notify(user_ids, kind, title, body, url)`;
until it is in the app these functions have nobody to hand the message to, and the change
itself (the promotion, the cancellation) stands on its own and shows on the activity page.
"""

from flask import url_for
from flask_babel import gettext as _


def _notify(user_ids, kind, title, body, url):
    try:
        from app.blueprints.notify.services import notify
    except ModuleNotFoundError as missing:
        if (missing.name or "").startswith("app.blueprints.notify"):
            return
        raise
    notify(user_ids, kind, title, body, url)


def places_confirmed(participations) -> None:
    """People moved up from the waitlist: each now has a place."""
    for participation in participations:
        activity = participation.activity
        _notify(
            [participation.user_id],
            "activity.promoted",
            _("You have a place: %(title)s", title=activity.title),
            _("A place came free and you moved up from the waitlist. See you there!"),
            url_for("activities.show", activity_id=activity.id),
        )


def activity_cancelled(activity, user_ids) -> None:
    """Everyone signed up or waiting learns that the activity is off, and why."""
    if user_ids:
        _notify(
            list(user_ids),
            "activity.cancelled",
            _("Cancelled: %(title)s", title=activity.title),
            activity.cancel_reason or "",
            url_for("activities.show", activity_id=activity.id),
        )
