"""The field kit: the survey list and the page of every open survey this person is asked and
has not answered, so it can be answered offline."""

from flask import url_for

from . import queries


def survey_kit(user) -> list[str]:
    urls = [url_for("surveys.index")]
    for survey, answered in queries.open_surveys_for(user):
        if not answered:
            urls.append(url_for("surveys.show", survey_id=survey.id))
    return urls


def survey_stamp(user) -> str:
    """Changes when a survey opens, closes or is answered."""
    return ",".join(f"{s.id}:{int(a)}" for s, a in queries.open_surveys_for(user))


def register(reg) -> None:
    reg.offline(survey_kit, stamp=survey_stamp)
