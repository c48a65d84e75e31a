"""Demo library: the collective contract, the union's and the company's rules, operating
procedures on the demo machines and areas (one with a second version to confirm), an
emergency plan, a safety question bank with the daily question, and an exam that issues the
gate's safety certificate. Runs once: when any document exists it leaves everything as it is."""

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.blueprints.gate.services import type_named
from app.extensions import db
from app.models import User
from app.models.library import Document, Question
from app.models.safety import Area

from . import posts, services

CONTRACT = "\n\n".join(
    [
        "本合同依据《中华人民共和国劳动法》《中华人民共和国工会法》和《集体合同规定》，由公司与公司工会代表全体职工平等协商订立。",
        "劳动报酬：公司实行以岗位绩效工资为主的工资制度，职工工资每月15日前以货币形式足额支付，不得克扣或无故拖欠。",
        "工资增长：公司每年根据经济效益和当地工资指导线，与工会协商确定职工工资增长幅度，年度平均增幅不低于5%。",
        "工作时间：实行每日不超过8小时、每周不超过40小时的标准工时制度；确需加班的，应与工会和职工协商，并依法支付加班工资。",
        "休息休假：职工依法享受法定节假日、带薪年休假、婚丧假、产假、护理假等假期。",
        "劳动安全卫生：公司按国家标准提供劳动防护用品，每年组织职工健康检查；职工有权拒绝违章指挥和强令冒险作业。",
        "女职工特殊保护：公司执行《女职工劳动保护特别规定》，女职工在孕期、产期、哺乳期享受特殊保护。",
        "职业技能培训：公司每年按职工工资总额的1.5%提取职工教育经费，用于职工培训。",
        "合同期限与变更：本合同期限三年，经职工代表大会审议通过后生效；履行中需变更的，双方协商一致并经职工代表大会通过。",
    ]
)
LATHE_V1 = "\n\n".join(
    [
        "开机前：穿好工作服、扎紧袖口，戴好防护眼镜，长发须盘入工作帽；严禁戴手套操作。",
        "检查车床防护罩、卡盘扳手已取下，润滑油位正常，空车低速运转1至2分钟。",
        "运行中：不得用手触摸旋转的工件和卡盘，不得用手清除切屑，应使用专用钩子。",
        "停机后：切断电源，清理切屑，擦拭机床，做好交接班记录。",
    ]
)
LATHE_V2 = LATHE_V1.replace(
    "不得用手清除切屑，应使用专用钩子。",
    "不得用手清除切屑，应使用专用钩子。\n\n装夹工件或测量尺寸前，必须停车并确认卡盘完全停止转动。",
)
# title, category, machine, area name, versions [(body, what changed)]
DOCUMENTS = [
    ("公司集体合同（2025—2027年）", "contract", "", None, [(CONTRACT, "")]),
    (
        "中华人民共和国工会法（摘要）",
        "law",
        "",
        None,
        [
            (
                "工会是职工自愿结合的工人阶级的群众组织。\n\n维护职工合法权益、竭诚服务职工群众是工会的基本职责。",
                "",
            )
        ],
    ),
    (
        "职工考勤与休假管理规定",
        "company",
        "",
        None,
        [
            (
                "职工应按时上下班，迟到、早退、旷工按本规定处理。\n\n职工请假须提前在系统中申请，经班组长、车间主任批准。",
                "",
            )
        ],
    ),
    (
        "数控车床安全操作规程",
        "procedure",
        "1号车床",
        "数控车床区",
        [(LATHE_V1, ""), (LATHE_V2, "新增第5条：装夹工件或测量前必须停车，确认卡盘停止转动。")],
    ),
    (
        "吊装作业安全操作规程",
        "procedure",
        "吊装工位",
        "总装线",
        [
            (
                "作业前检查钢丝绳、吊钩、卡环，发现断股、变形立即停用。\n\n吊物下方严禁站人，起吊时设专人指挥。",
                "",
            )
        ],
    ),
    (
        "10kV配电室倒闸操作规程",
        "procedure",
        "高压柜",
        "10kV配电室",
        [
            (
                "倒闸操作必须由两人进行，一人操作，一人监护，并持操作票。\n\n操作时穿绝缘靴、戴绝缘手套，使用合格的验电器。",
                "",
            )
        ],
    ),
    # Tied to no area: a shock can happen at any machine, so it applies to the whole works
    # and every worker's phone keeps it (queries.my_documents).
    (
        "触电事故现场处置方案",
        "emergency",
        "",
        None,
        [
            (
                "发现有人触电，立即切断电源或用绝缘物使触电者脱离电源。\n\n拨打120并立即进行心肺复苏，同时报告车间和安全员。",
                "",
            )
        ],
    ),
]
# kind, text, options, right options (numbers from 1), explanation
QUESTIONS = [
    (
        "single",
        "操作车床时，下列做法正确的是：",
        ["戴手套操作", "用手清除切屑", "扎紧袖口、戴防护眼镜", "运转中测量工件"],
        "3",
        "车床旋转部件会卷入手套和衣袖，必须扎紧袖口、戴防护眼镜，严禁戴手套。",
    ),
    (
        "true_false",
        "发现有人触电，应立即用手把触电者拉开。",
        [],
        "2",
        "直接接触触电者会使施救者触电，应先切断电源或用绝缘物使其脱离电源。",
    ),
    (
        "multiple",
        "吊装作业前应检查哪些部件？",
        ["钢丝绳", "吊钩", "卡环", "工作服颜色"],
        "1,2,3",
        "钢丝绳、吊钩、卡环是吊装的受力部件，作业前必须检查。",
    ),
    (
        "single",
        "倒闸操作至少需要几人进行？",
        ["1人", "2人", "3人", "不限"],
        "2",
        "倒闸操作必须一人操作、一人监护。",
    ),
    (
        "true_false",
        "职工有权拒绝违章指挥和强令冒险作业。",
        [],
        "1",
        "《安全生产法》和集体合同都规定职工有权拒绝违章指挥和强令冒险作业。",
    ),
    (
        "single",
        "集体合同约定的工资支付时间是每月：",
        ["5日前", "10日前", "15日前", "月底"],
        "3",
        "集体合同第2条：职工工资每月15日前足额支付。",
    ),
    (
        "multiple",
        "下列属于劳动防护用品的是：",
        ["安全帽", "绝缘手套", "防护眼镜", "手机"],
        "1,2,3",
        "安全帽、绝缘手套、防护眼镜都是劳动防护用品。",
    ),
    (
        "true_false",
        "灭火器只要外观完好，不必检查压力。",
        [],
        "2",
        "灭火器应定期检查压力表指针是否在绿区。",
    ),
]


