"""The demo programme's service plans, as they stand in late 2026.

Every listed unit gets a plan written through plans/services.py, so the data obeys the workflow; the events are then
backdated (queryset.update) so the history reads like 2025–2026. Idempotent: a unit that has a plan is left alone.

Most plans are approved (some already in their second version, a few with a revision in draft or in the queue);
some were returned with the bureau's comments, some wait in the bureau's queue (half of those resubmitted
after a return, the text as returned kept on the event), a few drafts are overdue.
The demo unit's plan is in force, and the `leader`'s team has one plan returned and one submitted.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Case, DateTimeField, Value, When

from huhang.vocabulary import TaskArea
from plans.models import SECTIONS, Measure, Plan, PlanEvent, PlanVersion, ProgressNote
from plans.services import (
    measure_owner_candidates,
    measure_progress,
    measure_save,
    plan_approve,
    plan_return,
    plan_revise,
    plan_sections_save,
    plan_start,
    plan_submit,
)
from teams.models import Assignment, Membership
from units.models import IPProfile, Unit

# The demo programme's "today": late 2026, the second year of the programme.
DEMO_TODAY = datetime.date(2026, 11, 20)
FIRST_PLANS_BATCH = datetime.date(2025, 3, 31)  # demo/units.py: 2025年第一批
LAST_DUE = datetime.date(2026, 12, 31)
TZ = ZoneInfo("Asia/Shanghai")

# The states a plan can be in, as the demo shows them.
APPROVED = "approved"  # v1 in force
SECOND_VERSION = "second_version"  # v1 superseded, v2 in force
REVISING = "revising"  # v1 in force, v2 a draft
REVISION_SUBMITTED = "revision_submitted"  # v1 in force, v2 waiting for the bureau
REVISION_RETURNED = "revision_returned"  # v1 in force, v2 returned
RETURNED = "returned"  # v1 returned with comments, never approved
SUBMITTED = "submitted"  # v1 waiting for the bureau
OVERDUE_DRAFT = "overdue_draft"  # v1 still a draft, past its due date

# Weights per selection batch (by year and month of selection): the first batch has had time to revise.
WEIGHTS = {
    (2025, 3): {
        APPROVED: 52,
        SECOND_VERSION: 20,
        REVISING: 8,
        REVISION_SUBMITTED: 5,
        REVISION_RETURNED: 4,
        RETURNED: 4,
        SUBMITTED: 3,
        OVERDUE_DRAFT: 4,
    },
    (2025, 9): {APPROVED: 60, SECOND_VERSION: 8, REVISING: 6, RETURNED: 8, SUBMITTED: 8, OVERDUE_DRAFT: 10},
    (2026, 3): {APPROVED: 45, RETURNED: 15, SUBMITTED: 20, OVERDUE_DRAFT: 20},
}

FIELD_TOPICS = {
    "人工智能": ["大模型训练与推理", "智能计算芯片架构", "多模态感知算法"],
    "光电子": ["激光器件", "硅光集成芯片", "光通信模块"],
    "新材料": ["高性能复合材料", "先进陶瓷", "特种功能薄膜"],
    "生物医药": ["创新药物筛选", "抗体药物", "高端医疗器械"],
    "集成电路": ["芯片设计", "先进封装", "EDA工具"],
    "新能源": ["固态电池", "储能系统集成", "电池管理系统"],
    "海洋经济": ["深海探测装备", "海洋工程装备", "水下机器人"],
    "量子科技": ["量子通信", "量子精密测量", "量子计算"],
    "电子信息": ["柔性显示", "可穿戴传感器", "印刷电子"],
    "高端装备": ["精密数控机床", "工业机器人", "智能产线"],
    "绿色石化": ["催化新工艺", "高端聚烯烃", "化工过程节能"],
    "数字经济": ["工业软件", "数据安全", "视频智能分析"],
    "汽车及零部件": ["智能驾驶", "车规级芯片", "线控底盘"],
    "现代纺织": ["功能性纤维", "智能纺织装备", "绿色印染"],
}
DEFAULT_TOPICS = ["核心技术", "关键工艺", "主导产品"]

RESEARCH_CATEGORIES = {
    Unit.Category.KEY_LAB,
    Unit.Category.TECH_INNOVATION_CENTRE,
    Unit.Category.MANUFACTURING_CENTRE,
    Unit.Category.UNIVERSITY,
}
CATEGORY_NOUNS = {
    Unit.Category.KEY_LAB: "实验室",
    Unit.Category.TECH_INNOVATION_CENTRE: "中心",
    Unit.Category.MANUFACTURING_CENTRE: "中心",
    Unit.Category.UNIVERSITY: "学校",
    Unit.Category.LEADING_ENTERPRISE: "公司",
    Unit.Category.LITTLE_GIANT: "企业",
}

CHARACTERISTICS_RESEARCH = [
    "{noun}以{field}领域基础研究和关键核心技术攻关为主，现有科研团队{teams}个、科研人员约{staff}人，"
    "承担国家和省级重大科研项目{projects}项。成果多以论文和专利形式体现，转化渠道相对单一。",
    "{noun}聚焦{topic}等方向，采用“平台+团队+项目”的组织方式，科研人员流动性较大，"
    "合作研发项目多，知识产权权属约定需要逐项落实。",
    "{noun}近年来在{topic}方向形成了一批有代表性的成果，产学研合作单位{partners}家，"
    "科研管理部门兼管知识产权工作，专职人员{ip_staff}名。",
]
CHARACTERISTICS_ENTERPRISE = [
    "{noun}主营{topic}相关产品，研发投入占营业收入约{rd}%，产品销往国内外{markets}个国家和地区，"
    "知识产权工作由法务部门统筹，专职人员{ip_staff}名。",
    "{noun}是{field}领域的细分龙头，核心产品市场占有率居国内前列，正在推进{topic}新产品的产业化，"
    "海外市场拓展对知识产权布局和风险防控提出了更高要求。",
    "{noun}以{topic}为主攻方向，研发团队约{staff}人，客户集中在长三角地区，"
    "近两年开始拓展海外市场，知识产权管理制度正在逐步健全。",
]
WEAK_LINKS = [
    "专利申请以数量为导向，高价值核心专利占比偏低",
    "海外专利布局不足，PCT申请主要集中在少数项目",
    "缺少专职知识产权管理人员，职责分散在科研、法务等部门",
    "研发立项前缺少系统的专利检索和分析评议",
    "商业秘密保护制度不健全，涉密人员和载体管理薄弱",
    "专利转化运用渠道有限，存量专利实施率不高",
    "对海外知识产权纠纷的预警和应对经验不足",
    "合作研发中知识产权权属和收益分配约定不够清晰",
    "知识产权管理体系尚未建立或未有效运行",
]
MAIN_NEEDS_RESEARCH = [
    "围绕{topic}开展专利导航，为研发方向和项目立项提供依据",
    "建立职务科技成果赋权和转化收益分配机制",
    "培育一批{topic}领域的高价值专利组合",
    "对接金融机构和产业资本，推动专利成果转化",
    "提升科研人员的知识产权意识和专利撰写质量",
]
MAIN_NEEDS_ENTERPRISE = [
    "{topic}产品出口前的专利风险排查和FTO分析",
    "海外商标注册和专利布局指导",
    "知识产权质押融资和保险对接",
    "商业秘密保护和员工竞业限制管理指导",
    "申报国家知识产权示范企业的辅导",
]
RECOMMENDATIONS = [
    "以{topic}为重点，实施高价值专利培育计划，对重点项目申请优先审查和快速预审。",
    "建立“研发—专利—标准”协同机制，在重大项目立项、中期和结题阶段嵌入知识产权评议。",
    "健全知识产权管理制度，按照GB/T 29490建立并运行知识产权管理体系。",
    "建立海外知识产权风险预警机制，重点市场产品上市前完成自由实施分析。",
    "搭建专利转化运用平台，开展专利许可、作价入股和质押融资。",
    "完善商业秘密分级保护制度，加强涉密人员、载体和信息系统管理。",
]
MEASURE_TEMPLATES = {
    TaskArea.POLICY_LAW: [
        "开展护航行动政策宣讲，解读知识产权资助与奖励政策",
        "面向科研和研发人员举办专利法及实施细则修订要点培训",
        "梳理{field}领域国家和省级知识产权扶持政策清单并逐项对接",
    ],
    TaskArea.MANAGEMENT_SYSTEM: [
        "协助建立知识产权管理体系，完成GB/T 29490贯标认证准备",
        "制定职务发明奖励和报酬管理办法",
        "建立专利台账和年费管理制度，清理低价值存量专利",
    ],
    TaskArea.PORTFOLIO_LAYOUT: [
        "围绕{topic}核心技术培育高价值专利组合",
        "对{topic}重点项目申请专利优先审查和快速预审",
        "通过PPH途径加快{topic}相关专利的海外授权",
        "指导主要产品商标开展马德里国际注册",
        "建立商业秘密分级管理制度，明确核心技术秘密清单",
    ],
    TaskArea.COORDINATED_INNOVATION: [
        "开展{topic}领域专利导航，形成研发方向和布局建议",
        "绘制{field}产业知识产权地图，识别技术空白点",
        "在重大研发项目立项阶段嵌入知识产权检索和评议",
    ],
    TaskArea.ANALYSIS_EVALUATION: [
        "对拟引进的高层次人才开展知识产权背景评议",
        "对{topic}产品出口目标市场开展专利风险分析",
        "对重大科技项目开展知识产权分析评议并出具报告",
    ],
    TaskArea.COMMERCIALISATION: [
        "梳理可转化专利清单，组织{field}专利成果供需对接会",
        "协助开展专利许可和作价入股，完善转化收益分配",
        "对接银行开展知识产权质押融资",
        "指导开展专利密集型产品备案认定",
    ],
    TaskArea.PROTECTION: [
        "建立海外知识产权纠纷预警和应对预案",
        "对{topic}新产品上市前开展FTO自由实施分析",
        "指导商业秘密保护和员工竞业限制管理",
        "对接知识产权保护中心，建立快速维权通道",
    ],
}
RETURN_COMMENTS = [
    "举措清单与薄弱环节对应不够紧密，请补充针对海外布局的具体举措，并明确完成时限。",
    "主要需求部分过于笼统，请结合单位实际细化；部分举措责任人未落实。",
    "请补充知识产权状况中的近三年数据变化，并对高价值专利培育目标作出量化。",
    "对策建议与举措清单存在重复，请合并整理；分析评议类举措请明确评议对象。",
]
# What a team adds when it answers the bureau's comments and submits the plan again.
RESUBMITTED_NEEDS = [
    "结合退回意见细化：明确{topic}方向近两年高价值专利培育目标和重点市场海外布局计划",
    "结合退回意见补充：对{topic}新产品上市前的专利风险排查提出具体时间节点",
]
RESUBMITTED_MEASURES = [
    (TaskArea.PORTFOLIO_LAYOUT, "按退回意见补充：制定{topic}重点市场海外专利布局计划，明确PCT申请目标"),
    (TaskArea.PROTECTION, "按退回意见补充：建立{topic}产品海外知识产权纠纷应对预案并开展一次演练"),
]
PROGRESS_NOTES = [
    "已与单位知识产权负责人召开专题会商，明确工作方案和分工。",
    "完成第一阶段检索分析，初步报告已提交单位审阅。",
    "组织相关人员培训一次，参训{people}人。",
    "已形成书面意见并反馈单位，单位正在按意见整改。",
]


def build_plans(*, rng: random.Random, units: list[Unit], actor) -> list[Plan]:
    """A plan for every listed unit that has none; units that already have one are left alone."""
    listed = [u for u in units if u.is_listed]
    has_plan = set(Plan.objects.filter(unit__in=listed).values_list("unit_id", flat=True))
    states = _states(rng, listed)
    plans = []
    for unit in listed:
        state = states[unit.pk]
        # The draws for a unit happen whether or not it is built, so a rerun walks the same sequence.
        seed = rng.random()
        if unit.pk in has_plan:
            continue
        plans.append(_build_plan(random.Random(seed), unit, state, actor))  # nosec B311 # seeded demo data
    return plans


def _states(rng: random.Random, listed: list[Unit]) -> dict[int, str]:
    """Which state each unit's plan is in. The demo unit's plan is in force (second version); the first units of
    the demo leader's team show one returned plan, one in the queue and one revision in draft."""
    selected = _selection_dates(listed)
    teams = dict(Assignment.objects.filter(unit__in=listed, end__isnull=True).values_list("unit_id", "team_id"))
    states = {}
    demo_team = teams.get(listed[0].pk) if listed else None
    showcase = iter([RETURNED, SUBMITTED, REVISING])
    for index, unit in enumerate(listed):
        day = selected[unit.pk]
        weights = WEIGHTS.get((day.year, day.month)) or WEIGHTS[(2026, 3)]
        state = rng.choices(list(weights), weights=list(weights.values()))[0]
        if index == 0:
            state = SECOND_VERSION
        elif teams.get(unit.pk) == demo_team:
            state = next(showcase, state)
        states[unit.pk] = state
    return states


