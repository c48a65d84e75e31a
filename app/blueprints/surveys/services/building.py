"""Building a survey: its settings, audience and questions (with their options and the answer
of an earlier question that shows them)."""

from flask_babel import gettext as _

from app.errors import Refused, ValidationFailed
from app.extensions import db
from app.guards import clean_text
from app.models._types import utcnow
from app.models.surveys import Audience, QuestionKind, Survey, SurveyOption, SurveyQuestion
from app.services import audit

from ..access import is_manager

MIN_K = 3
MAX_QUESTIONS = 40
MAX_OPTIONS = 12
CHOICES = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


def _questions(rows: list[dict]) -> list[dict]:
    """Rows of the builder (`text`, `kind`, `required`, `options` one per line, `show_if`:
    "<earlier question number>:<option text>") as checked questions; empty rows are skipped."""
    questions = []
    for row in rows:
        text = clean_text(row.get("text"), "questions", limit=200)
        if not text:
            continue
        number = len(questions) + 1
        try:
            kind = QuestionKind(str(row.get("kind") or ""))
        except ValueError:
            raise ValidationFailed.on(
                "questions", _("Question %(n)d: choose its kind.", n=number)
            ) from None
        raw = clean_text(row.get("options"), "questions", limit=2000)
        options = [line.strip() for line in raw.splitlines() if line.strip()]
        if kind in CHOICES:
            if len(options) < 2:
                raise ValidationFailed.on(
                    "questions", _("Question %(n)d: give at least two options.", n=number)
                )
            if len(options) > MAX_OPTIONS or len(set(options)) != len(options):
                raise ValidationFailed.on(
                    "questions",
                    _("Question %(n)d: at most 12 options, each once.", n=number),
                )
            if any(len(o) > 120 for o in options):
                raise ValidationFailed.on(
                    "questions", _("Question %(n)d: an option is too long.", n=number)
                )
        else:
            options = []
        show_if = None
        condition = clean_text(row.get("show_if"), "questions", limit=200)
        if condition:
            # "1:不满意", as typed on a Chinese keyboard too (１：不满意)
            target, _colon, answer = condition.replace("：", ":", 1).partition(":")
            target = int(target) if target.strip().isdigit() else 0
            earlier = questions[target - 1] if 0 < target < number else None
            if earlier is None or earlier["kind"] not in CHOICES:
                raise ValidationFailed.on(
                    "questions",
                    _(
                        "Question %(n)d: it can depend only on an earlier choice question.",
                        n=number,
                    ),
                )
            if answer.strip() not in earlier["options"]:
                raise ValidationFailed.on(
                    "questions",
                    _(
                        "Question %(n)d: question %(m)d has no option “%(option)s”.",
                        n=number,
                        m=target,
                        option=answer.strip(),
                    ),
                )
            show_if = (target - 1, earlier["options"].index(answer.strip()))
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
        raise ValidationFailed.on("questions", _("Ask at least one question."))
    if len(questions) > MAX_QUESTIONS:
        raise ValidationFailed.on("questions", _("At most 40 questions."))
    return questions


def save_survey(user, data: dict, rows: list[dict], departments=(), activity=None) -> Survey:
    """A new survey. `data`: title, intro, anonymous, audience, opens_at, closes_at,
    min_responses, is_satisfaction, previous (a Survey or None). `rows`: the questions."""
    if not is_manager(user):
        raise Refused(_("Only union organizers and the chairman can do this."), 403)
    title = clean_text(data.get("title"), "title", limit=120, required=_("Enter a title."))
    intro = clean_text(data.get("intro"), "intro", limit=2000)
    try:
        audience = Audience(str(data.get("audience") or ""))
    except ValueError:
        raise ValidationFailed.on("audience", _("Choose who is asked.")) from None
    if data["closes_at"] <= data["opens_at"]:
        raise ValidationFailed.on("closes_at", _("The survey must close after it opens."))
    if data["closes_at"] <= utcnow():
        raise ValidationFailed.on("closes_at", _("The closing time is already past."))
    k = data.get("min_responses") or 5
    if k < MIN_K:
        raise ValidationFailed.on(
            "min_responses", _("At least %(n)d responses, or results could name people.", n=MIN_K)
        )
    if audience is Audience.DEPARTMENTS and not departments:
        raise ValidationFailed.on("departments", _("Choose at least one department."))
    if audience is Audience.ACTIVITY and activity is None:
        raise ValidationFailed.on("activity", _("Choose the activity whose participants answer."))
    questions = _questions(rows)
    survey = Survey(
        title=title,
        intro=intro,
        anonymous=bool(data.get("anonymous")),
        audience=audience,
        activity=activity if audience is Audience.ACTIVITY else None,
        departments=list(departments) if audience is Audience.DEPARTMENTS else [],
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        min_responses=k,
        is_satisfaction=bool(data.get("is_satisfaction")),
        previous=data.get("previous"),
        created_by_id=user.id,
    )
    add_with_questions(survey, questions)
    audit.record("surveys.created", survey, actor=user, summary=title)
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
