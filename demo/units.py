"""The demo programme's key units: ~150 made-up units over Zhejiang's 11 cities, as in late 2026."""

from __future__ import annotations

import datetime
import random

from units.credit_code import ALPHABET, check_character
from units.models import Division, IPProfile, Unit, UnitContact
from units.services import unit_create, unit_remove

PLACES = [
    "之江",
    "钱塘",
    "甬江",
    "瓯江",
    "南湖",
    "太湖",
    "鉴湖",
    "婺江",
    "衢江",
    "东海",
    "椒江",
    "瓯越",
    "西湖",
    "良渚",
    "天目",
    "雁荡",
    "括苍",
    "四明",
    "会稽",
    "富春",
    "兰江",
    "千岛湖",
    "普陀",
    "仙居",
    "龙泉",
    "莫干",
]
FIELDS = [
    "智能计算",
    "光电",
    "新材料",
    "生物医药",
    "集成电路",
    "储能",
    "海洋装备",
    "脑机接口",
    "量子信息",
    "柔性电子",
    "先进制造",
    "绿色化工",
    "数字安防",
    "智能网联汽车",
    "现代纺织",
    "氢能",
    "工业软件",
    "合成生物",
]
TECHNICAL_FIELDS = {
    "智能计算": "人工智能",
    "光电": "光电子",
    "新材料": "新材料",
    "生物医药": "生物医药",
    "集成电路": "集成电路",
    "储能": "新能源",
    "海洋装备": "海洋经济",
    "脑机接口": "人工智能",
    "量子信息": "量子科技",
    "柔性电子": "电子信息",
    "先进制造": "高端装备",
    "绿色化工": "绿色石化",
    "数字安防": "数字经济",
    "智能网联汽车": "汽车及零部件",
    "现代纺织": "现代纺织",
    "氢能": "新能源",
    "工业软件": "数字经济",
    "合成生物": "生物医药",
}
CATEGORY_NAMES = {
    Unit.Category.KEY_LAB: ("实验室", "12"),
    Unit.Category.TECH_INNOVATION_CENTRE: ("技术创新中心", "12"),
    Unit.Category.MANUFACTURING_CENTRE: ("制造业创新中心", "12"),
    Unit.Category.UNIVERSITY: ("大学", "12"),
    Unit.Category.LEADING_ENTERPRISE: ("科技股份有限公司", "91"),
    Unit.Category.LITTLE_GIANT: ("科技有限公司", "91"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "慧",
    "建华",
    "晓东",
]
BATCHES = [
    ("2025年第一批", datetime.date(2025, 2, 28), 100),
    ("2025年第二批", datetime.date(2025, 9, 15), 35),
    ("2026年第一批", datetime.date(2026, 3, 20), 15),
]
REMOVAL_REASONS = [
    "单位完成重组，并入其他重点单位统一服务。",
    "经复核不再符合重点服务对象遴选条件。",
    "单位申请退出，已由属地知识产权部门接续服务。",
]
# The demo login `unit` speaks for this unit (first of the list, 杭州市余杭区, served by the `leader`'s team).
DEMO_UNIT_NAME = "钱塘智能计算实验室"
DEMO_UNIT_COUNTY = "330110"


def credit_code(registration: str, division_code: str, serial: str) -> str:
    """A made-up but valid unified social credit code: authority+type, division, organisation code."""
    first17 = f"{registration}{division_code}{serial}"
    return first17 + check_character(first17)


def demo_credit_code(rng: random.Random, registration: str, county: str) -> str:
    first17 = registration + county + "".join(rng.choice(ALPHABET) for _ in range(9))
    return first17 + check_character(first17)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def build_units(*, rng: random.Random, actor) -> list[Unit]:
    """Creates the demo units once; on later runs returns the same units unchanged."""
    counties = list(Division.objects.filter(level=Division.Level.COUNTY).select_related("city"))
    plan = _unit_plan(rng, counties)
    existing = {u.credit_code: u for u in Unit.objects.filter(credit_code__in=[p["credit_code"] for p in plan])}
    units = []
    for entry in plan:
        unit = existing.get(entry["credit_code"])
        if unit is None:
            unit = _create_demo_unit(rng, entry, actor)
        units.append(unit)
    return units


def _unit_plan(rng: random.Random, counties: list[Division]) -> list[dict]:
    """Decides every unit's name, category, county, batch — deterministic for a given seed."""
    by_code = {c.code: c for c in counties}
    categories = list(CATEGORY_NAMES)
    names = {DEMO_UNIT_NAME}
    plan = [
        {
            "name": DEMO_UNIT_NAME,
            "category": Unit.Category.KEY_LAB,
            "county": by_code[DEMO_UNIT_COUNTY],
            "field": "智能计算",
            "credit_code": demo_credit_code(rng, "12", DEMO_UNIT_COUNTY),
        }
    ]
    # Hangzhou and Ningbo hold more strategic S&T forces than the other cities.
    weights = [6 if c.city.code == "330100" else 3 if c.city.code == "330200" else 1 for c in counties]
    while len(plan) < sum(size for _, _, size in BATCHES):
        category = categories[len(plan) % len(categories)]
        suffix, registration = CATEGORY_NAMES[category]
        field = rng.choice(FIELDS)
        name = f"{rng.choice(PLACES)}{field}{suffix}"
        if name in names:
            continue
        names.add(name)
        county = rng.choices(counties, weights=weights)[0]
        plan.append(
            {
                "name": name,
                "category": category,
                "county": county,
                "field": field,
                "credit_code": demo_credit_code(rng, registration, county.code),
            }
        )
    position = 0
    for batch, day, size in BATCHES:
        for entry in plan[position : position + size]:
            entry["batch"], entry["selected_on"] = batch, day
        position += size
    return plan


def _create_demo_unit(rng: random.Random, entry: dict, actor) -> Unit:
    unit = unit_create(
        actor=actor,
        name=entry["name"],
        credit_code=entry["credit_code"],
        category=entry["category"],
        division=entry["county"],
        technical_field=TECHNICAL_FIELDS[entry["field"]],
        address=f"浙江省{entry['county'].city.name}{entry['county'].name}{rng.randint(1, 999)}号",
        selected_on=entry["selected_on"],
        batch=entry["batch"],
        basis="经设区市推荐、省知识产权局审核，列入重点服务对象清单。",
    )
    UnitContact.objects.create(
        unit=unit,
        name=person_name(rng),
        position=rng.choice(["知识产权部主任", "科研管理处处长", "法务总监", "知识产权专员"]),
        phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        email=f"ip{unit.pk}@example.com",
        is_primary=True,
    )
    patents = rng.randint(20, 800)
    for as_of, growth in ((entry["selected_on"], 1.0), (datetime.date(2026, 6, 30), rng.uniform(1.05, 1.4))):
        IPProfile.objects.get_or_create(
            unit=unit,
            as_of=as_of,
            defaults={
                "invention_patents": round(patents * growth),
                "utility_models": round(patents * 0.6 * growth),
                "pct_applications": round(patents * 0.05 * growth),
                "trademarks": rng.randint(2, 60),
                "ip_certified": growth > 1.2 or patents > 500,
                "recorded_by": actor,
            },
        )
    if entry["name"] != DEMO_UNIT_NAME and entry["batch"] == "2025年第一批" and rng.random() < 0.03:
        unit_remove(actor=actor, unit=unit, date=datetime.date(2026, 7, 1), reason=rng.choice(REMOVAL_REASONS))
        unit.refresh_from_db()
    return unit