def _selection_dates(units: list[Unit]) -> dict[int, datetime.date]:
    dates: dict[int, datetime.date] = {}
    for unit_id, day in (
        Unit.objects.filter(pk__in=[u.pk for u in units], listing_events__kind="selected")
        .order_by("listing_events__date")
        .values_list("pk", "listing_events__date")
    ):
        dates.setdefault(unit_id, day)
    return dates


def plan_facts(rng, *, noun: str, field: str, topic: str) -> dict:
    """The figures a demo plan's sections are written around (its teams, staff, projects …), drawn from `rng`."""
    return {
        "noun": noun,
        "field": field,
        "topic": topic,
        "teams": rng.randint(4, 18),
        "staff": rng.randint(60, 900),
        "projects": rng.randint(5, 40),
        "partners": rng.randint(6, 30),
        "ip_staff": rng.randint(0, 4),
        "rd": rng.randint(5, 18),
        "markets": rng.randint(5, 60),
    }


class _Writer:
    """Writes one unit's plan through the services and keeps the dates each step should carry."""

    def __init__(self, rng: random.Random, unit: Unit, actor) -> None:
        self.rng = rng
        self.unit = unit
        self.bureau = actor
        self.plan: Plan | None = None
        self.people = []
        self.team_user = None
        self.profiles = list(IPProfile.objects.filter(unit=unit).order_by("as_of"))
        self.topics = FIELD_TOPICS.get(unit.technical_field, DEFAULT_TOPICS)
        self.stamps: list[datetime.datetime] = []  # one per PlanEvent, in creation order

    # -- time --------------------------------------------------------------------------------------------------

    def at(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(self.rng.randint(9, 17), self.rng.randint(0, 59)), TZ)

    def after(self, day: datetime.date, low: int, high: int) -> datetime.date:
        return min(day + datetime.timedelta(days=self.rng.randint(low, high)), DEMO_TODAY)

    # -- workflow steps ----------------------------------------------------------------------------------------

    def start(self, day: datetime.date) -> PlanVersion:
        self.plan = plan_start(actor=None, unit=self.unit)
        version = self.plan.working
        # The demo's measures are owned by the serving team (the candidates list the pool's experts after it).
        seated = set(
            Membership.objects.filter(
                team__assignments__unit=self.unit, team__assignments__end__isnull=True
            ).values_list("person_id", flat=True)
        )
        self.people = [p for p in measure_owner_candidates(version=version) if p.pk in seated]
        self.team_user = next((p.user for p in self.people if p.user_id), None)
        if self.team_user:
            PlanEvent.objects.filter(plan=self.plan).update(actor=self.team_user)
        self._began(version, day)
        return version

    def revise(self, day: datetime.date) -> PlanVersion:
        version = plan_revise(actor=self.team_user, plan=self.plan)
        self._began(version, day)
        return version

    def _began(self, version: PlanVersion, day: datetime.date) -> None:
        """The version uses the unit's figures as they were that day, not the latest ones."""
        profile = next((p for p in reversed(self.profiles) if p.as_of <= day), None) or (
            self.profiles[0] if self.profiles else None
        )
        when = self.at(day)
        PlanVersion.objects.filter(pk=version.pk).update(ip_profile=profile, created_at=when, updated_at=when)
        version.ip_profile = profile
        self.stamps.append(when)

    def write(
        self, version: PlanVersion, day: datetime.date, *, due_from: datetime.date, sections: int = 5, fresh=False
    ) -> None:
        """Sections and measures; `fresh`: the plan is not in force yet, so its measures have barely started."""
        texts = self.sections(version.ip_profile)
        chosen = {name: texts[name] for name in SECTIONS[:sections]}
        version = plan_sections_save(actor=self.team_user, version=version, revision=version.revision, **chosen)
        for area, content, due_on, status in self.measures(due_from, fresh=fresh):
            measure_save(
                actor=self.team_user,
                version=version,
                area=area,
                content=content,
                owner=self.rng.choice(self.people) if self.people else None,
                due_on=due_on,
                status=status,
                **({"done_on": self.done_on(due_on, day)} if status == Measure.Status.DONE else {}),
            )
        when = self.at(day)
        Measure.objects.filter(version=version).update(created_at=when, updated_at=when)

    def done_on(self, due_on: datetime.date, written: datetime.date) -> datetime.date:
        """The day a measure was done: mostly some weeks before it was due, one in six late."""
        if self.rng.random() < 1 / 6:
            day = due_on + datetime.timedelta(days=self.rng.randint(3, 30))
        else:
            day = due_on - datetime.timedelta(days=self.rng.randint(0, 60))
        return min(max(day, written + datetime.timedelta(days=7)), DEMO_TODAY)

    def submit(self, version: PlanVersion, day: datetime.date) -> None:
        plan_submit(actor=self.team_user, version=version)
        self.stamps.append(self.at(day))

    def give_back(self, version: PlanVersion, day: datetime.date) -> None:
        plan_return(actor=self.bureau, version=version, comment=self.rng.choice(RETURN_COMMENTS))
        self.stamps.append(self.at(day))

    def approve(self, version: PlanVersion, day: datetime.date) -> None:
        plan_approve(actor=self.bureau, version=version, comment=self.rng.choice(["", "", "同意。请抓好落实。"]))
        self.stamps.append(self.at(day))

    def review_cycle(self, version: PlanVersion, written: datetime.date, *, brisk: bool = False) -> datetime.date:
        """Submitted, sometimes returned once and resubmitted, then approved; returns the approval day. `brisk`: the
        first batch's plans, written and reviewed within the April the action plan gave them."""
        submitted = self.after(written, 1, 4) if brisk else self.after(written, 3, 20)
        self.submit(version, submitted)
        if self.rng.random() < 0.3:
            returned = self.after(submitted, 2, 4) if brisk else self.after(submitted, 3, 10)
            self.give_back(version, returned)
            submitted = self.after(returned, 2, 6) if brisk else self.after(returned, 5, 20)
            self.submit(version, submitted)
        approved = self.after(submitted, 1, 5) if brisk else self.after(submitted, 2, 12)
        self.approve(version, approved)
        return approved

    def progress(self, version: PlanVersion, since: datetime.date) -> None:
        """A few progress notes on measures of the version in force, by the serving team's login."""
        if self.team_user is None:
            return
        measures = [m for m in version.measures.all() if m.status in (Measure.Status.IN_PROGRESS, Measure.Status.DONE)]
        for measure in self.rng.sample(measures, k=min(len(measures), self.rng.randint(1, 3))):
            latest = min(measure.due_on or DEMO_TODAY, DEMO_TODAY)
            if latest <= since:
                continue
            day = since + datetime.timedelta(days=self.rng.randint(1, (latest - since).days))
            text = self.rng.choice(PROGRESS_NOTES).format(people=self.rng.randint(15, 80))
            note = measure_progress(actor=self.team_user, measure=measure, date=day, text=text)
            when = self.at(day)
            ProgressNote.objects.filter(pk=note.pk).update(created_at=when, updated_at=when)

    def finish(self) -> Plan:
        """Backdates the events to the days the steps happened."""
        events = list(PlanEvent.objects.filter(plan=self.plan).order_by("pk").values_list("pk", flat=True))
        dated = dict(zip(events, self.stamps, strict=False))
        if dated:  # one UPDATE for all the plan's events
            when = Case(*(When(pk=pk, then=Value(stamp)) for pk, stamp in dated.items()), output_field=DateTimeField())
            PlanEvent.objects.filter(pk__in=dated).update(created_at=when, updated_at=when)
        if self.stamps:
            Plan.objects.filter(pk=self.plan.pk).update(created_at=self.stamps[0], updated_at=self.stamps[-1])
        return self.plan

    # -- text --------------------------------------------------------------------------------------------------

    def sections(self, profile: IPProfile | None) -> dict[str, str]:
        rng, unit = self.rng, self.unit
        noun = CATEGORY_NOUNS.get(unit.category, "单位")
        field = unit.technical_field or "主导技术"
        topic = rng.choice(self.topics)
        facts = plan_facts(rng, noun="本" + noun, field=field, topic=topic)
        if profile:
            ip_status = (
                f"截至{profile.as_of.year}年{profile.as_of.month}月{profile.as_of.day}日，{unit.name}拥有有效发明专利"
                f"{profile.invention_patents}件、实用新型专利{profile.utility_models}件，PCT国际专利申请"
                f"{profile.pct_applications}件，注册商标{profile.trademarks}件；"
                f"{'已通过' if profile.ip_certified else '尚未通过'}知识产权管理体系认证。"
            )
        else:
            ip_status = f"{unit.name}的知识产权数据正在核实，待单位提供后补充。"
        ip_status += "\n\n" + rng.choice(
            [
                f"专利主要集中在{topic}方向，近三年发明专利授权量年均增长约{rng.randint(8, 35)}%，"
                f"但经评估的高价值专利占比不足{rng.randint(10, 30)}%。",
                f"现有专利覆盖{'、'.join(rng.sample(self.topics, k=min(2, len(self.topics))))}等方向，"
                f"海外专利仅{rng.randint(0, 12)}件，与国际同行相比布局偏弱。",
                f"专利申请以国内为主，核心技术{topic}的专利保护范围较窄，存在被规避设计的风险。",
            ]
        )
        templates = CHARACTERISTICS_RESEARCH if unit.category in RESEARCH_CATEGORIES else CHARACTERISTICS_ENTERPRISE
        needs = MAIN_NEEDS_RESEARCH if unit.category in RESEARCH_CATEGORIES else MAIN_NEEDS_ENTERPRISE
        return {
            "ip_status": ip_status,
            "characteristics": rng.choice(templates).format(**facts),
            "weak_links": _items(rng.sample(WEAK_LINKS, k=rng.randint(3, 4))),
            "main_needs": _items([need.format(**facts) for need in rng.sample(needs, k=rng.randint(2, 3))]),
            "recommendations": "\n\n".join(
                text.format(**facts) for text in rng.sample(RECOMMENDATIONS, k=rng.randint(3, 4))
            ),
        }

    def measures(self, due_from: datetime.date, *, fresh: bool = False):
        """5–9 measures over the task areas (each area at most twice), with due dates and consistent statuses."""
        rng = self.rng
        count = rng.randint(5, 9)
        areas = rng.sample(list(TaskArea), k=min(count, len(TaskArea)))
        areas += rng.sample(list(TaskArea), k=count - len(areas))
        areas.sort(key=list(TaskArea).index)
        due_from = min(due_from, LAST_DUE - datetime.timedelta(days=30))
        span = (LAST_DUE - due_from).days
        used: set[str] = set()
        rows = []
        for area in areas:
            options = [t for t in MEASURE_TEMPLATES[area] if t not in used] or MEASURE_TEMPLATES[area]
            template = rng.choice(options)
            used.add(template)
            content = template.format(topic=rng.choice(self.topics), field=self.unit.technical_field or "主导产业")
            due_on = due_from + datetime.timedelta(days=rng.randint(0, span))
            rows.append((area, content, due_on, _fresh_status(rng) if fresh else _status_on(rng, due_on)))
        return rows


