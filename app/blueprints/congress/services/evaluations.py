"""Democratic evaluation (民主评议): a round's voters, its unlinkable ballots and its results
(a round is set up in `rounds`).

Ballots are kept as `app.services.unlinkable` keeps anonymous sheets (`BALLOTS`): the voter's
mark (`EvaluationVoter`: round, user) and the ballot tables share no key and no time, and
every vote takes the round's lock and rewrites all of the round's ballots in a shuffled order
under fresh random keys. Voting writes no audit entry, notification or log line; the mark is
the only trace.

A leader linked to their account (`EvaluationLeader.user_id`) who votes does not rate
themselves: their ballot has no section for them (`sections`), and is complete without it.
So that the missing section does not point at them, a ballot is stored cut into its
sections, one sheet per leader rated, which nothing ties together; the round counts its
ballots (`EvaluationRound.ballots_cast`), and each leader's results are over the sections
that rated them (`rated_counts`), shown only from k of them.

Results exist only after the round has closed with at least k ballots, and only for the
organizers and the chairman; `results()` refuses everyone else, and everyone before. There is
no export of ballots or results.
"""

import hashlib
import json
from collections import Counter
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.blueprints.congress.access import MANAGERS, delegate_of, in_departments
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_text, parse_id
from app.models import Department, User
from app.models._types import utcnow
from app.models.congress import (
    BallotComment,
    BallotGrade,
    Delegate,
    Electorate,
    EvaluationBallot,
    EvaluationLeader,
    EvaluationRound,
    EvaluationVoter,
    Grade,
    Overall,
)
from app.scorecard import half_up
from app.services.rows import lock_row
from app.services.unlinkable import Store

COMMENT_LIMIT = 1000

BALLOTS = Store(
    mark=EvaluationVoter,
    sheet=EvaluationBallot,
    scope="round_id",
    link="ballot_id",
    lines={
        BallotGrade: ("leader_id", "dimension_id", "grade"),
        BallotComment: ("leader_id", "strengths", "weaknesses"),
    },
)


def lock_round(round_: EvaluationRound) -> None:
    """Take the round's lock, then read the round again: its count of ballots, its people and
    their accounts as whoever held the lock before (a ballot, a change of people) left them."""
    lock_row(EvaluationRound, round_.id)
    db.session.execute(
        select(EvaluationRound)
        .where(EvaluationRound.id == round_.id)
        .options(selectinload(EvaluationRound.leaders), selectinload(EvaluationRound.dimensions))
        .execution_options(populate_existing=True)
    ).scalar_one()


