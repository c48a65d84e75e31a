"""Commendations (树典型): departments (their heads) nominate, the union names 先进个人,
优秀会员, 安全标兵, 技术能手, 最美职工… per year with a citation and a photo; an honour board
on the phone, and a person's honours on their 我的 page."""

from app.features import feature_blueprint, register_feature

bp = feature_blueprint("honours", __name__)


def init_app(app):
    from . import demo, routes, services  # noqa: F401  (routes attach to bp)

    register_feature(app, bp, services, demo, url_prefix="/honours")
    # 我的 lists the person's honours without importing this feature by name.
    app.add_template_global(services.honours_of, "honours_of")
