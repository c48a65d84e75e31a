"""Surveys: building one (`building`), answering (`responses`), results (`results`) and the
rating after an activity (`ratings`). Services flush, never commit; they raise the shared
errors of `app.errors`."""

from .building import check_survey, save_survey
from .ratings import ask_for_ratings, rate_activity
from .responses import has_responded, is_closed, is_open, parse_answers, respond
from .results import results, results_refusal

__all__ = [
    "ask_for_ratings",
    "check_survey",
    "has_responded",
    "is_closed",
    "is_open",
    "parse_answers",
    "rate_activity",
    "respond",
    "results",
    "results_refusal",
    "save_survey",
]
