"""Building a survey: its settings, audience and questions (with their options and the answer
of an earlier question that shows them)."""

from flask_babel import gettext as _

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_text
from app.models._types import utcnow
from app.models.surveys import Audience, QuestionKind, Survey, SurveyOption, SurveyQuestion
from app.services import audit
from app.services.inputs import add_error

from ..access import is_manager
from .announcing import announce_if_open

MIN_K = 3
MAX_QUESTIONS = 40
MAX_OPTIONS = 12
CHOICES = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def _questions(rows: list[dict], errors: dict) -> list[dict]:
    """Rows of the builder (`text`, `kind`, `required`, `options` one per line, `show_if`:
    "<earlier question number>:<option text>") as checked questions; empty rows are skipped.
    What is wrong goes into `errors` at the row's field (`questions-<row>-options`…)."""
    questions = []
    for index, row in enumerate(rows):
        at = f"questions-{index}-"
        text = clean_text(row.get("text"), at + "text", limit=200, errors=errors)
        if not text:
            continue
        number = len(questions) + 1
        try:
            kind = QuestionKind(str(row.get("kind") or ""))
        except ValueError:
            add_error(errors, at + "kind", _("Question %(n)d: choose its kind.", n=number))
            kind = None
        raw = clean_text(row.get("options"), at + "options", limit=2000, errors=errors)
        options = [line.strip() for line in raw.splitlines() if line.strip()]
        if kind in CHOICES and not errors.get(at + "options"):
            wrong = None
            if len(options) < 2:
                wrong = _("Question %(n)d: give at least two options.", n=number)
            elif len(options) > MAX_OPTIONS or len(set(options)) != len(options):
                wrong = _("Question %(n)d: at most 12 options, each once.", n=number)
            elif any(len(o) > 120 for o in options):
                wrong = _("Question %(n)d: an option is too long.", n=number)
            if wrong:
                add_error(errors, at + "options", wrong)
        elif kind not in CHOICES:
            options = []
        show_if = _condition(errors, at + "show_if", row.get("show_if"), questions, number)
        questions.append(
            {
                "text": text,
                "kind": kind,
                "required": bool(row.get("required")),
                "options": options,
                "show_if": show_if,
            }
        )
    if not questions:
        add_error(errors, "questions", _("Ask at least one question."))
    elif len(questions) > MAX_QUESTIONS:
        add_error(errors, "questions", _("At most 40 questions."))
    return questions


def _condition(errors: dict, field: str, value, earlier: list[dict], number: int):
    """A question's "only after" ("1:不满意", as typed on a Chinese keyboard too: １：不满意) as
    (index of the earlier question, index of its option), or None; what is wrong goes into
    `errors` at `field`."""
    condition = clean_text(value, field, limit=200, errors=errors)
    if not condition:
        return None
    target, _colon, answer = condition.replace("：", ":", 1).partition(":")
    target = int(target) if target.strip().isdecimal() else 0
    question = earlier[target - 1] if 0 < target < number else None
    if question is None or question["kind"] not in CHOICES:
        add_error(
            errors,
            field,
            _("Question %(n)d: it can depend only on an earlier choice question.", n=number),
        )
        return None
    if answer.strip() not in question["options"]:
        add_error(
            errors,
            field,
            _(
                "Question %(n)d: question %(m)d has no option “%(option)s”.",
                n=number,
                m=target,
                option=answer.strip(),
            ),
        )
        return None
    return (target - 1, question["options"].index(answer.strip()))


def check_survey(data: dict, rows: list[dict], departments=(), activity=None) -> dict:
    """A new survey's settings and questions, checked (see `save_survey`); raises
    `ValidationFailed` with everything that is wrong at once, each at its field. Settings the
    form could not read (a time, k) are None here and checked only by the form."""
    errors: dict[str, list[str]] = {}
    title = clean_text(
        data.get("title"), "title", limit=120, required=_("Enter a title."), errors=errors
    )
    intro = clean_text(data.get("intro"), "intro", limit=2000, errors=errors)
    try:
        audience = Audience(str(data.get("audience") or ""))
    except ValueError:
        audience = None
        add_error(errors, "audience", _("Choose who is asked."))
    opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        add_error(errors, "closes_at", _("The survey must close after it opens."))
    elif closes_at is not None and closes_at <= utcnow():
        add_error(errors, "closes_at", _("The closing time is already past."))
    k = data.get("min_responses") or 5
    if k < MIN_K:
        add_error(
            errors,
            "min_responses",
            _("At least %(n)d responses, or results could name people.", n=MIN_K),
        )
    if audience is Audience.DEPARTMENTS and not departments:
        add_error(errors, "departments", _("Choose at least one department."))
    if audience is Audience.ACTIVITY and activity is None:
        add_error(errors, "activity", _("Choose the activity whose participants answer."))
    questions = _questions(rows, errors)
    if errors:
        raise ValidationFailed(errors)
    return {"title": title, "intro": intro, "audience": audience, "k": k, "questions": questions}


def save_survey(user, data: dict, rows: list[dict], departments=(), activity=None) -> Survey:
    """A new survey. `data`: title, intro, anonymous, audience, opens_at, closes_at,
    min_responses, is_satisfaction, previous (a Survey or None). `rows`: the questions."""
    if not is_manager(user):
        raise Refused(_("Only union organizers and the chairman can do this."), 403)
    checked = check_survey(data, rows, departments, activity)
    audience = checked["audience"]
    survey = Survey(
        title=checked["title"],
        intro=checked["intro"],
        anonymous=bool(data.get("anonymous")),
        audience=audience,
        activity=activity if audience is Audience.ACTIVITY else None,
        departments=list(departments) if audience is Audience.DEPARTMENTS else [],
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        min_responses=checked["k"],
        is_satisfaction=bool(data.get("is_satisfaction")),
        previous=data.get("previous"),
        created_by_id=user.id,
    )
    add_with_questions(survey, checked["questions"])
    audit.record("surveys.created", survey, actor=user, summary=checked["title"])
    announce_if_open(survey)
    return survey


def add_with_questions(survey: Survey, questions: list[dict]) -> Survey:
    """Add a new survey with its questions (checked rows, as `_questions` gives them), each
    conditional question tied to the option that shows it once the options have ids."""
    made = []
    for position, q in enumerate(questions):
        question = SurveyQuestion(
            position=position,
            kind=q["kind"],
            text=q["text"],
            required=q["required"],
            options=[SurveyOption(position=i, label=o) for i, o in enumerate(q["options"])],
        )
        survey.questions.append(question)
        made.append(question)
    db.session.add(survey)
    db.session.flush()
    for question, q in zip(made, questions, strict=True):
        if q["show_if"]:
            target, option = q["show_if"]
            question.show_if_option_id = made[target].options[option].id
    db.session.flush()
    return survey