def _items(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"


def _status_on(rng: random.Random, due_on: datetime.date) -> str:
    """A measure's status as of DEMO_TODAY: long past due mostly done (some still running, i.e. overdue)."""
    days_left = (due_on - DEMO_TODAY).days
    if days_left < -30:
        return rng.choices(["done", "in_progress", "cancelled"], weights=[84, 13, 3])[0]
    if days_left < 0:
        return rng.choices(["done", "in_progress"], weights=[55, 45])[0]
    if days_left < 90:
        return rng.choices(["in_progress", "not_started"], weights=[55, 45])[0]
    return rng.choices(["in_progress", "not_started"], weights=[20, 80])[0]


def _fresh_status(rng: random.Random) -> str:
    return rng.choices(["not_started", "in_progress"], weights=[80, 20])[0]


@transaction.atomic
def _build_plan(rng: random.Random, unit: Unit, state: str, actor) -> Plan:
    selected = (
        unit.listing_events.filter(kind="selected").order_by("date").values_list("date", flat=True).first()
        or DEMO_TODAY
    )
    w = _Writer(rng, unit, actor)
    # The first batch (selected 31 March 2025) had its plans due by 30 April: the teams began at once.
    brisk = selected == FIRST_PLANS_BATCH
    began = w.after(selected, 2, 6) if brisk else w.after(selected, 12, 25)
    if state in (RETURNED, SUBMITTED, OVERDUE_DRAFT) and selected.year >= 2026:
        began = w.after(selected, 20, 90)
    version = w.start(began)
    written = w.after(began, 3, 8) if brisk else w.after(began, 5, 25)
    if state == OVERDUE_DRAFT:
        w.write(
            version, written, sections=rng.randint(2, 4), due_from=DEMO_TODAY + datetime.timedelta(days=20), fresh=True
        )
        return w.finish()
    if state in (RETURNED, SUBMITTED):
        # A plan still not in force: written recently, measures only starting. Half the plans in the queue were
        # returned once and come back with the team's answer (the review shows what changed since the return).
        resubmitted = state == SUBMITTED and rng.random() < 0.5
        written = max(written, DEMO_TODAY - datetime.timedelta(days=rng.randint(40 if resubmitted else 25, 120)))
        w.write(version, written, due_from=DEMO_TODAY + datetime.timedelta(days=20), fresh=True)
        submitted = w.after(written, 3, 15)
        w.submit(version, submitted)
        if state == RETURNED or resubmitted:
            returned = w.after(submitted, 2, 8)
            w.give_back(version, returned)
        if resubmitted:
            answered = w.after(returned, 3, 10)
            _answer_return(w, version, answered)
            w.submit(version, answered)
        return w.finish()
    w.write(version, written, due_from=w.after(written, 45, 90))
    approved = w.review_cycle(version, written, brisk=brisk)
    if state == APPROVED:
        w.progress(version, approved)
        return w.finish()
    # A second version: started in 2026, when the first year's measures had run their course.
    revision_day = max(w.after(approved, 150, 420), datetime.date(2026, 1, 10))
    if state in (REVISING, REVISION_SUBMITTED, REVISION_RETURNED):
        revision_day = max(revision_day, DEMO_TODAY - datetime.timedelta(days=rng.randint(20, 80)))
    revision_day = min(revision_day, DEMO_TODAY - datetime.timedelta(days=15))
    draft = w.revise(revision_day)
    revised = w.after(revision_day, 3, 10)
    _add_measures(w, draft, revised)
    if state == REVISING:
        w.progress(version, approved)
        return w.finish()
    if state in (REVISION_SUBMITTED, REVISION_RETURNED):
        submitted = w.after(revised, 2, 8)
        w.submit(draft, submitted)
        if state == REVISION_RETURNED:
            w.give_back(draft, w.after(submitted, 2, 5))
        w.progress(version, approved)
        return w.finish()
    second = w.review_cycle(draft, revised)
    w.progress(draft, second)
    return w.finish()


def _answer_return(w: _Writer, version: PlanVersion, day: datetime.date) -> None:
    """The team answers the bureau's comments: one more main need and, while the list has room, one more measure."""
    version = PlanVersion.objects.get(pk=version.pk)
    topic = w.rng.choice(w.topics)
    need = w.rng.choice(RESUBMITTED_NEEDS).format(topic=topic)
    main_needs = version.main_needs.replace("</ul>", f"<li>{need}</li></ul>", 1)
    plan_sections_save(actor=w.team_user, version=version, revision=version.revision, main_needs=main_needs)
    area, content = w.rng.choice(RESUBMITTED_MEASURES)
    if version.measures.count() < 9:  # a plan keeps 5–9 measures
        measure = measure_save(
            actor=w.team_user,
            version=version,
            area=area,
            content=content.format(topic=topic),
            owner=w.rng.choice(w.people) if w.people else None,
            due_on=DEMO_TODAY + datetime.timedelta(days=w.rng.randint(60, 240)),
        )
        when = w.at(day)
        Measure.objects.filter(pk=measure.pk).update(created_at=when, updated_at=when)


def _add_measures(w: _Writer, draft: PlanVersion, day: datetime.date) -> None:
    """A revision adds a measure or two for the year ahead (up to nine in all) and refreshes the first section."""
    draft = PlanVersion.objects.get(pk=draft.pk)
    ip_status = w.sections(draft.ip_profile)["ip_status"]
    plan_sections_save(actor=w.team_user, version=draft, revision=draft.revision, ip_status=ip_status)
    room = 9 - draft.measures.count()  # a plan keeps 5–9 measures
    for area, content, due_on, status in w.measures(day + datetime.timedelta(days=60))[
        : min(w.rng.randint(1, 2), room)
    ]:
        measure_save(
            actor=w.team_user,
            version=draft,
            area=area,
            content=content,
            owner=w.rng.choice(w.people) if w.people else None,
            due_on=due_on,
            status=status,
            **({"done_on": w.done_on(due_on, day)} if status == Measure.Status.DONE else {}),
        )