def _publisher() -> User | None:
    return User.by_employee_no("S0001") or User.by_employee_no("O0001")


def load(ctx) -> list:
    if db.session.scalar(select(Document.id).limit(1)) is not None:
        return []
    # No made-up request around it: the audit log would show the demo's entries as coming
    # from an "unknown" address (links are built without one: app.jobs.path_for).
    return _load(ctx)


def _load(ctx) -> list:
    publisher = _publisher()
    if publisher is None:
        return []
    areas = {a.name: a.id for a in db.session.scalars(select(Area))}
    for title, category, machine, area, versions in DOCUMENTS:
        data = MultiDict(
            {
                "title": title,
                "category": category,
                "machine": machine,
                "area_id": str(areas.get(area, "")) if area else "",
                "body": versions[0][0],
            }
        )
        for post_id in posts.demo_post_ids(ctx.departments, title):
            data.add("post_ids", str(post_id))
        document = services.publish_document(publisher, data)
        for body, changes in versions[1:]:
            data["body"], data["changes"] = body, changes
            services.revise_document(publisher, document, data)
    bank = services.add_bank(
        publisher,
        {
            "topic": "安全生产知识",
            "description": "操作规程、用电、吊装、应急处置和集体合同的基本知识。",
        },
    )
    for kind, text, options, right, explanation in QUESTIONS:
        services.add_question(
            publisher,
            bank,
            {
                "kind": kind,
                "text": text,
                "options": "\n".join(options),
                "correct": right,
                "explanation": explanation,
            },
        )
    # The gate's safety certificate, which its demo posts require: a worker without it is
    # turned away at the entrance until they pass this exam.
    safety_type = type_named("安全生产培训合格证", is_safety=True, validity_months=12)
    exam = services.add_exam(
        publisher,
        {
            "title": "安全生产知识考试",
            "bank_id": bank.id,
            "question_count": 5,
            "minutes": 15,
            "pass_score": 80,
            "qualification_type_id": safety_type.id,
        },
    )
    # 张群监 has passed it already: a result on the results page and his certificate.
    inspector = User.by_employee_no("I0001")
    if inspector is not None:
        attempt = services.start_attempt(inspector, exam)
        answers = MultiDict()
        for question in db.session.scalars(
            select(Question).where(Question.id.in_(attempt.question_ids))
        ):
            for index in question.correct:
                answers.add(f"q{question.id}", str(index))
        services.submit_attempt(inspector, attempt, answers)
    db.session.flush()
    return []


def register(reg) -> None:
    reg.demo(load)
