"""Setting up a 民主评议 round: its title, who votes and when, its dimensions, and the people
it rates — each a name and a post, and, for a person who has an account in the app, that
account (`EvaluationLeader.user_id`), so that their own ballot has no section for them
(`evaluations.sections`). The ballots and results are `evaluations`'."""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from app.blueprints.congress.access import is_manager
from app.blueprints.congress.services.evaluations import is_closed, lock_round
from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_choice, clean_text
from app.models import Department, User
from app.models._types import utcnow
from app.models.congress import (
    Electorate,
    EvaluationDimension,
    EvaluationLeader,
    EvaluationRound,
)
from app.models.users import typed_no
from app.services import audit
from app.services.inputs import add_error

DEFAULT_DIMENSIONS = ("政治素质", "工作能力与实绩", "民主作风", "廉洁自律")
DEFAULT_K = 5
MIN_K = 3
NAME_MAX = EvaluationLeader.__table__.c.name.type.length
POST_MAX = EvaluationLeader.__table__.c.post.type.length
NO_MAX = User.__table__.c.employee_no.type.length


# The employee number of a person's account: the line's last word, "#" (or a Chinese
# keyboard's ＃) and the number, as the form's hint writes it; a # inside a word ("3#高炉炉长")
# is part of the post. A # standing alone before the number links it too, as it always did,
# and so does a # written onto the post's end before a number of letters and digits
# ("总经理#H0001"), which names no furnace or unit.
_ACCOUNT = re.compile(r"(?:(?:^|\s)[#＃]\s*(\S*)|[#＃]([0-9A-Za-z]*[0-9][0-9A-Za-z]*))\s*$")


def read_people(text: str | None) -> list[tuple[str, str, str]]:
    """The people as the round's forms type them (what `line` writes), one a line: "name
    post", then, for a person who has an account, a space and "#employee number" (full-width
    ＃ too) as the last word. Each line is (name, post, "#number" as typed, or "" with no #),
    the blank ones too, so that the n-th is the person's line n; `_people` reads them, and
    says which is wrong."""
    out = []
    for text_line in (text or "").splitlines():
        text_line = text_line.replace("\u3000", " ")
        link = _ACCOUNT.search(text_line)
        before = text_line[: link.start()] if link else text_line
        name, _sep, post = before.strip().partition(" ")
        number = link and (link.group(1) if link.group(1) is not None else link.group(2))
        out.append((name.strip(), post.strip(), f"#{number}" if link else ""))
    return out


class _Wrong(Exception):
    """What is wrong with one line of the people (its message)."""


def _number(no) -> tuple[bool, str]:
    """Whether `no` (the third of a leader's fields) has the # the form types, and the
    employee number in it as numbers are stored (`typed_no`)."""
    no = "" if no is None else str(no).strip()
    return no.startswith("#"), typed_no(no.removeprefix("#"))


def _accounts(leaders: list[tuple[str, ...]]) -> dict[str, User]:
    """The accounts of the employee numbers `leaders` give, by number, found in one query
    however many lines there are. A number no account can have (a NUL in it, longer than the
    column) is not looked for: `_leader` refuses it."""
    numbers = {_number(one[2])[1] for one in leaders if len(one) > 2}
    numbers = sorted(n for n in numbers if n and "\x00" not in n and len(n) <= NO_MAX)
    if not numbers:
        return {}
    found = db.session.scalars(select(User).where(User.employee_no.in_(numbers)))
    return {account.employee_no: account for account in found}


