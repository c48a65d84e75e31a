"""The member's ratings of an appeal's answers: the current answer's, kept on the appeal, and
each earlier one's (`EarlierRating`), kept when the union answered again."""

from sqlalchemy import func, select

from app.extensions import db
from app.models.appeals import Appeal, AppealAction, AppealEvent, EarlierRating


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
