"""The member's ratings of an appeal's answers: the current answer's, kept on the appeal, and
each earlier one's (`EarlierRating`), kept when the union answered again; and the timeline's
view of them, each under the answer it rated."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models.appeals import Appeal, AppealAction, AppealEvent, AppealRating, EarlierRating


@dataclass(frozen=True)
class Rated:
    """A rating as the page shows it; `rated_at` None for an anonymous appeal (and for one
    rated before the time was kept)."""

    answer_no: int
    rating: AppealRating
    note: str
    rated_at: datetime | None


def keep_earlier(appeal: Appeal) -> None:
    """Keep the rating of the current answer as an earlier one, numbered by the answer it
    rated, before the union answers again (an officer's step: for an anonymous appeal this
    is the only moment the row can carry, and it is the officer's, not the member's)."""
    answers = db.session.scalar(
        select(func.count()).where(
            AppealEvent.appeal_key == appeal.key, AppealEvent.action == AppealAction.ANSWER
        )
    )
    appeal.earlier_ratings.append(
        EarlierRating(
            answer_no=max(answers, 1),
            rating=appeal.rating,
            note=appeal.rating_note,
            rated_at=appeal.rated_at,
        )
    )


def rated_answers(appeal: Appeal) -> dict[int, Rated]:
    """The rating of each answer step on the appeal's timeline, by the step's id."""
    answers = [e.id for e in appeal.events if e.action is AppealAction.ANSWER]
    by_number = {
        r.answer_no: Rated(r.answer_no, r.rating, r.note, r.rated_at)
        for r in appeal.earlier_ratings
    }
    if appeal.rating is not None and answers:
        n = len(answers)
        by_number[n] = Rated(n, appeal.rating, appeal.rating_note, appeal.rated_at)
    return {answers[n - 1]: rated for n, rated in by_number.items() if 0 < n <= len(answers)}
