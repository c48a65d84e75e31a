"""不合格者不上岗: qualification types, posts and what they require, workers' gate codes, the
offline check at the site entrance and the gate report."""

from flask import Blueprint

bp = Blueprint("gate", __name__, template_folder="templates", static_folder="static")


def init_app(app):
    app.register_blueprint(bp, url_prefix="/gate")