def _leader(
    name, post, no="", *, earlier: list, accounts: dict[str, User]
) -> tuple[str, str, User | None] | None:
    """The person one line types, (name, post, account), or None for a blank line; `earlier`
    are the people of the lines before, `accounts` those of the numbers typed (`_accounts`).
    `no` is the employee number of their account, with or without the # the form types before
    it, or "". Raises `_Wrong` for a character no text may hold (`clean_text`), a name or a
    post too long, a # with no number after it (the person would be saved with no account,
    so their own ballot would rate them), a number with no name before it (it would be lost),
    a person listed twice, a number no account has, or one given for two people."""
    marked, no = _number(no)
    unknown = _("No account has the employee number %(no)s.", no=no)
    long_name = _(
        "A name has at most %(max)d characters (a space goes between the name and the post).",
        max=NAME_MAX,
    )
    long_post = _("A post has at most %(max)d characters.", max=POST_MAX)
    try:
        name = clean_text(name, "leaders", limit=NAME_MAX, too_long=long_name)
        post = clean_text(post, "leaders", limit=POST_MAX, too_long=long_post)
        no = clean_text(no, "leaders", limit=NO_MAX, too_long=unknown)
    except ValidationFailed as refused:
        raise _Wrong(*refused.errors["leaders"]) from None
    if marked and not no:
        raise _Wrong(_("# has no employee number after it. Write the number, or take the # out."))
    if not name:
        if no:
            raise _Wrong(
                _("#%(no)s has no name before it: write the name, the post, then #%(no)s.", no=no)
            )
        return None
    if any((name, post) == (n, p) for n, p, _account in earlier):
        leader = f"{name} {post}".strip()
        raise _Wrong(_("%(leader)s is listed twice: name each person once.", leader=leader))
    if not no:
        return name, post, None
    account = accounts.get(no)
    if account is None:
        raise _Wrong(unknown)
    if any(account is other for *_person, other in earlier):
        raise _Wrong(_("%(no)s is given for two leaders: each account once.", no=no))
    return name, post, account


def _people(leaders: list[tuple[str, ...]], errors: dict) -> list[tuple[str, str, User | None]]:
    """(name, post, account) of each leader typed as (name, post) or (name, post, employee
    number of their account), blank ones left out. What is wrong (`_leader`) goes into
    `errors` at the field, every line's mistake, each with its line: the n-th leader is line n
    (`read_people` keeps the blank lines). No leader at all is wrong too."""
    people, problems = [], []
    accounts = _accounts(leaders)
    for number, one in enumerate(leaders, start=1):
        try:
            person = _leader(*one, earlier=people, accounts=accounts)
        except _Wrong as wrong:
            problems.append(_("Line %(n)d: %(problem)s", n=number, problem=str(wrong)))
            continue
        if person is not None:
            people.append(person)
    if problems:
        errors["leaders"] = problems
    elif not people:
        add_error(errors, "leaders", _("Name at least one leader to evaluate."))
    return people


def _dimensions(names: list[str], errors: dict) -> list[str]:
    """The dimensions named, blank ones left out; what is wrong goes into `errors` at the
    field: the first name refused (`clean_text`), none at all, or one named twice."""
    dimensions = []
    for name in names:
        name = clean_text(name, "dimensions", limit=80, errors=errors)
        if "dimensions" in errors:
            return []
        if name:
            dimensions.append(name)
    if not dimensions:
        add_error(errors, "dimensions", _("Name at least one dimension."))
    elif len(set(dimensions)) != len(dimensions):
        add_error(errors, "dimensions", _("Each dimension once."))
    return dimensions


def line(leader: EvaluationLeader) -> str:
    """A leader as the round's form writes them: name, post, #employee number of the account."""
    number = f"#{leader.user.employee_no}" if leader.user is not None else ""
    return " ".join(part for part in (leader.name, leader.post, number) if part)


def check_round(
    data: dict,
    leaders: list[tuple[str, ...]],
    dimensions: list[str],
    departments: list[Department],
) -> dict:
    """The checks of `create_round`, writing nothing: `ValidationFailed` with every mistake at
    once, each at its field (None where the form could not read a value); else the round as
    it is saved: title, electorate, min_ballots, people (name, post, account), dimensions."""
    errors: dict = {}  # every mistake at once, each at its field
    title = clean_text(
        data.get("title"), "title", limit=120, required=_("Enter a title."), errors=errors
    )
    who = _("Choose who votes.")
    electorate = clean_choice(
        Electorate, data.get("electorate"), "electorate", message=who, errors=errors
    )
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        add_error(errors, "closes_at", _("The round must close after it opens."))
    elif closes_at is not None and closes_at <= utcnow():
        add_error(errors, "closes_at", _("The closing time is already past."))
    k = data.get("min_ballots") or DEFAULT_K
    if k < MIN_K:
        add_error(
            errors,
            "min_ballots",
            _("At least %(n)d ballots, or results could name voters.", n=MIN_K),
        )
    if electorate is Electorate.DELEGATES and data.get("session") is None:
        add_error(errors, "session", _("Choose the session whose delegates vote."))
    if electorate is Electorate.DEPARTMENTS and not departments:
        add_error(errors, "departments", _("Choose at least one department."))
    people = _people(leaders, errors)
    dimensions = _dimensions(dimensions, errors)
    if errors:
        raise ValidationFailed(errors)
    return {
        "title": title,
        "electorate": electorate,
        "min_ballots": k,
        "people": people,
        "dimensions": dimensions,
    }


