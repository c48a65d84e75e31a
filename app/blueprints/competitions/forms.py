from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from app.forms import AppForm
from app.models.competitions import PointSource


class RulesForm(AppForm):
    """One field per source (`points_<source>`), added below; empty means no rule."""


for _source in PointSource:
    setattr(
        RulesForm,
        f"points_{_source.value}",
        StringField(_source.label, render_kw={"inputmode": "decimal", "autocomplete": "off"}),
    )


class BriefForm(AppForm):
    plan = TextAreaField(_l("Competition plan"), render_kw={"rows": 4})
    assessment = TextAreaField(_l("How it is assessed"), render_kw={"rows": 4})
    result = TextAreaField(_l("Result summary"), render_kw={"rows": 4})