def is_open(round_: EvaluationRound, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return round_.opens_at <= now < round_.closes_at


def is_closed(round_: EvaluationRound, now: datetime | None = None) -> bool:
    return (now or utcnow()) >= round_.closes_at


def eligible(user, round_: EvaluationRound) -> bool:
    if not user.is_authenticated or not user.active:
        return False
    if round_.electorate is Electorate.DELEGATES:
        return delegate_of(user, round_.session) is not None
    return in_departments(user, round_.departments)


def electorate_size(round_: EvaluationRound) -> int:
    if round_.electorate is Electorate.DELEGATES:
        return db.session.scalar(
            select(func.count(Delegate.id))
            .join(User, User.id == Delegate.user_id)
            .where(Delegate.session_id == round_.session_id, User.active.is_(True))
        )
    ids = [d.id for d in round_.departments]
    return db.session.scalar(
        select(func.count(User.id))
        .outerjoin(Department, Department.id == User.department_id)
        .where(
            User.active.is_(True),
            User.department_id.in_(ids) | Department.parent_id.in_(ids),
        )
    )


def voter_count(round_: EvaluationRound) -> int:
    """How many people's "has voted" marks the round holds."""
    return db.session.scalar(
        select(func.count())
        .select_from(EvaluationVoter)
        .where(EvaluationVoter.round_id == round_.id)
    )


def eligible_voters(round_: EvaluationRound) -> int:
    """How many could vote: the number written down when the round closed (`fix_electorates`),
    or, before that, the live count. Never fewer than the round's voters or ballots: a voter
    who has left the delegates, the departments or the app still voted (a deleted account's
    mark goes with it; its ballot stays), so a turnout never reads above 100%."""
    if round_.eligible_voters is not None:
        return round_.eligible_voters
    return max(electorate_size(round_), voter_count(round_), ballot_count(round_))


def fix_electorates(now: datetime | None = None) -> int:
    """Write down how many could vote in every round that has closed without that number yet;
    how many rounds were fixed. Run every few minutes (`jobs`) and before the delegates of a
    session change, so a closed round keeps the electorate it closed with."""
    rounds = db.session.scalars(
        select(EvaluationRound).where(
            EvaluationRound.closes_at <= (now or utcnow()),
            EvaluationRound.eligible_voters.is_(None),
        )
    ).all()
    for round_ in rounds:
        lock_row(EvaluationRound, round_.id)  # a ballot being cast as it closed is counted
        round_.eligible_voters = eligible_voters(round_)
    return len(rounds)


def has_voted(user, round_: EvaluationRound) -> bool:
    return BALLOTS.has_mark(round_.id, user.id)


def ballot_count(round_: EvaluationRound) -> int:
    """How many ballots the round took (not its sheets: a ballot is stored as sections)."""
    return round_.ballots_cast


def sections(user, round_: EvaluationRound) -> list[EvaluationLeader]:
    """The leaders `user`'s ballot rates: all but the user themselves."""
    return [leader for leader in round_.leaders if leader.user_id != user.id]


PEOPLE_FIELD = "people"  # the ballot form's hidden field that carries `people_version`


def people_version(round_: EvaluationRound) -> str:
    """A short fingerprint of the people `round_` rates: each leader's row id, name, post and
    account, taken by row id. The ballot form carries it (`PEOPLE_FIELD`), so that a ballot
    filled in for other people than the round's now is refused (`check_people`) rather than
    read by row id: were a leader's id given to one added later (as SQLite did with the
    highest id before migration 0032), the old form's grades would count for the new person.
    Their order is left out: it only sets where each section sits on the page, and each
    section and result is read by the leader's row id, so people put in another order mean
    the same ballot, and a voter filling it in is not sent back for it. It is the same for every
    voter of the round and is stored nowhere, so it tells nothing of who voted how."""
    people = sorted(
        [leader.id, leader.name, leader.post, leader.user_id] for leader in round_.leaders
    )
    return hashlib.sha256(json.dumps(people).encode()).hexdigest()[:16]


def check_people(round_: EvaluationRound, version) -> None:
    """Refuse (422) a ballot whose `people_version` (as its form carried it; missing or
    garbled alike) is not the round's now: the people rated changed while it was filled in,
    and the voter is to fill in the new ballot, with nothing of the old one carried over."""
    if not isinstance(version, str) or version != people_version(round_):
        raise Refused(_("The people rated have changed; please fill in the ballot again."), 422)


def rated_counts(round_: EvaluationRound) -> dict[int, int]:
    """How many ballots rated each leader: each section has one overall grade."""
    counts = dict(
        db.session.execute(
            select(BallotGrade.leader_id, func.count())
            .where(BallotGrade.round_id == round_.id, BallotGrade.dimension_id.is_(None))
            .group_by(BallotGrade.leader_id)
        ).all()
    )
    return {leader.id: counts.get(leader.id, 0) for leader in round_.leaders}


def parse_ballot(round_: EvaluationRound, form, voter) -> tuple[dict, dict]:
    """Read `voter`'s ballot from form fields `o-<leader>`, `g-<leader>-<dimension>`,
    `s-<leader>` and `w-<leader>`, once `check_people` has found the form made for the
    round's people now (`cast_ballot` checks again under the lock). Any other field naming a
    leader or dimension outside the round is refused rather than ignored; a field rating the
    voter themselves is read, for `cast_ballot` to refuse."""
    check_people(round_, form.get(PEOPLE_FIELD))
    leader_ids = {leader.id for leader in round_.leaders}
    dimension_ids = {d.id for d in round_.dimensions}
    named = set()
    for key in form:
        prefix, _dash, rest = key.partition("-")
        if prefix not in {"o", "g", "s", "w"} or not rest:
            continue
        parts = rest.split("-")
        ids = [parse_id(p) or -1 for p in parts]
        if ids[0] not in leader_ids or (
            prefix == "g" and (len(ids) != 2 or ids[1] not in dimension_ids)
        ):
            raise ValidationFailed.on("ballot", _("The ballot names a leader not in this round."))
        named.add(ids[0])
    grades: dict = {}
    comments: dict = {}
    mine = {leader.id for leader in round_.leaders} - {s.id for s in sections(voter, round_)}
    for leader in round_.leaders:
        if leader.id in mine and leader.id not in named:
            continue
        marks = {None: form.get(f"o-{leader.id}", "")}
        for dimension in round_.dimensions:
            marks[dimension.id] = form.get(f"g-{leader.id}-{dimension.id}", "")
        grades[leader.id] = marks
        comments[leader.id] = (form.get(f"s-{leader.id}", ""), form.get(f"w-{leader.id}", ""))
    return grades, comments


def _checked_ballot(user, round_: EvaluationRound, grades: dict, comments: dict):
    """The ballot's sections: {leader_id: (grade rows, comment rows)} for each leader the
    user rates (`sections`). Every grade missing or text too long is told at once, under the
    name of its field on the ballot (`parse_ballot`'s); a rating of oneself is refused."""
    every = {leader.id for leader in round_.leaders}
    leaders = {leader.id: leader for leader in sections(user, round_)}
    dimensions = {d.id: d for d in round_.dimensions}
    if set(grades) - every or set(comments) - every:
        raise ValidationFailed.on("ballot", _("The ballot names a leader not in this round."))
    if (set(grades) | set(comments)) - set(leaders):
        raise Refused(_("You are among those evaluated: you cannot rate yourself."), 403)
    if not leaders:
        raise Refused(_("You are the only one evaluated in this round: there is no one to rate."))
    result, errors = {}, {}
    for leader_id, leader in leaders.items():
        rows, texts = [], []
        marks = grades.get(leader_id) or {}
        if set(marks) - set(dimensions) - {None}:
            raise ValidationFailed.on(
                "ballot", _("The ballot names a dimension not in this round.")
            )
        for dimension_id, dimension in dimensions.items():
            value = marks.get(dimension_id) or ""
            if value not in Grade._value2member_map_:
                errors[f"g-{leader_id}-{dimension_id}"] = [
                    _(
                        "Grade %(leader)s on %(dimension)s: good, fairly good, average or poor.",
                        leader=leader.name,
                        dimension=dimension.name,
                    )
                ]
            rows.append((leader_id, dimension_id, value))
        overall = marks.get(None) or ""
        if overall not in Overall._value2member_map_:
            errors[f"o-{leader_id}"] = [_("Give %(leader)s an overall grade.", leader=leader.name)]
        rows.append((leader_id, None, overall))
        said = [
            clean_text(text, f"{key}-{leader_id}", limit=COMMENT_LIMIT, errors=errors)
            for key, text in zip(("s", "w"), comments.get(leader_id, ("", "")), strict=True)
        ]
        if any(said):
            texts.append((leader_id, *said))
        result[leader_id] = (rows, texts)
    if errors:
        raise ValidationFailed(errors)
    return result


def cast_ballot(user, round_: EvaluationRound, grades: dict, comments: dict, people: str) -> None:
    """Record one voter's ballot. `grades`: {leader_id: {None: overall, dimension_id:
    grade}}; `comments`: {leader_id: (strengths, weaknesses)}, for every leader but the
    voter themselves (`sections`); `people`: the `people_version` the ballot was filled in
    for. Everything is checked before anything is written, under the round's lock, which
    `rounds.change_people` takes too: a ballot filled in for other people than the round's
    now is refused whole (`check_people`), whatever changed. Then the mark, the round's
    count and the rewritten ballots go in one transaction, the new ballot cut into one sheet
    per leader rated."""
    lock_round(round_)
    check_people(round_, people)
    sheets = _checked_ballot(user, round_, grades, comments)
    if not is_open(round_):
        if is_closed(round_):
            raise Refused(_("This evaluation has closed; no more ballots are taken."))
        raise Refused(_("This evaluation has not opened yet."))
    if not eligible(user, round_):
        raise Refused(_("You are not among the voters of this evaluation."), 403)
    if has_voted(user, round_):
        raise Refused(_("You have already voted in this evaluation; each person votes once."))
    BALLOTS.add_mark(round_.id, user.id)
    db.session.execute(
        update(EvaluationRound)
        .where(EvaluationRound.id == round_.id)
        .values(ballots_cast=EvaluationRound.ballots_cast + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(round_, ["ballots_cast"])
    BALLOTS.rewrite(
        round_.id,
        *({BallotGrade: rows, BallotComment: texts} for rows, texts in sheets.values()),
    )


def results_refusal(user, round_: EvaluationRound) -> str | None:
    """Why `user` may not see the results now (None: they may)."""
    if not is_closed(round_):
        return _("Results are shown only after the evaluation closes.")
    count = ballot_count(round_)
    if count < round_.min_ballots:
        return _(
            "Only %(n)d ballots were cast; results are shown only from %(k)d ballots, "
            "so that no one's vote can be made out.",
            n=count,
            k=round_.min_ballots,
        )
    if not (user.is_authenticated and user.has_role(*MANAGERS)):
        return _("Results are for the union organizers and the chairman.")
    return None


def results(user, round_: EvaluationRound) -> dict:
    """Counts and percentages per leader, dimension and grade, the participation rate and
    the free texts (in a shuffled order). Raises Refused unless `results_refusal` is None."""
    reason = results_refusal(user, round_)
    if reason:
        raise Refused(reason, 403)
    ballots = ballot_count(round_)
    rated = rated_counts(round_)
    counts = Counter()
    for leader_id, dimension_id, grade, n in db.session.execute(
        select(BallotGrade.leader_id, BallotGrade.dimension_id, BallotGrade.grade, func.count())
        .where(BallotGrade.round_id == round_.id)
        .group_by(BallotGrade.leader_id, BallotGrade.dimension_id, BallotGrade.grade)
    ):
        counts[(leader_id, dimension_id, grade)] = n

    leaders = []
    for leader in round_.leaders:
        n_rated = rated[leader.id]
        if n_rated < round_.min_ballots:  # one's own vote could be made out from fewer
            leaders.append({"leader": leader, "rated": n_rated, "withheld": True})
            continue

        def share(n, of=n_rated):
            return half_up(100 * n, of, 1) if of else 0.0

        dims = []
        for dimension in round_.dimensions:
            cells = [(g, counts[(leader.id, dimension.id, g.value)]) for g in Grade]
            dims.append({"name": dimension.name, "cells": [(g, n, share(n)) for g, n in cells]})
        overall = [(g, counts[(leader.id, None, g.value)]) for g in Overall]
        comments = db.session.execute(
            select(BallotComment.strengths, BallotComment.weaknesses)
            .where(BallotComment.round_id == round_.id, BallotComment.leader_id == leader.id)
            .order_by(BallotComment.id)
        ).all()
        leaders.append(
            {
                "leader": leader,
                "rated": n_rated,
                "withheld": False,
                "dimensions": dims,
                "overall": [(g, n, share(n)) for g, n in overall],
                "strengths": [s for s, _w in comments if s],
                "weaknesses": [w for _s, w in comments if w],
            }
        )
    voters = eligible_voters(round_)
    return {
        "ballots": ballots,
        "electorate": voters,
        "participation": half_up(100 * ballots, voters, 1) if voters else 0.0,
        "leaders": leaders,
    }
