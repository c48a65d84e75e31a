"""The activities' pages: `members` (the list, an activity, signing up, the code, history)
and `manage` (what organizers do: activities, roster, check-in, results, the gate)."""

from . import manage, members  # noqa: F401