def create_round(
    user,
    data: dict,
    leaders: list[tuple[str, ...]],
    dimensions: list[str],
    departments: list[Department],
) -> EvaluationRound:
    """`data`: title, electorate, session (or None), opens_at, closes_at, min_ballots.
    `leaders`: (name, post) or (name, post, employee number of their account, or "")."""
    if not is_manager(user):
        raise Refused(_("Only union organizers and the chairman can do this."), 403)
    checked = check_round(data, leaders, dimensions, departments)
    electorate = checked["electorate"]
    round_ = EvaluationRound(
        title=checked["title"],
        electorate=electorate,
        session=data.get("session"),
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        min_ballots=checked["min_ballots"],
        created_by_id=user.id,
        departments=list(departments) if electorate is Electorate.DEPARTMENTS else [],
        leaders=[
            EvaluationLeader(name=n, post=p, position=i, user=account)
            for i, (n, p, account) in enumerate(checked["people"])
        ],
        dimensions=[
            EvaluationDimension(name=d, position=i) for i, d in enumerate(checked["dimensions"])
        ],
    )
    db.session.add(round_)
    db.session.flush()
    audit.record("congress.round_created", round_, actor=user, summary=round_.title)
    return round_


def people_refusal(round_: EvaluationRound) -> str | None:
    """Why the people `round_` rates cannot change now (None: they can). They can until the
    first ballot is cast, before voting opens or while it is open, so that every ballot rates
    the same people; a round that closed is over, with or without ballots."""
    if is_closed(round_):
        return _("This evaluation has closed: the people it rates can no longer change.")
    if round_.ballots_cast:
        return _(
            "A ballot has been cast: the people rated are fixed, so that every ballot rates "
            "the same people."
        )
    return None


def change_people(user, round_: EvaluationRound, leaders: list[tuple[str, ...]]) -> bool:
    """Make `leaders` (as `create_round` takes them) the people `round_` rates, in that order;
    whether anything changed. Refused (409) once `people_refusal` says so, read under the
    round's lock, which a ballot takes too: no ballot is cast while the people change.

    A person kept (same name and post) keeps their row, so a ballot being filled in for them
    still names them; a new account link takes their section off that account's ballot
    (`evaluations.sections`). A person taken out goes with no ballot to lose."""
    if not is_manager(user):
        raise Refused(_("Only union organizers and the chairman can do this."), 403)
    lock_round(round_)
    reason = people_refusal(round_)
    if reason:
        raise Refused(reason, 409)
    errors: dict = {}
    people = _people(leaders, errors)
    if errors:
        raise ValidationFailed(errors)
    before = [line(leader) for leader in round_.leaders]
    kept = {(leader.name, leader.post): leader for leader in round_.leaders}
    rows = []
    for position, (name, post, account) in enumerate(people):
        row = kept.pop((name, post), None) or EvaluationLeader(name=name, post=post)
        row.position, row.user = position, account
        rows.append(row)
    round_.leaders = rows  # the ones left in `kept` are deleted (delete-orphan)
    after = [line(leader) for leader in rows]
    if after == before:
        return False
    audit.record(
        "congress.round_people_changed",
        round_,
        actor=user,
        summary=round_.title,
        before={"leaders": before},
        after={"leaders": after},
    )
    return True
